"""Serialised response bodies kept per state of the store.

A look-up such as `/standards/{country}/{code}/equivalents` answers the same bytes for the same
question until the store changes. `ResponseCache` keeps those bytes for one workspace
generation (`Workspace.generation`, bumped by every write): a body is only ever answered for the
generation it was computed in, and the first entry of a newer generation drops all the others.
It is bounded by its total size and its number of entries, the least recently used going first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

__all__ = ["ResponseCache"]


class ResponseCache:
    """At most `max_bytes` of bodies (and `max_entries` of them) of the latest generation.

    A body larger than an eighth of `max_bytes` is not kept (it would push out many others).
    """

    def __init__(self, *, max_bytes: int = 128 << 20, max_entries: int = 100_000) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.size = 0
        self.generation = -1
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, generation: int, key: Hashable) -> bytes | None:
        """The body kept for `key` in `generation`, or None."""
        with self._lock:
            if generation != self.generation:
                return None
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, generation: int, key: Hashable, body: bytes) -> None:
        """Keeps `body` for `key`, computed in `generation` (ignored when a newer one is kept)."""
        if len(body) > self.max_bytes // 8:
            return
        with self._lock:
            if generation < self.generation:
                return
            if generation > self.generation:
                self._entries.clear()
                self.size = 0
                self.generation = generation
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old)
            self._entries[key] = body
            self.size += len(body)
            while self.size > self.max_bytes or len(self._entries) > self.max_entries:
                _, dropped = self._entries.popitem(last=False)
                self.size -= len(dropped)
