"""The pieces every reader shares: `make_document` and the `ReadResult` they return.

Kept apart from the package `__init__` so readers can import them without a cycle.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping

from rivalwatch.dates import find_dateline, parse_date
from rivalwatch.errors import IngestError
from rivalwatch.ingest.language import detect_language, normalise_language
from rivalwatch.models import Document

__all__ = ["ReadResult", "make_document", "normalise_text", "valid_text", "parse_json"]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")                  # JSON's "\ud800": no UTF-8 spells it
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # controls XML, SQL drivers and browsers refuse
MAX_JSON_DEPTH = 64  # a record nested deeper is refused, not walked
# C1 control characters in text are almost always Windows-1252 read as Latin-1 ("Baitullah\x92s"):
# they become what Windows-1252 meant (\x92 -> U+2019); the five it leaves undefined go.
_CP1252 = {c: bytes([c]).decode("cp1252", errors="ignore") or None for c in range(0x80, 0xA0)}


@dataclass(frozen=True)
class ReadResult:
    """What reading one input gave: its documents and, separately, its problems."""

    documents: tuple[Document, ...] = ()
    errors: tuple[IngestError, ...] = ()


def valid_text(value: str) -> str:
    """`value` as text every store, XML writer and browser takes: a lone surrogate becomes U+FFFD,
    control characters other than tab and line breaks go, C1 controls become their Windows-1252 letters."""
    return _FORBIDDEN.sub("", _LONE_SURROGATE.sub("\ufffd", value)).translate(_CP1252)


def _valid(value: Any) -> Any:
    """`valid_text` on every string of a JSON value (keys included); depth bounded by `parse_json`."""
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, list):
        return [_valid(v) for v in value]
    if isinstance(value, dict):
        return {valid_text(str(k)): _valid(v) for k, v in value.items()}
    return value


def parse_json(text: str, *, where: str) -> Any:
    """JSON as readers take it: `IngestError(where, reason)` for malformed JSON, nesting deeper than
    `MAX_JSON_DEPTH`, numbers no store holds (over 4,300 digits, non-finite); strings made `valid_text`."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise IngestError(where, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise IngestError(where, f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as exc:  # an integer of more digits than int() converts
        raise IngestError(where, f"unusable number in JSON: {str(exc)[:80]}") from None
    depth, level = 0, [value]
    while level:
        depth += 1
        if depth > MAX_JSON_DEPTH:
            raise IngestError(where, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        level = [c for v in level if isinstance(v, (list, dict)) for c in (v.values() if isinstance(v, dict) else v)]
    return _valid(value)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a store holds")


def normalise_text(text: str) -> str:
    """Valid text (`valid_text`), NFC, newlines as "\\n", no trailing whitespace at the end of the document."""
    text = unicodedata.normalize("NFC", valid_text(text))
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
        source=valid_text(source),
        title=(valid_text(title).strip() or None) if title else None,
        published=date,
        url=valid_text(url) if url else None,
        language=normalise_language(language) or (detect_language(normalised) if detect else None),
        meta=_valid(dict(meta or {})),
    )
