"""Finds the project's resource folders: ontology/, shapes/, queries/ and sample/.

In a wheel they are packaged under `equivalence/data/`; in a development checkout (editable
install) they sit at the repository root.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

__all__ = ["resource_dir"]

_NAMES = ("ontology", "shapes", "queries", "sample")


@cache
def resource_dir(name: str) -> Path:
    """The folder of one resource kind (`ontology`, `shapes`, `queries` or `sample`)."""
    if name not in _NAMES:
        raise ValueError(f"unknown resource folder {name!r}")
    packaged = Path(str(files("equivalence"))) / "data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"resource folder {name!r} not found (looked in {packaged}, {checkout})"
    )
