"""Reader for JSON Lines: one record per line, each `{"text", "title", "published", "url", "source"}`.

Only `text` is required. `source` defaults to "path:lineno"; any other fields go to
`Document.meta`. A bad line becomes an error named "path:lineno" and the other
lines still give their documents.
"""
from __future__ import annotations

from typing import Any

from rivalwatch.errors import IngestError
from rivalwatch.ingest.document import ReadResult, make_document, parse_json
from rivalwatch.models import Document

__all__ = ["read"]

KNOWN_FIELDS = frozenset({"text", "title", "published", "url", "source"})


def read(text: str, *, source: str, default_published: str | None = None) -> ReadResult:
    """Documents from the good lines, one error per bad line; blank lines are skipped."""
    documents: list[Document] = []
    errors: list[IngestError] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            record = parse_json(line, where=where)
        except IngestError as exc:
            errors.append(exc)
            continue
        if not isinstance(record, dict):
            errors.append(IngestError(where, f"record is a JSON {type(record).__name__}, not an object"))
            continue
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            errors.append(IngestError(where, "record has no 'text'"))
            continue
        documents.append(make_document(
            body,
            source=_string(record.get("source")) or where,
            title=_string(record.get("title")),
            published=_string(record.get("published")),
            default_published=default_published,
            url=_string(record.get("url")),
            meta={k: v for k, v in record.items() if k not in KNOWN_FIELDS},
        ))
    return ReadResult(documents=tuple(documents), errors=tuple(errors))


def _string(value: Any) -> str | None:
    """A field as a non-empty string; whole numbers (a bare year) count too."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return (value.strip() or None) if isinstance(value, str) else None
