"""What the claims, defections, media and places analyses share: group roll-up,
actor filters, the documents records cite, date windows and periods.

Dates are ISO at the precision the text gives (`2024`, `2024-07`, `2024-07-14`).
A window keeps a date when its period overlaps the window, exactly as
`Store.relations` does: since="2024-07" keeps "2024" and "2024-07-14".
"""
from __future__ import annotations

import datetime as _dt
from calendar import monthrange
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from sqlalchemy import select

from ..models import PERIODS, Evidence, group_of_each
from ..store import Store
from ..store import schema as s

__all__ = [
    "Cited", "PERIODS", "rollup", "actor_ids", "cited", "in_window", "period_of", "period_key", "precision",
    "bounds", "counted",
]

_CHUNK = 500


@dataclass(frozen=True)
class Cited:
    """The evidence sentence of a record and the document it comes from."""

    evidence: Evidence
    doc_title: str | None
    doc_source: str
    published: str | None

    def as_dict(self) -> dict[str, Any]:
        e = self.evidence
        return {"doc_id": e.doc_id, "doc_title": self.doc_title, "doc_source": self.doc_source,
                "published": self.published, "text": e.text, "start": e.start, "end": e.end}


def rollup(store: Store) -> dict[str, str]:
    """actor id -> the group it rolls up to (persons and outlets that are part of one); others map to themselves."""
    with store.engine.connect() as conn:
        rows = {r.id: (r.kind, r.part_of) for r in conn.execute(select(s.actors.c.id, s.actors.c.kind, s.actors.c.part_of))}
    return group_of_each(rows)


def actor_ids(store: Store, name: str | None) -> frozenset[str] | None:
    """The stored ids an actor name or alias stands for (QueryError when none); None when no name."""
    return None if name is None else frozenset(store.resolve_actor(name))


def cited(store: Store, rows: Iterable[Any]) -> dict[str, tuple[str | None, str, str | None]]:
    """doc id -> (title, source, published) for the documents these rows (with a `doc_id`) cite."""
    ids = sorted({r.doc_id for r in rows})
    out: dict[str, tuple[str | None, str, str | None]] = {}
    d = s.documents
    with store.engine.connect() as conn:
        for i in range(0, len(ids), _CHUNK):
            query = select(d.c.id, d.c.title, d.c.source, d.c.published).where(d.c.id.in_(ids[i:i + _CHUNK]))
            out.update({r.id: (r.title, r.source, r.published) for r in conn.execute(query)})
    return out


def in_window(date: str | None, since: str | None, until: str | None = None) -> bool:
    """True when `date`'s period overlaps [since, until]; an undated record is kept only without a window."""
    if since is None and until is None:
        return True
    if date is None:
        return False
    if since is not None and date < since[: len(date)]:
        return False
    return until is None or date[: len(until)] <= until


def precision(date: str | None) -> str | None:
    """'day', 'month' or 'year' by the length of an ISO date; None when undated."""
    return None if not date else {10: "day", 7: "month", 4: "year"}.get(len(date))


def period_of(date: str | None, by: str) -> str | None:
    """The period a date falls in: '2024-07' (month), '2024-Q3' (quarter), '2024' (year).

    A date less precise than the period keeps its own precision: "2024" stays
    "2024" under `by="month"` (listed after that year's months); None stays None.
    """
    if not date:
        return None
    if by == "year" or len(date) < 7:
        return date[:4]
    if by == "quarter":
        return f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}"
    return date[:7]


def bounds(date: str) -> tuple[_dt.date, _dt.date]:
    """The first and last day of an ISO date's period: '2024-07' -> (2024-07-01, 2024-07-31)."""
    year = int(date[:4])
    if len(date) >= 10:
        day = _dt.date.fromisoformat(date[:10])
        return day, day
    if len(date) >= 7:
        month = int(date[5:7])
        return _dt.date(year, month, 1), _dt.date(year, month, monthrange(year, month)[1])
    return _dt.date(year, 1, 1), _dt.date(year, 12, 31)


def period_key(period: str | None) -> tuple[int, str]:
    """Sort key: periods in time order ('2024-Q1' < '2024-Q2' < '2024'), undated last."""
    if period is None:
        return (1, "")
    return (0, period if len(period) > 4 else period + "~")


def counted(items: Sequence[str]) -> dict[str, int]:
    """Counts of each value, most frequent first, then by name."""
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))
