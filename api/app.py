"""The FastAPI application factory.

`create_app()` opens the store the settings name (or takes a ready `Workspace`, as the tests
do), installs the problem+json error handlers and mounts the routers. `app_from_environment`
is the factory uvicorn imports in each worker process (`equivalence serve --workers N`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api.cache import ResponseCache
from api.problems import install_problem_handlers
from api.routes import (
    compare,
    mappings,
    occupations,
    pages,
    queries,
    sparql,
    standards,
    submissions,
    system,
    validation,
)
from equivalence import __version__
from equivalence.auth import TokenRegistry
from equivalence.settings import Settings, get_settings
from equivalence.store import TripleStore, open_store
from equivalence.workspace import Workspace

__all__ = ["app_from_environment", "create_app"]

DESCRIPTION = """
Which labour-competency certifications of **Chile, Colombia, Mexico and Peru** are equivalent,
how far, and what is missing for full recognition.

- **Look-ups** for officers and other systems: search standards, read one with its units and
  criteria, its equivalents in another country, and the unit-by-unit gap between two standards.
- **SPARQL** for interoperability experts: `/sparql` (SPARQL 1.1 Protocol, read-only) and the
  named, documented queries at `/queries/{name}`.
- **Submissions** for national agencies: validate a file (`/validate`, a dry run), submit a
  country's data with the agency's bearer token, list, compare and roll back versions, and
  review the proposed equivalences.

Errors are RFC 9457 problem details (`application/problem+json`).
"""

OPENAPI_TAGS = [
    {"name": "standards", "description": "Search and read standards, and their equivalents."},
    {"name": "compare", "description": "The unit-by-unit alignment and gap of two standards."},
    {"name": "mappings", "description": "The equivalence assertions (SSSOM) and their review."},
    {"name": "occupations", "description": "ISCO-08 / ESCO occupation suggestions."},
    {"name": "validation", "description": "Dry-run validation of a submission."},
    {"name": "submissions", "description": "Versioned submissions of a country's data."},
    {"name": "sparql", "description": "The SPARQL 1.1 Protocol endpoint and the named queries."},
    {"name": "system", "description": "Health and statistics."},
]


def search_index_location(settings: Settings, store: TripleStore) -> str:
    """The search index file: the configured one, else beside an on-disk store, else memory."""
    if settings.search_index:
        return settings.search_index
    path = getattr(store, "path", None)
    if isinstance(path, Path):
        return str(path.parent / f"{path.name}.search.sqlite")
    return ":memory:"


def open_workspace(settings: Settings) -> Workspace:
    """The serving workspace: its long-lived state is kept out of full garbage collections."""
    store = open_store(settings.store_descriptor, read_only=settings.read_only)
    return Workspace(
        store,
        TokenRegistry(settings.tokens_file),
        read_only=settings.read_only,
        search_index=search_index_location(settings, store),
        freeze_gc=True,
    )


def create_app(
    settings: Settings | None = None, *, workspace: Workspace | None = None, warm: bool = False
) -> FastAPI:
    """The application over the store of `settings` (or over `workspace` when given).

    `warm` builds the in-memory look-up state at start-up instead of on the first request; a
    workspace with `freeze_gc` (the one opened here) then freezes it out of the garbage
    collector's full collections (`Workspace.settle_gc`), and does again after each rebuild.
    """
    settings = settings or get_settings()
    owned = workspace is None
    workspace = workspace or open_workspace(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            await run_in_threadpool(workspace.warm)
        try:
            yield
        finally:
            if owned:
                workspace.close()

    app = FastAPI(
        title="equivalence",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=OPENAPI_TAGS,
        lifespan=lifespan,
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
    )
    app.state.workspace = workspace
    app.state.settings = settings
    # the bytes of `/standards/{country}/{code}/equivalents`, per question, until the next write
    app.state.equivalents_cache = ResponseCache()
    install_problem_handlers(app)
    for module in (
        standards,
        compare,
        mappings,
        occupations,
        validation,
        submissions,
        queries,
        sparql,
        system,
    ):
        app.include_router(module.router)
    pages.install(app)  # officer pages at / and /ui/… (a catch-all for /ui/…: after the API)
    return app


def app_from_environment() -> FastAPI:
    """The app of one uvicorn worker, configured by the EQUIVALENCE_* environment."""
    return create_app(Settings(), warm=True)
