"""The filters of `Store.relations`, shared with `count_relations` so a page and its total agree.

Example:
    count_relations(store, source="ISKP", type="ACCUSE", version="rw-extract-6")
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from sqlalchemy import String, func, literal, select

from . import schema as s

if TYPE_CHECKING:
    from .db import Store

__all__ = ["relation_filters", "count_relations", "period_overlaps"]


def period_overlaps(column: Any, since: str | None, until: str | None) -> list[Any]:
    """WHERE clauses keeping ISO dates (at any precision) whose period overlaps
    [since, until] (ISO prefixes): "2024-07-14" and "2024" are both kept by since="2024-07";
    NULL dates are dropped as soon as a bound is given."""
    where: list[Any] = []
    if since is not None:
        where.append(column >= func.substr(literal(since, String), 1, func.length(column)))
    if until is not None:
        where.append(func.substr(column, 1, len(until)) <= until)
    return where


def relation_filters(
    store: "Store", *, source: str | None, target: str | None, type: str | None, since: str | None,
    until: str | None, modality: str | None, doc_id: str | None, version: str | None, ids: Sequence[int] | None,
    rollup: Mapping[str, str], group_level: bool,
) -> list[Any]:
    """The WHERE clauses for these filters (see `Store.relations`); actor names resolve through their aliases."""
    r = s.relations
    where: list[Any] = []
    for column, name in ((r.c.source, source), (r.c.target, target)):
        if name is not None:
            where.append(column.in_(sorted(store._actor_ids(name, rollup, group_level))))
    for column, value in ((r.c.type, type), (r.c.modality, modality), (r.c.doc_id, doc_id), (r.c.version, version)):
        if value is not None:
            where.append(column == value)
    where += period_overlaps(r.c.date, since, until)
    if ids is not None:
        where.append(r.c.id.in_([int(i) for i in ids]))
    return where


def count_relations(
    store: "Store", *, source: str | None = None, target: str | None = None, type: str | None = None,
    since: str | None = None, until: str | None = None, modality: str | None = None, doc_id: str | None = None,
    group_level: bool = False, version: str | None = None,
) -> int:
    """How many relations `Store.relations` returns for these filters, without a limit."""
    rollup = store._rollup() if group_level else {}
    where = relation_filters(store, source=source, target=target, type=type, since=since, until=until,
                             modality=modality, doc_id=doc_id, version=version, ids=None, rollup=rollup,
                             group_level=group_level)
    with store.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(s.relations).where(*where)) or 0)
