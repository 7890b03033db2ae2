"""Store side of data exchange: imported event rows in, every relation out as a stream.

`add_imported_events` stores ACLED/GTD/UCDP rows in `imported_relations` (with
place, deaths and the data set's own type); a row already imported from any file
of the same data set (same origin and row id) is skipped. `export_rows` reads
extracted relations (one extractor version) and, on request, imported ones as
`ExportRow`s, one at a time: the query streams (`yield_per`, a server-side cursor
on PostgreSQL; SQLite's cursor is lazy), so memory does not grow with the store.
Extracted relations come in store order (id), or grouped by document (doc_id,
id) with `by_record`; imported ones by (origin, source file, id).

Example:
    query = ExportQuery(version="rw-1", types=("ASSAULT",), since="2024")
    for row in export_rows(store, query):
        print(row.event_id, row.source, row.type, row.target)
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from sqlalchemy import func, select

from ..ingest.events_csv import ImportedEvent
from . import schema as s
from .db import Store
from .dialect import insert_ignore
from .events import EXTRACTED, IMPORTED
from .listing import period_overlaps

__all__ = ["EXTRACTED", "IMPORTED", "ExportQuery", "ExportRow", "add_imported_events", "count_rows", "export_rows"]
YIELD_PER = 2_000
_INSERT_BATCH = 5_000


@dataclass(frozen=True)
class ExportQuery:
    """Which relations an export reads. Actor filters are sets of stored ids (already resolved).

    With `group_level`, actors are their groups (persons and outlets rolled up) both in
    the filters and in the rows. `since`/`until` are ISO prefixes, as `Store.relations` reads
    them (the relation's own date; undated relations are dropped by a window).
    """

    version: str
    sources: frozenset[str] | None = None
    targets: frozenset[str] | None = None
    types: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    group_level: bool = False
    extracted: bool = True
    imported: bool = False
    origins: tuple[str, ...] = ()   # imported data sets to keep (empty: all)
    by_record: bool = False         # extracted rows grouped by document (else in store order, faster)


@dataclass(slots=True)
class ExportRow:
    """One relation as exporters write it, extracted or imported.

    `group` names the record it rests on: the document id, or `<origin>:<file>` of an
    imported row. Evidence offsets and confidence are None for imported rows.
    """

    kind: str                 # "extracted" or "imported"
    id: int                   # relations.id or imported_relations.id
    event_id: str             # "rw-<id>", or "<origin>-<row id>"
    origin: str               # "rivalwatch", "acled", "gtd", "ucdp", "mmp"
    group: str
    source: str
    type: str
    target: str
    source_as_written: str
    target_as_written: str
    modality: str
    date: str | None
    location: str | None
    confidence: float | None
    evidence: str
    start: int | None
    end: int | None
    doc_id: str | None = None
    doc_title: str | None = None
    doc_source: str | None = None
    doc_url: str | None = None
    published: str | None = None
    recorded_at: _dt.datetime | None = None   # document ingested / row imported
    version: str | None = None
    cue: str | None = None
    row_id: str | None = None
    source_file: str | None = None
    fatalities: int | None = None
    sub_type: str | None = None




def _filtered(query: Any, table: Any, q: ExportQuery) -> Any:
    src, tgt = (table.c.source_group, table.c.target_group) if q.group_level else (table.c.source, table.c.target)
    if q.sources is not None:
        query = query.where(src.in_(sorted(q.sources)))
    if q.targets is not None:
        query = query.where(tgt.in_(sorted(q.targets)))
    if q.types:
        query = query.where(table.c.type.in_(q.types))
    return query.where(*period_overlaps(table.c.date, q.since, q.until))


def _extracted_query(q: ExportQuery, columns: Sequence[Any], *, documents: bool = True) -> Any:
    r, d = s.relations, s.documents
    table = r.join(d, d.c.id == r.c.doc_id) if documents else r
    query = _filtered(select(*columns).select_from(table).where(r.c.version == q.version), r, q)
    if q.modalities:
        query = query.where(r.c.modality.in_(q.modalities))
    return query


def _imported_query(q: ExportQuery, columns: Sequence[Any]) -> Any | None:
    if q.modalities and "asserted" not in q.modalities:
        return None   # imported rows are coded facts: asserted
    i = s.imported_relations
    query = _filtered(select(*columns).select_from(i), i, q)
    if q.origins:
        query = query.where(i.c.origin.in_(q.origins))
    return query


def count_rows(store: Store, q: ExportQuery) -> int:
    """How many rows `export_rows` will yield (for a progress bar)."""
    total = 0
    with store.engine.connect() as conn:
        if q.extracted:
            total += conn.scalar(_extracted_query(q, [func.count()], documents=False)) or 0
        if q.imported:
            query = _imported_query(q, [func.count()])
            total += 0 if query is None else conn.scalar(query) or 0
    return total


def export_rows(store: Store, q: ExportQuery, *, yield_per: int = YIELD_PER) -> Iterator[ExportRow]:
    """The relations `q` selects: extracted ones (by id, or by document), then imported ones (by data set and file)."""
    r, d, i = s.relations, s.documents, s.imported_relations
    with store.engine.connect().execution_options(yield_per=yield_per) as conn:
        if q.extracted:
            src, tgt = (r.c.source_group, r.c.target_group) if q.group_level else (r.c.source, r.c.target)
            columns = [r.c.id, r.c.doc_id, r.c.version, src.label("src"), tgt.label("tgt"), r.c.source, r.c.target,
                       r.c.type, r.c.modality, r.c.date, r.c.location, r.c.confidence, r.c.cue, r.c.evidence_text,
                       r.c.evidence_start, r.c.evidence_end, d.c.title, d.c.source.label("doc_source"), d.c.url,
                       d.c.published, d.c.ingested_at]
            order = (r.c.doc_id, r.c.id) if q.by_record else (r.c.id,)
            # plain tuples, unpacked: attribute access on a million Rows costs more than the query
            for (id_, doc_id, version, src, tgt, source, target, rtype, modality, date, location, confidence, cue,
                 text, start, end, title, doc_source, url, published, ingested) in conn.execute(
                    _extracted_query(q, columns).order_by(*order)).tuples():
                yield ExportRow(EXTRACTED, id_, f"rw-{id_}", "rivalwatch", doc_id, src, rtype, tgt, source, target,
                                modality, date, location, confidence, text, start, end, doc_id, title, doc_source,
                                url, published, ingested, version, cue)
        if q.imported:
            src, tgt = (i.c.source_group, i.c.target_group) if q.group_level else (i.c.source, i.c.target)
            query = _imported_query(q, [i, src.label("src"), tgt.label("tgt")])
            if query is None:
                return
            for row in conn.execute(query.order_by(i.c.origin, i.c.source_file, i.c.id)):
                yield ExportRow(
                    kind=IMPORTED, id=row.id, event_id=f"{row.origin}-{row.row_id}", origin=row.origin,
                    group=f"{row.origin}:{row.source_file}", source=row.src, type=row.type, target=row.tgt,
                    source_as_written=row.source_name, target_as_written=row.target_name, modality="asserted",
                    date=row.date, location=row.location, confidence=None, evidence=row.evidence_text, start=None,
                    end=None, recorded_at=row.imported_at, row_id=row.row_id, source_file=row.source_file,
                    fatalities=row.fatalities, sub_type=row.sub_type or row.code,
                )


def _keys(store: Store, origins: set[str]) -> set[tuple[str, str]]:
    i = s.imported_relations
    with store.engine.connect() as conn:
        return {(o, r) for o, r in conn.execute(select(i.c.origin, i.c.row_id).where(i.c.origin.in_(sorted(origins))))}


def add_imported_events(store: Store, events: Sequence[ImportedEvent]) -> int:
    """Store imported events in one transaction, skipping rows of a data set already stored; returns how many were new."""
    if not events:
        return 0
    stored = _keys(store, {e.origin for e in events})
    now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    rows, seen = [], set()
    for e in events:
        key = (e.origin, e.row_id)
        if key in stored or key in seen:
            continue
        seen.add(key)
        rows.append({"origin": e.origin, "source_file": e.source_file, "row_id": e.row_id, "code": e.code,
                     "source": e.source, "type": e.type, "target": e.target, "source_group": e.source_group,
                     "target_group": e.target_group, "date": e.date, "source_name": e.source_name,
                     "target_name": e.target_name, "evidence_text": e.evidence, "imported_at": now,
                     "location": e.location, "fatalities": e.fatalities, "sub_type": e.sub_type})
    with store.writer.begin() as conn:
        for start in range(0, len(rows), _INSERT_BATCH):
            insert_ignore(conn, s.imported_relations, rows[start:start + _INSERT_BATCH],
                          keys=["origin", "source_file", "row_id"])
    return len(rows)
