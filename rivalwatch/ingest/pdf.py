"""Reader for PDF reports: their text page by page (pypdf, pure Python), page boundaries kept.

The document's text is its pages' text joined by a blank line, and
`meta["pages"]` lists the character offset at which each page starts, so
`page_of(document, offset)` gives the page of any evidence. Within a page, lines
the PDF wrapped at the column edge are joined again (`reflow`), so a sentence is
not cut at every line break; a sentence running over a page break is cut there.

Title: the PDF's own /Title, else the first short line. Date: a dateline in the
text, else the user's `published`, else the PDF's /CreationDate (when a report
was made, which is weaker than what the text says). A PDF whose text needs a
password, or that cannot be parsed, is one error naming the file; a PDF without
a user password (owner-only protection) is read.

Example:
    result = read(Path("report.pdf").read_bytes(), source="report.pdf")
    document = result.documents[0]
    page_of(document, document.text.index("attacked"))   # -> 2
"""
from __future__ import annotations

import io
import logging
import re
from contextlib import contextmanager
from typing import Iterator, Sequence

import pypdf
from pypdf.errors import DependencyError

from rivalwatch.errors import IngestError
from rivalwatch.ingest.document import ReadResult, make_document, normalise_text
from rivalwatch.ingest.text import _title as first_line_title
from rivalwatch.models import Document, page_at  # page_at re-exported: pages are plain data

__all__ = ["PAGE_SEPARATOR", "page_at", "page_of", "read", "reflow"]


PAGE_SEPARATOR = "\n\n"
# A line at least this share of the page's usual full width was wrapped by the PDF:
# it continues on the next line. Shorter lines end a paragraph (or are headings).
FULL_LINE_SHARE, FULL_LINE_PERCENTILE, FULL_LINE_MIN_CHARS = 0.8, 0.9, 40
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class _Unreadable(Exception):
    """The whole PDF cannot be read; the message is the reason."""


def read(data: bytes, *, source: str, default_published: str | None = None) -> ReadResult:
    """One document holding every page's text, or one error naming the file and the reason."""
    try:
        with _quiet_pypdf():
            pages, info, problems = _pages(data)
    except _Unreadable as exc:
        return ReadResult(errors=(IngestError(source, str(exc)),))
    except Exception as exc:  # a third-party parser on hostile input: a bad file, never a crash
        reason = f"PDF could not be read: {type(exc).__name__}: {exc}".splitlines()[0]
        return ReadResult(errors=(IngestError(source, reason),))
    errors = tuple(IngestError(source, problem) for problem in problems)
    text, starts = join_pages([reflow(page) for page in pages])
    if not text.strip():
        reason = "no text found in PDF (scanned pages? run OCR first)"
        return ReadResult(errors=(*errors, IngestError(source, reason)))
    document = make_document(
        text, source=source, title=info.get("title") or first_line_title(text, markdown=False),
        default_published=default_published or info.get("created"),
        meta={"pages": starts, "page_count": len(pages)},
    )
    assert document.text == text[:len(document.text)], "page offsets no longer match the text"
    return ReadResult(documents=(document,), errors=errors)


def page_of(document: Document, offset: int) -> int | None:
    """The page (1-based) holding character `offset` of a PDF document; None for a text without pages.

    Example:
        page_of(document, relation.evidence.start)
    """
    if not 0 <= offset <= len(document.text):
        raise ValueError(f"offset {offset} is outside document {document.id} ({len(document.text)} characters)")
    return page_at(document.meta.get("pages"), offset)


def join_pages(pages: Sequence[str]) -> tuple[str, list[int]]:
    """The pages' text joined by `PAGE_SEPARATOR`, and the offset at which each page starts."""
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for page in pages:
        if parts:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        starts.append(offset)
        parts.append(page)
        offset += len(page)
    return "".join(parts), starts


def reflow(page: str) -> str:
    """One page's text, normalised, with the lines of a wrapped paragraph joined by a space.

    A line counts as wrapped when it is nearly as long as the page's full lines;
    a hyphen at the end of a wrapped line is kept ("Iran-" + "backed").
    """
    lines = [" ".join(line.split()) for line in normalise_text(_CONTROL.sub("", page)).split("\n")]
    widths = sorted(len(line) for line in lines if line)
    if not widths:
        return ""
    full = widths[int(FULL_LINE_PERCENTILE * (len(widths) - 1))]
    wrapped_at = FULL_LINE_SHARE * full if full >= FULL_LINE_MIN_CHARS else float("inf")
    out: list[str] = []
    previous = 0  # length of the last physical line; 0 after a blank line
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
            previous = 0
            continue
        if out and out[-1] and previous >= wrapped_at:
            out[-1] += ("" if out[-1].endswith("-") else " ") + line
        else:
            out.append(line)
        previous = len(line)
    return "\n".join(out).strip("\n")


# --- helpers -----------------------------------------------------------------------

def _pages(data: bytes) -> tuple[list[str], dict[str, str], list[str]]:
    """Each page's raw text, the title and creation date, and per-page problems."""
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError:
            raise _Unreadable("encrypted PDF (AES): save an unencrypted copy and ingest that") from None
        if not opened:
            raise _Unreadable("encrypted PDF: it needs a password; save an unprotected copy and ingest that")
    pages: list[str] = []
    problems: list[str] = []
    for number, page in enumerate(reader.pages, 1):
        try:
            pages.append(page.extract_text() or "")
        except Exception as exc:  # one broken page: keep the others, report it
            pages.append("")
            problems.append(f"page {number} could not be read: {type(exc).__name__}: {exc}".splitlines()[0])
    if not pages:
        raise _Unreadable("PDF has no pages")
    return pages, _info(reader), problems


def _info(reader: pypdf.PdfReader) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        metadata = reader.metadata
        if metadata is None:
            return out
        title = " ".join(str(metadata.title or "").split())
        if title:
            out["title"] = title
        created = metadata.creation_date
        if created is not None:
            out["created"] = created.date().isoformat()
    except Exception:  # malformed metadata is no reason to drop the text
        pass
    return out


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs warnings about damaged files; the one-line error (or nothing) is ours to say."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(level)
