"""The version archive: the content of every accepted version of a country's data, by digest.

Archived versions are not named graphs of the store (queries see the union of the named graphs,
so archived copies would count every standard twice). Each version's content is one file,
``<digest>.nt.gz``: the gzip of its canonical N-Triples (sorted, one line per distinct triple),
named by the SHA-256 digest of those N-Triples. Identical content is stored once, whichever
version (or rollback) produced it.

A file is written to a temporary file in the same directory, flushed to disk (`fsync`), then
renamed over its final name (`os.replace`, atomic on POSIX): a process killed while writing
leaves at most a temporary file, never a partial archive file. Temporary files of processes that
no longer run are removed when an archive is opened. Reading a file checks its digest.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import Protocol, runtime_checkable

from equivalence.errors import NotFoundError, StoreError

__all__ = ["DirectoryArchive", "InMemoryArchive", "VersionArchive", "content_digest"]

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_SUFFIX = ".nt.gz"
# `.<digest>.<pid>.<random>.tmp`: the pid tells whether the writer may still be running
_TEMPORARY = re.compile(r"^\.[0-9a-f]{64}\.(\d+)\.[0-9a-f]+\.tmp$")


def content_digest(canonical: bytes) -> str:
    """The SHA-256 digest (hex) that names a version's canonical N-Triples."""
    return hashlib.sha256(canonical).hexdigest()


@runtime_checkable
class VersionArchive(Protocol):
    """Where the content of accepted versions is kept, addressed by its digest."""

    location: str

    def put(self, digest: str, canonical: bytes) -> None:
        """Keeps `canonical` (N-Triples whose SHA-256 is `digest`) durably; idempotent."""
        ...

    def get(self, digest: str) -> bytes:
        """The canonical N-Triples of `digest`; `NotFoundError` if absent, `StoreError` if damaged."""
        ...

    def __contains__(self, digest: object) -> bool: ...

    def digests(self) -> list[str]:
        """The digests of every content kept, sorted."""
        ...


def _check(digest: str, canonical: bytes | None = None) -> None:
    if not _DIGEST.match(digest):
        raise StoreError(f"not a SHA-256 digest: {digest!r}")
    if canonical is not None and content_digest(canonical) != digest:
        raise StoreError(f"the content given does not have the digest {digest}")


class InMemoryArchive:
    """An archive kept in memory, for in-memory stores and tests (lost with the process)."""

    def __init__(self) -> None:
        self.location = "memory"
        self._contents: dict[str, bytes] = {}

    def __repr__(self) -> str:
        return f"InMemoryArchive({len(self._contents)} versions)"

    def put(self, digest: str, canonical: bytes) -> None:
        _check(digest, canonical)
        self._contents[digest] = canonical

    def get(self, digest: str) -> bytes:
        _check(digest)
        try:
            return self._contents[digest]
        except KeyError:
            raise NotFoundError(f"the version content {digest} is not in the archive") from None

    def __contains__(self, digest: object) -> bool:
        return digest in self._contents

    def digests(self) -> list[str]:
        return sorted(self._contents)


class DirectoryArchive:
    """An archive directory of ``<digest>.nt.gz`` files (created on the first write)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        self.remove_stale_temporary_files()

    def __repr__(self) -> str:
        return f"DirectoryArchive({self.location!r})"

    def _file(self, digest: str) -> Path:
        _check(digest)
        return self.path / f"{digest}{_SUFFIX}"

    def remove_stale_temporary_files(self) -> list[Path]:
        """Removes the temporary files of writers that no longer run; returns them."""
        removed: list[Path] = []
        if not self.path.is_dir():
            return removed
        for entry in self.path.iterdir():
            match = _TEMPORARY.match(entry.name)
            if match and not _running(int(match.group(1))):
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
                    removed.append(entry)
        return removed

    def put(self, digest: str, canonical: bytes) -> None:
        _check(digest, canonical)
        target = self._file(digest)
        if target.exists() and self._intact(digest):
            return
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            temporary = self.path / f".{digest}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
            try:
                self._write(temporary, canonical)
                temporary.replace(target)  # atomic rename
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    temporary.unlink()
                raise
            _sync_directory(self.path)
        except OSError as exc:
            raise StoreError(f"cannot write the version archive {self.path}: {exc}") from exc

    @staticmethod
    def _write(temporary: Path, canonical: bytes) -> None:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(descriptor, "wb") as raw:
            # mtime=0 and no file name: the same content always gives the same bytes
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed:
                compressed.write(canonical)
            raw.flush()
            os.fsync(raw.fileno())

    def _intact(self, digest: str) -> bool:
        try:
            self.get(digest)
        except StoreError:
            return False
        return True

    def get(self, digest: str) -> bytes:
        path = self._file(digest)
        try:
            canonical = gzip.decompress(path.read_bytes())
        except FileNotFoundError:
            raise NotFoundError(
                f"the version content {digest} is not in the archive {self.path}"
            ) from None
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise StoreError(f"cannot read the archive file {path}: {exc}") from exc
        if content_digest(canonical) != digest:
            raise StoreError(f"the archive file {path} is damaged: its content has another digest")
        return canonical

    def __contains__(self, digest: object) -> bool:
        return (
            isinstance(digest, str) and bool(_DIGEST.match(digest)) and self._file(digest).exists()
        )

    def digests(self) -> list[str]:
        if not self.path.is_dir():
            return []
        names = (entry.name for entry in self.path.iterdir() if entry.name.endswith(_SUFFIX))
        return sorted(digest for name in names if _DIGEST.match(digest := name[: -len(_SUFFIX)]))


def _running(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a zombie counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    except OSError:
        return False
    return True


def _sync_directory(path: Path) -> None:
    """Makes a rename in `path` durable (POSIX); a no-op where directories cannot be opened."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)
