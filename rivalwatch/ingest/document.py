"""The pieces every reader shares: `make_document` and the `ReadResult` they return.

Kept apart from the package `__init__` so readers can import them without a cycle.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping

from rivalwatch.dates import find_dateline, parse_date
from rivalwatch.errors import IngestError
from rivalwatch.ingest.language import detect_language, normalise_language
from rivalwatch.models import Document

__all__ = ["ReadResult", "make_document", "normalise_text"]


@dataclass(frozen=True)
class ReadResult:
    """What reading one input gave: its documents and, separately, its problems."""

    documents: tuple[Document, ...] = ()
    errors: tuple[IngestError, ...] = ()


def normalise_text(text: str) -> str:
    """NFC, newlines as "\\n", no trailing whitespace at the end of the document."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def make_document(
    text: str,
    *,
    source: str,
    title: str | None = None,
    published: str | None = None,
    default_published: str | None = None,
    url: str | None = None,
    meta: Mapping[str, Any] | None = None,
    language: str | None = None,
    detect: bool = True,
) -> Document:
    """Build a `Document`: the single place text is normalised and hashed.

    `id` is the first 16 hex characters of `content_hash`, the sha256 of the
    normalised text, so identical content always gets the same id. `published` is
    resolved in this order, each normalised to ISO with `parse_date`:
    1. `published`: the source's own date (a JSONL record's field, HTML metadata);
    2. the dateline found in the text's first lines (`find_dateline`);
    3. `default_published`: the user's fallback (the CLI's `--published`).
    `language` is the source's own language code; without one it is detected
    offline from the text (`ingest.language`), unless `detect` is False.
    """
    normalised = normalise_text(text)
    content_hash = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
    date = (
        (parse_date(published) if published else None)
        or find_dateline(normalised)
        or (parse_date(default_published) if default_published else None)
    )
    return Document(
        id=content_hash[:16],
        text=normalised,
        content_hash=content_hash,
        source=source,
        title=(title.strip() or None) if title else None,
        published=date,
        url=url or None,
        language=normalise_language(language) or (detect_language(normalised) if detect else None),
        meta=dict(meta or {}),
    )
