"""`equivalence serve`: the HTTP service (FastAPI on uvicorn) over a store."""

from __future__ import annotations

import argparse
import os
from typing import Any

from equivalence.errors import ConfigurationError
from equivalence.settings import get_settings

__all__ = ["APP_FACTORY", "add_serve_command", "serve"]

APP_FACTORY = "api.app:app_from_environment"


def add_serve_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the HTTP API, the SPARQL endpoint and the pages",
        description="Starts the HTTP service on uvicorn. The store is the global --store (or "
        "$EQUIVALENCE_STORE). An on-disk store can be written by one process only: several "
        "--workers need --read-only (each worker then opens the store read-only and refuses "
        "writes) or a remote sparql+http store.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="default: 8000")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    serve.add_argument(
        "--read-only", action="store_true", help="serve the store read-only (no submissions)"
    )
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.add_argument(
        "--no-access-log", action="store_true", help="do not log every request (faster)"
    )


def _is_local_disk_store(descriptor: str) -> bool:
    return not descriptor.startswith(("sparql+", "oxigraph:memory"))


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    descriptor = args.store or get_settings().store_descriptor
    if args.workers < 1:
        raise ConfigurationError("--workers must be at least 1")
    if args.workers > 1 and descriptor.startswith("oxigraph:memory"):
        raise ConfigurationError("an in-memory store cannot be shared by several workers")
    if args.workers > 1 and _is_local_disk_store(descriptor) and not args.read_only:
        raise ConfigurationError(
            "several workers cannot open an on-disk store for writing: add --read-only, "
            "or run one worker"
        )
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "access_log": not args.no_access_log,
    }
    # the app is built by the web layer in each worker process, from the environment (the library
    # does not import the web layer)
    os.environ["EQUIVALENCE_STORE"] = descriptor
    os.environ["EQUIVALENCE_READ_ONLY"] = "true" if args.read_only else "false"
    uvicorn.run(APP_FACTORY, factory=True, workers=args.workers, **options)
    return 0
