"""Submitted files, saved to a private temporary folder for the validator to read.

A request carries its input either as `multipart/form-data` (one or more `files` parts: the
template's CSV files, an .xlsx workbook, RDF files, or a .zip of any of these) or as a raw body
whose `Content-Type` says what it is (Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads, TriG, XLSX or
ZIP). The CSV files of a template are put in one folder. Bodies above the configured size are
refused with 413; archive members with absolute or `..` paths are refused.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath
from typing import Final

from fastapi import Request
from starlette.datastructures import UploadFile

from api.problems import ProblemError

__all__ = ["BODY_TYPES", "saved_upload"]

BODY_TYPES: Final = {
    "text/turtle": ".ttl",
    "application/x-turtle": ".ttl",
    "application/n-triples": ".nt",
    "application/ld+json": ".jsonld",
    "application/rdf+xml": ".rdf",
    "application/n-quads": ".nq",
    "application/trig": ".trig",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/zip": ".zip",
}
_TEMPLATE_FILES: Final = frozenset({"standards.csv", "units.csv", "criteria.csv"})
_SAFE_NAME: Final = re.compile(r"[^A-Za-z0-9._-]+")
_CHUNK: Final = 1 << 20
_MAX_MEMBERS: Final = 1000


def _safe_name(filename: str | None, fallback: str) -> str:
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = _SAFE_NAME.sub("_", name).strip("._")
    return name or fallback


def _too_large(limit: int) -> ProblemError:
    return ProblemError(
        413,
        f"the request body is larger than the limit of {limit:,} bytes (EQUIVALENCE_MAX_UPLOAD_BYTES)",
        code="too-large",
    )


async def _copy_upload(upload: UploadFile, target: Path, budget: list[int]) -> None:
    with target.open("wb") as out:
        while chunk := await upload.read(_CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _too_large(budget[1])
            out.write(chunk)


async def _copy_body(request: Request, target: Path, limit: int) -> None:
    size = 0
    with target.open("wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            out.write(chunk)
    if size == 0:
        raise ProblemError(400, "the request body is empty: send a file", code="empty-body")


def _extract(archive: Path, folder: Path, limit: int) -> None:
    """Unpacks a .zip into `folder`, refusing unsafe paths and expansion beyond `limit`."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [m for m in bundle.infolist() if not m.is_dir()]
            if len(members) > _MAX_MEMBERS:
                raise ProblemError(
                    400, f"the archive has more than {_MAX_MEMBERS} files", code="archive"
                )
            if sum(m.file_size for m in members) > limit:
                raise _too_large(limit)
            for member in members:
                parts = PurePosixPath(member.filename.replace("\\", "/")).parts
                if member.filename.startswith("/") or ".." in parts:
                    raise ProblemError(
                        400, f"unsafe path in the archive: {member.filename!r}", code="archive"
                    )
                name = _safe_name(parts[-1] if parts else "", "file")
                with bundle.open(member) as source, (folder / name).open("wb") as out:
                    out.write(source.read(limit + 1))
    except zipfile.BadZipFile as exc:
        raise ProblemError(400, f"not a readable .zip archive: {exc}", code="archive") from exc
    archive.unlink()


def _inputs(folder: Path) -> list[Path]:
    """The template folder (when its CSV files are there) and every other file, sorted."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    template = [p for p in files if p.name.lower() in _TEMPLATE_FILES]
    others = [p for p in files if p.name.lower() not in _TEMPLATE_FILES]
    if template:
        csv_folder = folder / "template"
        csv_folder.mkdir()
        for path in template:
            path.rename(csv_folder / path.name.lower())
        return [csv_folder, *others]
    return others


@asynccontextmanager
async def saved_upload(request: Request, limit: int) -> AsyncIterator[list[Path]]:
    """The request's files saved in a temporary folder (removed afterwards), as input paths."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    with tempfile.TemporaryDirectory(prefix="equivalence-upload-") as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        if content_type == "multipart/form-data":
            form = await request.form(max_files=_MAX_MEMBERS)
            uploads = [v for v in form.getlist("files") if isinstance(v, UploadFile)]
            uploads += [
                v for k, v in form.multi_items() if k != "files" and isinstance(v, UploadFile)
            ]
            if not uploads:
                raise ProblemError(
                    400, "the form has no file: send it in a 'files' field", code="empty-body"
                )
            budget = [limit, limit]
            for number, upload in enumerate(uploads):
                name = _safe_name(upload.filename, f"upload-{number}")
                await _copy_upload(upload, folder / name, budget)
        elif content_type in BODY_TYPES:
            await _copy_body(request, folder / f"submission{BODY_TYPES[content_type]}", limit)
        else:
            raise ProblemError(
                415,
                f"cannot read a body of type {content_type or '(none)'!r}; send multipart/form-data "
                f"files or one of {', '.join(sorted(BODY_TYPES))}",
                code="unsupported-media-type",
            )
        for archive in [p for p in folder.iterdir() if p.suffix.lower() == ".zip"]:
            _extract(archive, folder, limit)
        yield _inputs(folder)
