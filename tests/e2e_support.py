"""Running the service for a real browser: uvicorn in a background thread on a free loopback
port, and Debian's headless Chromium driven by Playwright.

The browser is the system's (`/usr/bin/chromium`, or `EQUIVALENCE_CHROMIUM`): Playwright never
downloads one. Without it (or without Playwright) the end-to-end tests skip with the reason on a
workstation and fail in CI (`CI=true`), where the browser must be installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final, NoReturn

import pytest
import uvicorn
from fastapi import FastAPI

from api.routes import pages
from equivalence.search import SearchIndex
from tests.api_support import country_template

__all__ = [
    "BROKEN_TITLE",
    "CHROMIUM_ARGS",
    "broken_template",
    "chromium_path",
    "serve",
    "unavailable",
    "with_pages",
]

BROKEN_TITLE: Final = "EC0249"
"""The standard of `broken_template` whose title is left empty."""

CHROMIUM_ARGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
_CANDIDATES: Final = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def with_pages(app: FastAPI, index_folder: Path) -> FastAPI:
    """The app with the officer pages (unless its factory already mounts them), and a search
    index in `index_folder` (unless its workspace already has one)."""
    if not any(getattr(route, "name", "") == "ui-static" for route in app.routes):
        pages.install(app)
    workspace = app.state.workspace
    if not hasattr(workspace, "search"):
        index = SearchIndex.open(index_folder / "search.sqlite")
        index.refresh(workspace.store)
        workspace.search = lambda: index
    return app


def broken_template(*, level: str = "9") -> dict[str, bytes]:
    """Mexico's sample template with two violations: EC0217.01 at level `level` (not in
    Mexico's scheme) and EC0249 without a title."""
    files = country_template("MX")
    standards = files["standards.csv"].decode("utf-8")
    standards = standards.replace(",3,SERVICIOS EDUCATIVOS", f",{level},SERVICIOS EDUCATIVOS")
    standards = standards.replace(
        f"{BROKEN_TITLE},Proporcionar servicios de consultoría general", f"{BROKEN_TITLE},"
    )
    files["standards.csv"] = standards.encode("utf-8")
    return files


def chromium_path() -> Path | None:
    """The Chromium executable: `EQUIVALENCE_CHROMIUM`, Debian's, or one on the PATH."""
    configured = os.environ.get("EQUIVALENCE_CHROMIUM")
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    for candidate in _CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    found = shutil.which("chromium")
    return Path(found) if found else None


def unavailable(reason: str) -> NoReturn:
    """Skips the test on a workstation; fails it in CI, where the browser must be there."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"end-to-end tests need a browser in CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve(app: FastAPI, *, timeout: float = 20.0) -> Iterator[str]:
    """Serves `app` on 127.0.0.1 in a background thread; yields its base URL, then stops it."""
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the test server did not start on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
