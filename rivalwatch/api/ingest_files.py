"""One input of `Workspace.ingest`: a Telegram Desktop export, or any other file `read_file` reads.

Example:
    report = IngestReport()
    ingest_path(ws, Path("feed.jsonl"), report, published=None, max_bytes=DEFAULT_MAX_BYTES)
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..ingest import read_file
from ..store.links import linked_among
from .reports import IngestReport
from .telegram import ingest_export, is_export_path

if TYPE_CHECKING:
    from .workspace import Workspace

__all__ = ["ingest_path"]


def ingest_path(ws: "Workspace", path: Path, report: IngestReport, *, published: str | None, max_bytes: int) -> None:
    """Store the documents of one file and add its counts (and errors, one line each) to `report`.

    A `.json` file is a Telegram export (new, edited and repeated messages); any other file's
    documents are stored once per content hash, near-duplicates linked (`Store.add_documents`).
    """
    if is_export_path(path):
        ingest_export(ws, path, report, max_bytes=max_bytes)
        return
    result = read_file(path, published=published, max_bytes=max_bytes)
    report.errors.extend(f"{e.path}: {e.reason} [{e.code}]" for e in result.errors)
    report.documents += len(result.documents)
    added = ws.store.add_documents(result.documents)
    report.added += len(added)
    report.duplicates += len(result.documents) - len(added)
    report.near_duplicates += linked_among(ws.store, [d.id for d in added])
