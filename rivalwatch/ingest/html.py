"""Reader for saved HTML pages: main text by trafilatura, boilerplate dropped.

Works on the page as given and never fetches anything: no link following, no
network. Title, date and canonical URL come from the page's own metadata.
"""
from __future__ import annotations

import trafilatura

from rivalwatch.errors import IngestError
from rivalwatch.ingest.document import ReadResult, make_document

__all__ = ["read"]


def read(text: str, *, source: str, default_published: str | None = None) -> ReadResult:
    """One document from the page's main content, or an error when it has none."""
    try:
        extracted = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_links=False,
            include_images=False,
            include_tables=True,
        )
    except Exception as exc:  # a third-party parser: any failure is a bad input, not a crash
        reason = f"HTML could not be parsed: {type(exc).__name__}: {exc}".splitlines()[0]
        return ReadResult(errors=(IngestError(source, reason),))
    body = (getattr(extracted, "text", None) or "").strip()
    if not body:
        return ReadResult(errors=(IngestError(source, "no text found in HTML"),))
    meta = {
        key: value
        for key in ("sitename", "author")
        if (value := getattr(extracted, key, None))
    }
    return ReadResult(documents=(make_document(
        body,
        source=source,
        title=getattr(extracted, "title", None),
        published=getattr(extracted, "date", None),
        default_published=default_published,
        url=getattr(extracted, "url", None),
        meta=meta,
    ),))
