"""Turn files into `Document`s: expand folders, read bytes once, hand text to one reader per type.

`read_file` never raises for bad input: every problem becomes an `IngestError`
with a short one-line reason in `ReadResult.errors`, beside whatever documents
could still be read.

Publication dates, first found wins (see `make_document`): the source's own field
(JSONL `published`, HTML metadata), then a dateline in the text's first lines,
then the `published` argument given here as the user's default.
"""
from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import Iterable

from rivalwatch.errors import IngestError
from rivalwatch.ingest import html, jsonl, pdf, text
from rivalwatch.ingest.document import ReadResult, make_document
from rivalwatch.ingest import telegram

__all__ = [
    "DEFAULT_MAX_BYTES", "SUPPORTED_SUFFIXES", "ReadResult",
    "expand_paths", "make_document", "read_file",
]
__all__ += ["read_telegram_export"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".jsonl", ".pdf"})
# Telegram Desktop exports: any .json named directly; from folders only `result.json`.
SUPPORTED_SUFFIXES = SUPPORTED_SUFFIXES | {".json"}


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders walked recursively in sorted order.

    From folders only supported suffixes are kept and hidden files and folders
    are skipped; a file named directly is kept whatever its name, and a path that
    does not exist is kept too so that `read_file` reports it. Each path appears once.
    """
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(_walk(path))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def read_file(
    path: Path, *, published: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> ReadResult:
    """The documents in one file, or the errors that stopped them.

    `published` is the fallback date for documents that carry none of their own.
    """
    path = Path(path)
    source = str(path)
    data_or_error = _read_bytes(path, max_bytes=max_bytes)
    if isinstance(data_or_error, IngestError):
        return ReadResult(errors=(data_or_error,))
    if path.suffix.lower() == ".pdf":
        return pdf.read(data_or_error, source=source, default_published=published)
    decoded = _decode(data_or_error, source=source)
    if isinstance(decoded, IngestError):
        return ReadResult(errors=(decoded,))
    if not decoded.strip():
        return ReadResult(errors=(IngestError(source, "empty file"),))
    suffix = path.suffix.lower()
    if telegram.is_export_path(path):
        return telegram.read(decoded, source=source, default_published=published)
    if suffix == ".jsonl":
        return jsonl.read(decoded, source=source, default_published=published)
    if suffix in (".html", ".htm"):
        return html.read(decoded, source=source, default_published=published)
    return text.read(decoded, source=source, default_published=published, markdown=suffix == ".md")


def read_telegram_export(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> telegram.TelegramExport:
    """A Telegram Desktop export validated whole (`ingest.telegram`); raises one `IngestError` naming the problem."""
    path = Path(path)
    data = _read_bytes(path, max_bytes=max_bytes)
    decoded = data if isinstance(data, IngestError) else _decode(data, source=str(path))
    if isinstance(decoded, IngestError):
        raise decoded
    return telegram.parse_export(decoded, source=str(path))


# --- helpers -----------------------------------------------------------------------

def _walk(root: Path) -> list[Path]:
    files: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        files.extend(
            Path(folder) / name
            for name in filenames
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES
            and (not telegram.is_export_path(name) or name == telegram.EXPORT_NAME)
        )
    return sorted(files)


def _read_bytes(path: Path, *, max_bytes: int) -> bytes | IngestError:
    source = str(path)
    if not path.exists():
        return IngestError(source, "file not found")
    if path.is_dir():
        return IngestError(source, "is a directory")
    if not path.is_file():  # reading a pipe or a device would wait, or never end
        return IngestError(source, "not a regular file (a pipe, socket or device)")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return IngestError(source, f"unsupported file type {suffix or '(no suffix)'}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return IngestError(source, _too_large(size, max_bytes))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except PermissionError:
        return IngestError(source, "unreadable: permission denied")
    except OSError as exc:
        return IngestError(source, f"unreadable: {(exc.strerror or str(exc)).lower()}")
    if len(data) > max_bytes:
        return IngestError(source, _too_large(len(data), max_bytes))
    if not data:
        return IngestError(source, "empty file")
    return data


def _decode(data: bytes, *, source: str) -> str | IngestError:
    """UTF-8 (BOM or not) or UTF-16 with a BOM; anything else is reported, not guessed."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, label = "utf-8-sig", "UTF-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, label = "utf-16", "UTF-16"
    else:
        encoding, label = "utf-8", "UTF-8"
    try:
        decoded = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return IngestError(source, f"not valid {label} text (byte 0x{data[exc.start]:02x} at offset {exc.start})")
    if "\x00" in decoded:
        return IngestError(source, f"not {label} text: contains NUL bytes (binary, or UTF-16 without a BOM)")
    return decoded


def _too_large(size: int, limit: int) -> str:
    return f"too large: {_human_size(size)} > limit {_human_size(limit)}"


def _human_size(n: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"
