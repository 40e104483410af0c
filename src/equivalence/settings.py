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
    # the largest submission `validate` and `submit` read, all files together (bytes)
    max_input_bytes: int = 1 << 30

    @property
    def store_descriptor(self) -> str:
        return self.store or f"oxigraph:{default_store_location()}"

    # submissions: `EQUIVALENCE_VERSIONS` the version archive, `EQUIVALENCE_TOKENS` the tokens
    versions: str = ""
    tokens: str = ""
    # the token an agency's command-line client submits with (`EQUIVALENCE_TOKEN`)
    token: str = ""

    # the HTTP service (`equivalence serve`)
    # serve a read-only copy of the store (several workers may open one on-disk store read-only)
    read_only: bool = False
    # the search index file; empty: next to an on-disk store (`<store>.search.sqlite`), else memory
    search_index: str = ""
    # /sparql: the longest a query may run (seconds), the most rows or triples it may return,
    # and whether SERVICE (federated queries to other endpoints) is allowed
    sparql_timeout: float = 30.0
    sparql_max_results: int = 100_000
    sparql_federation: bool = False
    # how many queries /sparql and /queries run at once (0: max(4, 2 x CPUs))
    sparql_max_concurrent: int = 0
    # the largest request body /validate and /submissions accept (bytes)
    max_upload_bytes: int = 200 << 20

    @property
    def versions_dir(self) -> Path | None:
        """The version archive directory, when set (else it follows the store)."""
        return Path(self.versions).expanduser() if self.versions else None

    @property
    def tokens_file(self) -> Path:
        """The agencies' token registry: $XDG_DATA_HOME/equivalence/tokens.json by default."""
        if self.tokens:
            return Path(self.tokens).expanduser()
        return default_store_location().parent / "tokens.json"


@cache
def get_settings() -> Settings:
    return Settings()
