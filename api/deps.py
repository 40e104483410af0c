"""FastAPI dependencies: the workspace of the app, and the bearer token of an agency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problems import ProblemError
from equivalence.settings import Settings
from equivalence.workspace import Workspace

__all__ = ["BearerToken", "SettingsDep", "WorkspaceDep"]

_bearer = HTTPBearer(auto_error=False, description="An agency's token (`equivalence token create`)")


# `async def`: FastAPI runs a plain `def` dependency in the thread pool, a hop per request for
# reading an attribute (none of these blocks)
async def get_workspace(request: Request) -> Workspace:
    workspace: Workspace = request.app.state.workspace
    return workspace


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or not credentials.credentials:
        raise ProblemError(
            401,
            "this request needs an agency's token: 'Authorization: Bearer <token>'",
            code="unauthenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return credentials.credentials


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
BearerToken = Annotated[str, Depends(bearer_token)]
