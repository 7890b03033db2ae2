"""Reads the dashboard needs beyond `Store`'s own: years, active pairs, an actor's
documents, the newest documents, a document's mentions, and documents by title.

Every function takes the `Store` (and the extractor `version` where it reads extraction
output) and leaves grouping and counting to SQL.

Example:
    active_pairs(store, version="v1", limit=5)
    search_documents(store, "Bajaur")
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import case, distinct, func, or_, select

from ..models import FACTUAL_MODALITIES, Mention
from . import schema as s
from .db import Store

__all__ = ["DocumentRow", "PairRow", "years", "active_pairs", "actor_documents", "recent_documents", "mentions",
           "search_documents", "LIKE_ESCAPE"]

LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class DocumentRow:
    """A document as a listing shows it (no text)."""

    id: str
    title: str | None
    source: str
    published: str | None
    language: str | None
    mentions: int = 0


@dataclass(frozen=True)
class PairRow:
    """Two groups (unordered, `a` < `b`) and the factual relations between them."""

    a: str
    b: str
    relations: int
    documents: int
    latest: str | None


def _doc_row(row, mentions: int = 0) -> DocumentRow:
    return DocumentRow(id=row.id, title=row.title, source=row.source, published=row.published,
                       language=row.language, mentions=mentions)


def years(store: Store, *, version: str) -> list[int]:
    """The years in which this version's relations are dated (`when`), ascending."""
    r = s.relations
    year = func.substr(r.c["when"], 1, 4)
    query = select(distinct(year)).where(r.c.version == version, r.c["when"].is_not(None)).order_by(year)
    with store.engine.connect() as conn:
        return [int(y) for y in conn.scalars(query) if y and y.isdigit()]


def active_pairs(store: Store, *, version: str, limit: int = 10) -> list[PairRow]:
    """The pairs of groups with the most factual relations between them (either direction)."""
    r = s.relations
    a = case((r.c.source_group < r.c.target_group, r.c.source_group), else_=r.c.target_group)
    b = case((r.c.source_group < r.c.target_group, r.c.target_group), else_=r.c.source_group)
    n = func.count()
    query = (select(a.label("a"), b.label("b"), n.label("n"), func.count(distinct(r.c.doc_id)).label("docs"),
                    func.max(r.c["when"]).label("latest"))
             .where(r.c.version == version, r.c.modality.in_(sorted(FACTUAL_MODALITIES)),
                    r.c.source_group != r.c.target_group)
             .group_by(a, b).order_by(n.desc(), a, b).limit(limit))
    with store.engine.connect() as conn:
        return [PairRow(row.a, row.b, int(row.n), int(row.docs), row.latest) for row in conn.execute(query)]


def actor_documents(store: Store, actor_ids: Sequence[str], *, version: str, limit: int = 50) -> list[DocumentRow]:
    """Documents mentioning any of these actors, most mentions first."""
    m, d = s.mentions, s.documents
    n = func.count(m.c.id)
    query = (select(d.c.id, d.c.title, d.c.source, d.c.published, d.c.language, n.label("n"))
             .join(m, m.c.doc_id == d.c.id)
             .where(m.c.version == version, m.c.actor_id.in_(sorted(actor_ids)))
             .group_by(d.c.id, d.c.title, d.c.source, d.c.published, d.c.language)
             .order_by(n.desc(), d.c.published.desc().nulls_last(), d.c.id).limit(limit))
    with store.engine.connect() as conn:
        return [_doc_row(row, int(row.n)) for row in conn.execute(query)]


def recent_documents(store: Store, *, limit: int = 10) -> list[DocumentRow]:
    """The newest documents by publication date (undated last), then by ingest."""
    d = s.documents
    query = (select(d.c.id, d.c.title, d.c.source, d.c.published, d.c.language)
             .order_by(d.c.published.desc().nulls_last(), d.c.ingested_at.desc(), d.c.id).limit(limit))
    with store.engine.connect() as conn:
        return [_doc_row(row) for row in conn.execute(query)]


def mentions(store: Store, doc_id: str, *, version: str) -> list[Mention]:
    """Every actor mention this version found in a document, in text order."""
    m = s.mentions
    query = (select(m.c.actor_id, m.c.start, m.c.end, m.c.text, m.c.how)
             .where(m.c.doc_id == doc_id, m.c.version == version).order_by(m.c.start, m.c.end))
    with store.engine.connect() as conn:
        return [Mention(actor_id=row.actor_id, doc_id=doc_id, start=row.start, end=row.end, text=row.text, how=row.how)
                for row in conn.execute(query)]


def _like(text: str) -> str:
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
    return f"%{escaped}%"


def search_documents(store: Store, text: str, *, limit: int = 20) -> list[DocumentRow]:
    """Documents whose title or source contains `text` (case-insensitive)."""
    d = s.documents
    pattern = _like(text.lower())
    query = (select(d.c.id, d.c.title, d.c.source, d.c.published, d.c.language)
             .where(or_(func.lower(func.coalesce(d.c.title, "")).like(pattern, escape=LIKE_ESCAPE),
                        func.lower(d.c.source).like(pattern, escape=LIKE_ESCAPE)))
             .order_by(d.c.published.desc().nulls_last(), d.c.id).limit(limit))
    with store.engine.connect() as conn:
        return [_doc_row(row) for row in conn.execute(query)]
