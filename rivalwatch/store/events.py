"""What networks read: relations as dated group-level events, extracted and imported alike.

Extracted relations come from the `relations` table (one extractor version); their
date is `when` (the relation's date, else its document's publication date).
Imported relations come from `imported_relations` (human-coded tables such as
Mapping Militants); their date is the row's date. Both are read at group level
(persons and outlets rolled up to their group) unless `as_written`.

Example:
    add_imported(store, resolution.relations)
    events(store, version="rw-extract-6", since="2024", until="2024")  # grouped by actor pair
"""
from __future__ import annotations

from sys import intern

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from sqlalchemy import case, func, literal, select, union_all

from ..ingest.relationships import ImportedRelation
from . import schema as s
from .db import Store
from .dialect import insert_ignore
from .links import canonical_only  # reposts are not counted again
from .listing import period_overlaps

__all__ = ["EXTRACTED", "IMPORTED", "GroupEvent", "add_imported", "count_events", "events", "imported_keys"]

EXTRACTED, IMPORTED = "extracted", "imported"


@dataclass(frozen=True, slots=True)
class GroupEvent:
    """One stored relation as a network reads it.

    `doc` names the supporting record: the document id of an extracted relation,
    `<origin>:<file>#<row>` of an imported one.
    """

    origin: str          # "extracted" or "imported"
    id: int              # relations.id or imported_relations.id
    doc: str
    source: str
    type: str
    target: str
    modality: str
    when: str | None




def _by_pair(query: Any, source: Any, target: Any) -> Any:
    """`query` with the two ends of its actor pair, whichever way round, as columns `lo` and `hi`."""
    forward = source <= target
    return query.add_columns(case((forward, source), else_=target).label("lo"),
                             case((forward, target), else_=source).label("hi"))


def _selects(version: str, since: str | None, until: str | None, as_written: bool,
             include_imported: bool) -> list[Any]:
    """One SELECT per origin, in the columns of `GroupEvent` plus the pair's ends `lo` and `hi`."""
    r, i = s.relations, s.imported_relations
    source, target = (r.c.source, r.c.target) if as_written else (r.c.source_group, r.c.target_group)
    parts = [_by_pair(select(literal(EXTRACTED).label("origin"), r.c.id, r.c.doc_id.label("doc"),
                             source.label("src"), r.c.type, target.label("tgt"), r.c.modality, r.c.when),
                      source, target)
             .where(r.c.version == version, canonical_only(r.c.doc_id), *period_overlaps(r.c.when, since, until))]
    if include_imported:
        source, target = (i.c.source, i.c.target) if as_written else (i.c.source_group, i.c.target_group)
        doc = i.c.origin + ":" + i.c.source_file + "#" + i.c.row_id
        parts.append(_by_pair(select(literal(IMPORTED).label("origin"), i.c.id, doc.label("doc"),
                                     source.label("src"), i.c.type, target.label("tgt"),
                                     literal("asserted").label("modality"), i.c.date.label("when")),
                              source, target)
                     .where(*period_overlaps(i.c.date, since, until)))
    return parts


def events(store: Store, *, version: str, since: str | None = None, until: str | None = None,
           as_written: bool = False, include_imported: bool = True) -> Iterator[GroupEvent]:
    """Extracted relations of `version` (and imported ones) dated within the window, grouped by actor pair.

    All events between two actors, in either direction and from either origin,
    come together (oldest first), so a network can be built one pair at a time.
    With a window, undated events are left out; without one, they are kept. Rows
    are streamed, and their repeated strings interned.
    """
    query = union_all(*_selects(version, since, until, as_written, include_imported)).subquery()
    ordered = select(query).order_by(query.c.lo, query.c.hi, query.c.when.asc().nulls_last(),
                                     query.c.origin, query.c.id)
    with store.engine.connect() as conn:
        for row in conn.execution_options(stream_results=True).execute(ordered):
            yield GroupEvent(row.origin, row.id, intern(row.doc), intern(row.src), intern(row.type),
                             intern(row.tgt), intern(row.modality), row.when and intern(row.when))


def count_events(store: Store, *, version: str, since: str | None = None, until: str | None = None,
                 include_imported: bool = True) -> int:
    """How many events `events` gives for the same window (for a progress bar)."""
    query = union_all(*_selects(version, since, until, False, include_imported)).subquery()
    with store.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(query)) or 0)


def imported_keys(store: Store) -> set[tuple[str, str, str]]:
    """(origin, source_file, row_id) of every imported row."""
    i = s.imported_relations
    with store.engine.connect() as conn:
        return {tuple(row) for row in conn.execute(select(i.c.origin, i.c.source_file, i.c.row_id))}


def add_imported(store: Store, relations: Sequence[ImportedRelation]) -> int:
    """Store imported relations in one transaction, skipping rows already stored; returns how many were new."""
    if not relations:
        return 0
    before = imported_keys(store)
    now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    rows = [{"origin": x.origin, "source_file": x.source_file, "row_id": x.row_id, "code": x.code,
             "source": x.source, "type": x.type, "target": x.target, "source_group": x.source_group,
             "target_group": x.target_group, "date": x.date, "source_name": x.source_name,
             "target_name": x.target_name, "evidence_text": x.evidence, "imported_at": now}
            for x in relations]
    new = {(x["origin"], x["source_file"], x["row_id"]) for x in rows} - before
    with store.writer.begin() as conn:
        insert_ignore(conn, s.imported_relations, rows, keys=["origin", "source_file", "row_id"])
    return len(new)
