"""The state a long-running service keeps beside its store.

A `Workspace` holds the store, the agencies' token registry and what is derived from the store
and costly to derive per request: the standards' titles and codes, the equivalents index, the
matching engine (its IDF must be the one `match` used, so it covers every standard) and the
occupation index. Each is built on first use and kept until the store changes: every write the
service makes goes through `write()`, which bumps `generation` and drops the derived state. An
on-disk pyoxigraph store can be opened by one process only, so no other process writes behind
the service's back; a read-only workspace (several server workers over one copy of a store)
refuses writes.

A serving workspace (`freeze_gc=True`) also keeps its long-lived state out of the cyclic garbage
collector's way: see `settle_gc()`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from equivalence.auth import TokenRegistry
from equivalence.equivalents import EquivalentsIndex
from equivalence.errors import (
    AuthorizationError,
    EquivalenceError,
    InputError,
    NotFoundError,
    SubmissionRejectedError,
)
from equivalence.lookup import StandardTitle, read_standard_titles
from equivalence.matching.engine import Engine
from equivalence.matching.graph import MappingRecord, read_mappings
from equivalence.matching.occupations import OccupationIndex
from equivalence.search import SearchIndex
from equivalence.store.base import TripleStore

# What the use cases raise before they write anything (they check first; a store write is
# atomic): the store is as it was, and so is what the workspace derived from it.
REFUSALS: tuple[type[EquivalenceError], ...] = (
    AuthorizationError,
    NotFoundError,
    InputError,
    SubmissionRejectedError,
)

__all__ = ["ReadOnlyError", "Workspace"]

T = TypeVar("T")
# gc.freeze() and gc.unfreeze() act on the whole process: one settling at a time
_GC_LOCK = threading.Lock()


class ReadOnlyError(EquivalenceError):
    """A write asked of a service that serves a read-only copy of the store."""

    code = "read-only"


@dataclass(frozen=True, slots=True)
class _Titles:
    by_key: dict[tuple[str, str], StandardTitle]
    codes: dict[str, tuple[str, ...]]


class Workspace:
    """The store, the token registry and the derived state, rebuilt when the store changes."""

    def __init__(
        self,
        store: TripleStore,
        registry: TokenRegistry,
        *,
        read_only: bool = False,
        search_index: str | Path = ":memory:",
        freeze_gc: bool = False,
    ) -> None:
        self.store = store
        self.registry = registry
        self.read_only = read_only
        self.search_index = search_index
        self.freeze_gc = freeze_gc
        self.generation = 0
        self._search: SearchIndex | None = None
        self._search_generation = -1
        self._search_lock = threading.Lock()
        self._derived: dict[str, Any] = {}
        self._building: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._depth = threading.local()  # builds in progress on this thread (settle when 0)
        self._dropped = False  # derived state was dropped since the last settle_gc()

    def _cached(self, name: str, build: Callable[[], T]) -> T:
        """The derived value `name`, built once per generation (one builder at a time)."""
        with self._lock:
            if name in self._derived:
                return cast(T, self._derived[name])
            lock = self._building.setdefault(name, threading.Lock())
        with lock:
            with self._lock:
                if name in self._derived:
                    return cast(T, self._derived[name])
                generation = self.generation
            with self._building_scope():
                value = build()
                with self._lock:
                    if self.generation == generation:
                        self._derived[name] = value
            return value

    @contextmanager
    def _building_scope(self) -> Iterator[None]:
        """Marks a build on this thread; the outermost one settles the collector at its end
        (a build of the equivalents builds the titles and the mappings inside: one settle)."""
        depth: int = getattr(self._depth, "value", 0)
        self._depth.value = depth + 1
        try:
            yield
        finally:
            self._depth.value = depth
        if depth == 0 and self.freeze_gc:
            self.settle_gc()

    def settle_gc(self) -> None:
        """Collects, then freezes every object alive (`gc.freeze()`), the derived state first.

        The equivalents index, titles, mappings and search state are hundreds of thousands of
        objects that live until the next write. Python's full (generation 2) collections
        traverse every tracked object: with them in the heap each one stopped a server worker
        for 0.4-1.1 s (the tail of the look-up latencies). Frozen objects sit in a permanent
        generation that collections never traverse; reference counting still frees them as
        usual, only a reference cycle among them would never be found.

        Trade-off, and why nothing leaks for good: what a write drops (the previous
        generation's index, engine, …) was frozen, and whatever of it forms cycles would stay in
        memory. So the first settle after derived state was dropped calls `gc.unfreeze()`
        before collecting: the old state is back in reach of the collection, which frees its
        cycles, and what survives is frozen again. That costs one full collection of the whole
        heap (the pause of one of the old automatic full collections) once per write, which
        already pays for rebuilding the index; later builds of the same generation (the engine
        on the first comparison …) only collect the objects made since the last freeze.
        Objects that requests in flight hold at that moment are frozen too; those that end up
        in cycles (an exception and its traceback) wait for the next write's settle.
        """
        with _GC_LOCK:
            with self._lock:
                thaw, self._dropped = self._dropped, False
            if thaw:
                gc.unfreeze()
            gc.collect()
            gc.freeze()

    def is_ready(self, *names: str) -> bool:
        """Whether the derived values `names` are built for the current generation."""
        with self._lock:
            return all(name in self._derived for name in names)

    def changed(self) -> None:
        """Forgets everything derived from the store (call after any write)."""
        with self._lock:
            self.generation += 1
            if self._derived:
                self._dropped = True
            self._derived.clear()

    @contextmanager
    def write(self) -> Iterator[TripleStore]:
        """One write at a time; the derived state is dropped afterwards, also when the write
        fails, unless it was refused before anything was written (`REFUSALS`: a wrong token,
        an unknown mapping or version, unreadable input, a rejected submission), so that a
        stream of refused requests never forces the index to be rebuilt."""
        if self.read_only:
            raise ReadOnlyError(
                "this service serves a read-only copy of the store; send writes to the primary"
            )
        with self._write_lock:
            try:
                yield self.store
            except REFUSALS:
                raise
            except BaseException:
                self.changed()
                raise
            self.changed()

    def _titles(self) -> _Titles:
        def build() -> _Titles:
            titles = read_standard_titles(self.store)
            codes: dict[str, list[str]] = {}
            for title in titles:
                codes.setdefault(title.country, []).append(title.code)
            return _Titles(
                {(t.country, t.code): t for t in titles},
                {country: tuple(sorted(found)) for country, found in codes.items()},
            )

        return self._cached("titles", build)

    def title(self, country: str, code: str) -> StandardTitle | None:
        return self._titles().by_key.get((country, code))

    def codes(self, country: str) -> tuple[str, ...]:
        """Every code of a country's standards, sorted."""
        return self._titles().codes.get(country, ())

    def mappings(self) -> tuple[MappingRecord, ...]:
        """Every stored mapping between two standards of the store (`mappings-list`)."""
        return self._cached("mappings", lambda: tuple(read_mappings(self.store)))

    def equivalents(self) -> EquivalentsIndex:
        def build() -> EquivalentsIndex:
            titles = {key: t.title for key, t in self._titles().by_key.items()}
            return EquivalentsIndex(self.mappings(), titles)

        return self._cached("equivalents", build)

    def engine(self) -> Engine:
        return self._cached("engine", lambda: Engine.from_store(self.store))

    def occupations(self) -> OccupationIndex:
        return self._cached("occupations", lambda: OccupationIndex.from_store(self.store))

    def search(self) -> SearchIndex:
        """The full-text index of the standards, refreshed after the store changed.

        The index is a file beside the store (it survives restarts): a refresh rebuilds only the
        countries whose graph changed since they were indexed, so it is cheap when nothing did.
        """
        with self._search_lock:
            if self._search is None:
                self._search = SearchIndex.open(self.search_index)
            if self._search_generation != self.generation:
                generation = self.generation
                self._search.refresh(self.store)
                self._search_generation = generation
            return self._search

    def warm(self) -> None:
        """Builds the derived state used by the look-ups now rather than on the first request
        (then, with `freeze_gc`, settles the collector once for all of it)."""
        with self._building_scope():
            self.equivalents()
            self.search()

    def close(self) -> None:
        """Closes the search index and the store."""
        with self._search_lock:
            if self._search is not None:
                self._search.close()
                self._search = None
        self.store.close()
