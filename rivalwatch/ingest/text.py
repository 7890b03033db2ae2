"""Reader for plain text and Markdown: the whole file is one document."""
from __future__ import annotations

from rivalwatch.dates import find_dateline
from rivalwatch.ingest.document import ReadResult, make_document

__all__ = ["read"]

MAX_TITLE_CHARS = 200


def read(
    text: str, *, source: str, default_published: str | None = None, markdown: bool = False
) -> ReadResult:
    """One document; its title is the first non-empty line when short and not a dateline."""
    return ReadResult(documents=(make_document(
        text,
        source=source,
        title=_title(text, markdown=markdown),
        default_published=default_published,
    ),))


def _title(text: str, *, markdown: bool) -> str | None:
    for line in text.splitlines():
        candidate = line.strip()
        if not candidate:
            continue
        if markdown:
            candidate = candidate.lstrip("#").strip()
        if len(candidate) < MAX_TITLE_CHARS and candidate and find_dateline(candidate) is None:
            return candidate
        return None
    return None
