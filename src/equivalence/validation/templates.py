"""The SPARQL templates of `components/*.rq`, read once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from equivalence.errors import ConfigurationError

__all__ = ["template"]

_TEMPLATES: Final = Path(__file__).with_name("components")


@cache
def template(name: str) -> str:
    path = _TEMPLATES / f"{name}.rq"
    if not path.is_file():
        raise ConfigurationError(f"no SPARQL template {name}.rq")
    return path.read_text(encoding="utf-8")
