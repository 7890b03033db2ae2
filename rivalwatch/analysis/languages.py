"""Coverage per document language: how much of the store is fully analysed.

Relation extraction is English-only: documents in other languages are partly
analysed (actors, mentions and dates only; `ingest.language`). Per language this
counts documents, the near-duplicates among them, the mentions found and the
relations (of one extractor version, near-duplicates not counted again).

Example:
    report = language_coverage(store, version="rw-extract-6", documents=True)
    [(r.name, r.analysis, r.documents, r.relations) for r in report.rows]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from ..ingest.language import FULL, PARTIAL, UNKNOWN, analysis_level, language_name
from ..store import Store
from ..store import schema as s
from ..store.links import canonical_only

__all__ = ["LanguageRow", "DocumentLanguage", "LanguageReport", "language_coverage"]


@dataclass(frozen=True)
class LanguageRow:
    """One language: its documents and what was extracted from them."""

    language: str               # detector code, "und" when unknown
    name: str
    analysis: str               # "full" or "partial"
    documents: int
    near_duplicates: int        # documents linked to an earlier copy
    mentions: int
    relations: int              # from documents that are no near-duplicate

    def as_dict(self) -> dict[str, Any]:
        return {"language": self.language, "name": self.name, "analysis": self.analysis,
                "documents": self.documents, "near_duplicates": self.near_duplicates,
                "mentions": self.mentions, "relations": self.relations}


@dataclass(frozen=True)
class DocumentLanguage:
    """One document's language and how fully it was analysed."""

    doc_id: str
    title: str | None
    source: str
    language: str
    name: str
    analysis: str
    near_duplicate: bool

    def as_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "title": self.title, "source": self.source, "language": self.language,
                "name": self.name, "analysis": self.analysis, "near_duplicate": self.near_duplicate}


@dataclass
class LanguageReport:
    """Coverage rows (most documents first), totals, and with `documents=True` every document."""

    version: str
    rows: list[LanguageRow]
    documents: list[DocumentLanguage] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        """Documents fully and partly analysed, and all mentions and relations."""
        return {
            "documents": sum(r.documents for r in self.rows),
            "fully_analysed": sum(r.documents for r in self.rows if r.analysis == FULL),
            "partly_analysed": sum(r.documents for r in self.rows if r.analysis == PARTIAL),
            "near_duplicates": sum(r.near_duplicates for r in self.rows),
            "mentions": sum(r.mentions for r in self.rows),
            "relations": sum(r.relations for r in self.rows),
        }

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "totals": self.totals(), "languages": [r.as_dict() for r in self.rows],
                "documents": [d.as_dict() for d in self.documents]}


def language_coverage(store: Store, *, version: str, documents: bool = False) -> LanguageReport:
    """Per-language coverage of the store for one extractor version."""
    d, m, r, link = s.documents, s.mentions, s.relations, s.document_links
    language = func.coalesce(d.c.language, UNKNOWN)
    with store.engine.connect() as conn:
        docs = dict(conn.execute(select(language, func.count()).group_by(language)).all())
        linked = dict(conn.execute(select(language, func.count()).select_from(link.join(d, d.c.id == link.c.doc_id))
                                   .group_by(language)).all())
        mentions = dict(conn.execute(select(language, func.count()).select_from(m.join(d, d.c.id == m.c.doc_id))
                                     .where(m.c.version == version).group_by(language)).all())
        relations = dict(conn.execute(select(language, func.count()).select_from(r.join(d, d.c.id == r.c.doc_id))
                                      .where(r.c.version == version, canonical_only(r.c.doc_id))
                                      .group_by(language)).all())
        listed = conn.execute(select(d.c.id, d.c.title, d.c.source, language.label("language"),
                                     link.c.doc_id.label("linked"))
                              .outerjoin(link, link.c.doc_id == d.c.id)
                              .order_by(d.c.ingested_at, d.c.id)).all() if documents else []
    rows = [
        LanguageRow(language=code, name=language_name(code), analysis=analysis_level(code), documents=n,
                    near_duplicates=linked.get(code, 0), mentions=mentions.get(code, 0),
                    relations=relations.get(code, 0))
        for code, n in docs.items()
    ]
    rows.sort(key=lambda row: (-row.documents, row.language))
    return LanguageReport(version=version, rows=rows, documents=[
        DocumentLanguage(doc_id=row.id, title=row.title, source=row.source, language=row.language,
                         name=language_name(row.language), analysis=analysis_level(row.language),
                         near_duplicate=row.linked is not None)
        for row in listed
    ])
