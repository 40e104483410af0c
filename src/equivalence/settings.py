"""Typed settings read from the environment (prefix EQUIVALENCE_)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_store_location", "get_settings"]


def default_store_location() -> Path:
    """The default on-disk store: $XDG_DATA_HOME/equivalence/store (~/.local/share/…)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "equivalence" / "store"


class Settings(BaseSettings):
    """`EQUIVALENCE_STORE`: a store descriptor or directory; `EQUIVALENCE_DATA_DIR`: the real data."""

    model_config = SettingsConfigDict(env_prefix="EQUIVALENCE_")

    store: str = ""
    data_dir: Path = Path("../shared/data")

    @property
    def store_descriptor(self) -> str:
        return self.store or f"oxigraph:{default_store_location()}"


@cache
def get_settings() -> Settings:
    return Settings()
