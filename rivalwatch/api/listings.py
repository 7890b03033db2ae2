"""Paged reads for the web API: documents, actors, relations (with totals), one relation,
and full-text search over evidence sentences.

`Workspace` inherits these from `ListingsMixin`; each validates its arguments and
calls the store or one analysis function, so the JSON routes stay one call each.

Example:
    page = ws.relations_page(source="ISKP", type="ACCUSE", limit=50, offset=100)
    page.total, [r.id for r in page.items]
    ws.search("suicide attack", limit=10).items[0].text
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Sequence, TypeVar

from sqlalchemy import func, select

from .params import iso_date as _date, one_of
from ..errors import NotFoundError, QueryError
from ..models import MODALITIES, RELATION_TYPES
from ..store import StoredActor, StoredRelation
from ..store import schema as s
from ..store.fulltext import SentenceHit, search_evidence
from ..store.listing import count_relations

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["ListingsMixin", "Page", "DocumentSummary", "SearchHit", "MAX_PAGE"]

MAX_PAGE = 500   # the most items one page may hold
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: its items and the total the filters match."""

    items: list[T]
    total: int
    limit: int
    offset: int

    def as_dict(self) -> dict[str, Any]:
        following = self.offset + len(self.items)
        return {"total": self.total, "limit": self.limit, "offset": self.offset,
                "next_offset": following if following < self.total else None,
                "items": [i.as_dict() if hasattr(i, "as_dict") else i for i in self.items]}


@dataclass(frozen=True)
class DocumentSummary:
    """A stored document as a listing shows it: no text."""

    id: str
    title: str | None
    source: str
    published: str | None
    url: str | None
    language: str | None
    chars: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source, "published": self.published,
                "url": self.url, "language": self.language, "chars": self.chars}


@dataclass(frozen=True)
class SearchHit:
    """An evidence sentence that matched, with its document and the relations resting on it."""

    sentence: SentenceHit
    doc_title: str | None
    relations: list[StoredRelation]

    def as_dict(self) -> dict[str, Any]:
        h = self.sentence
        return {"doc_id": h.doc_id, "doc_title": self.doc_title, "start": h.start, "end": h.end, "text": h.text,
                "relations": [r.as_dict() for r in self.relations]}


def _page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise QueryError(f"invalid page limit={limit} offset={offset}: limit 1 to {MAX_PAGE}, offset 0 or more")




class ListingsMixin:
    """Paged listings and search (mixed into `Workspace`)."""

    store: "Store"
    version: str
    relations: Any   # Workspace.relations and Workspace.actors
    actors: Any

    def documents_page(self, *, limit: int = 50, offset: int = 0) -> Page[DocumentSummary]:
        """Stored documents in ingest order, one page, without their text.

        Example:
            [d.title for d in ws.documents_page(limit=20).items]
        """
        _page(limit, offset)
        d = s.documents
        query = (select(d.c.id, d.c.title, d.c.source, d.c.published, d.c.url, d.c.language,
                        func.length(d.c.text).label("chars"))
                 .order_by(d.c.ingested_at, d.c.id).limit(limit).offset(offset))
        with self.store.engine.connect() as conn:
            total = int(conn.scalar(select(func.count()).select_from(d)) or 0)
            items = [DocumentSummary(id=r.id, title=r.title, source=r.source, published=r.published, url=r.url,
                                     language=r.language, chars=int(r.chars or 0)) for r in conn.execute(query)]
        return Page(items=items, total=total, limit=limit, offset=offset)

    def actors_page(self, *, kind: str | None = None, limit: int = 50, offset: int = 0) -> Page[StoredActor]:
        """Stored actors (most mentioned first) with aliases, kind and part_of, one page.

        Example:
            ws.actors_page(kind="armed_group", limit=10).items[0].aliases
        """
        _page(limit, offset)
        found = self.actors(kind=kind)
        return Page(items=found[offset:offset + limit], total=len(found), limit=limit, offset=offset)

    def relations_page(
        self, *, source: str | None = None, target: str | None = None, type: str | None = None,
        since: str | None = None, until: str | None = None, modality: str | None = None,
        doc_id: str | None = None, group_level: bool = False, limit: int = 50, offset: int = 0,
    ) -> Page[StoredRelation]:
        """One page of `relations` (same filters, same order) and how many match in all.

        Example:
            ws.relations_page(source="ISKP", since="2024", limit=50).total
        """
        _page(limit, offset)
        items = self.relations(source=source, target=target, type=type, since=since, until=until, modality=modality,
                               doc_id=doc_id, group_level=group_level, limit=limit, offset=offset)
        total = count_relations(
            self.store, source=source, target=target, type=one_of(type, RELATION_TYPES, "relation type"),
            since=_date(since, "since"), until=_date(until, "until"), modality=one_of(modality, MODALITIES, "modality"),
            doc_id=self.store.document(doc_id).id if doc_id is not None else None, group_level=group_level,
            version=self.version)
        return Page(items=items, total=total, limit=limit, offset=offset)

    def relation(self, relation_id: int) -> StoredRelation:
        """One stored relation of the current extractor version, by id.

        Example:
            ws.relation(42).evidence.text
        """
        found = self.store.relations(ids=[int(relation_id)], version=self.version)
        if not found:
            raise NotFoundError(f"no relation with id {relation_id}: ids change on re-extraction; list relations again")
        return found[0]

    def search(self, text: str, *, limit: int = 20, offset: int = 0) -> Page[SearchHit]:
        """Evidence sentences holding every word of `text` (`"a phrase"`, `prefix*`), best match first,
        each with its relations. SQLite FTS5 or PostgreSQL text search, else a LIKE scan.

        Example:
            [h.sentence.text for h in ws.search('denounced "suicide attack"').items]
        """
        _page(limit, offset)
        if len(text or "") > 500:
            raise QueryError("search text too long: keep it under 500 characters")
        total, hits = search_evidence(self.store.engine, text or "", version=self.version, limit=limit, offset=offset)
        ids = [i for h in hits for i in h.relation_ids]
        by_id = {r.id: r for r in self.store.relations(ids=ids, version=self.version)} if ids else {}
        items = []
        for h in hits:
            relations = [by_id[i] for i in h.relation_ids if i in by_id]
            items.append(SearchHit(sentence=h, relations=relations,
                                   doc_title=relations[0].doc_title if relations else None))
        return Page(items=items, total=total, limit=limit, offset=offset)
