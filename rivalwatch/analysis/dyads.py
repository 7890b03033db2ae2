"""Dyad timelines: how the relationship between two actors moves, period by period.

Method (the same for `dyad` and, over every pair at once, for `alerts`):

1. **Facts only.** A relation counts when its modality has a factor above zero in
   `knowledge/hostility.yaml` (asserted 1, alleged 0.5); negated and hypothetical
   relations are not events. Documents linked as near-duplicate reposts of an
   earlier one are left out (their relations would count again).
2. **Events, not reports.** An event is (source, type, target, when): the same
   relation reported by several documents (or twice in one) is one event with
   several sources, and it takes the strongest modality any report gives. `when`
   is the relation's date, else its document's publication date. At group level
   (the default) source and target are the `*_group` columns, persons and outlets
   rolled up to their group; `as_written` keeps the actors the text named.
3. **FIGHT is symmetric.** "A FIGHT B" and "B FIGHT A" on one date are one clash.
   It counts in both directions (each side fights the other) and once for the
   dyad as a whole.
4. **Periods.** `when` is bucketed by month, quarter or year. A date less precise
   than the bucket (a bare year in a quarterly view) keeps a period of its own,
   labelled as written (`2024`, sorted before `2024-Q1`); undated events are
   listed apart. Empty periods between the first and the last are kept (zeros).
5. **Hostility** of an event = type weight x modality factor (hostility.yaml:
   FIGHT 10, ASSAULT 9, COERCE 7, THREATEN 5, REJECT 3, ACCUSE 2, DEFECT 1,
   CONSULT -1, PLEDGE -6, COOPERATE -6, SUPPORT -7); a period's hostility is the
   sum over its events, so cooperation pulls it below zero.

All grouping happens in SQL (`GROUP BY` on the covering index
`ix_relations_dyad_events`); Python only arranges the events of one pair.

Example:
    timeline = dyad_timeline(store, "ISKP", "TTP", version="rw-extract-6", hostility=load_hostility())
    [(p.label, p.directions["ISKP->TTP"].hostility) for p in timeline.periods]
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

from sqlalchemy import Integer, String, and_, case, cast, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..errors import QueryError
from ..knowledge.load import load_hostility as _hostility_data
from ..models import PERIODS, QUAD_CLASS, SYMMETRIC_TYPES
from ..store import Store
from ..store import schema as s
from ..store.links import canonical_only  # reposts are not counted again
from ..store.listing import period_overlaps
from .hostility import Hostility

__all__ = [
    "PERIODS", "load_hostility", "originals", "period_index", "period_of", "period_label", "period_bounds", "min_length",
    "factor_case", "weight_case", "DyadEvent", "DirectionStats", "DyadPeriod", "DyadTimeline", "dyad_timeline",
]

_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
_CHUNK = 500


@lru_cache(maxsize=1)
def load_hostility() -> Hostility:
    """The weights of `knowledge/hostility.yaml` alone (not the whole knowledge base: queries stay fast),
    read once per process like the knowledge base."""
    return Hostility.from_knowledge(_hostility_data())


# --- periods ------------------------------------------------------------------------

def _check_by(by: str) -> str:
    if by not in PERIODS:
        raise QueryError(f"unknown period {by!r}: use one of {', '.join(PERIODS)}")
    return by


def min_length(by: str) -> int:
    """Characters an ISO date needs to fall into one period: 4 for years, 7 (a month) otherwise."""
    return 4 if _check_by(by) == "year" else 7


def period_index(when: Any, by: str) -> ColumnElement[int]:
    """SQL: the period of an ISO date as one integer (year*12+month-1, year*4+quarter-1, year); a bare
    year is its first period, as in `period_of` (PostgreSQL, unlike SQLite, casts no '' to a number)."""
    year = cast(func.substr(when, 1, 4), Integer)
    if _check_by(by) == "year":
        return year
    month = cast(func.coalesce(func.nullif(func.substr(when, 6, 2), ""), "01"), Integer) - 1
    return year * 12 + month if by == "month" else year * 4 + month // 3


def period_of(iso: str, by: str) -> int:
    """Python: the period index of an ISO date (a bare year is the year's first period)."""
    year, month = int(iso[:4]), int(iso[5:7]) - 1 if len(iso) >= 7 else 0
    return {"year": year, "month": year * 12 + month, "quarter": year * 4 + month // 3}[_check_by(by)]


def period_label(index: int, by: str) -> str:
    """`2024-07`, `2024-Q3` or `2024`."""
    if by == "month":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if by == "quarter":
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    return f"{index:04d}"


def period_bounds(index: int, by: str) -> tuple[str, str]:
    """The ISO prefixes [start, end) of a period: dates d in it satisfy start <= d < end."""
    if by == "year":
        return f"{index:04d}", f"{index + 1:04d}"
    months = 1 if by == "month" else 3
    first = index * months if by == "quarter" else index
    after = first + months
    return f"{first // 12:04d}-{first % 12 + 1:02d}", f"{after // 12:04d}-{after % 12 + 1:02d}"


# --- weights as SQL -----------------------------------------------------------------

def factual(hostility: Hostility) -> list[str]:
    """Modalities whose relations are events (factor above zero)."""
    return sorted(m for m, f in hostility.modality_factors.items() if f > 0)


def factor_case(modality: Any, hostility: Hostility) -> ColumnElement[float]:
    """SQL: the modality factor of a relation (0 for modalities that are not events)."""
    return case({m: float(f) for m, f in hostility.modality_factors.items()}, value=modality, else_=0.0)


def weight_case(rtype: Any, hostility: Hostility) -> ColumnElement[float]:
    """SQL: the hostility weight of a relation type."""
    return case({t: float(w) for t, w in hostility.weights.items()}, value=rtype, else_=0.0)


def originals(store: Store, doc_id: Any) -> list[Any]:
    """WHERE clauses leaving out relations of near-duplicate reposts (none when no document is one)."""
    with store.engine.connect() as conn:
        linked = conn.scalar(select(s.document_links.c.doc_id).limit(1))
    return [] if linked is None else [canonical_only(doc_id)]




# --- results ------------------------------------------------------------------------

@dataclass(frozen=True)
class DyadEvent:
    """One event: a (source, type, target, when) with every report of it."""

    direction: str            # "ISKP->TTP", or "ISKP<->TTP" for a symmetric type (FIGHT)
    source: str
    type: str
    target: str
    when: str | None
    modality: str             # the strongest modality of its reports
    hostility: float          # type weight x modality factor
    relation_ids: tuple[int, ...]
    doc_ids: tuple[str, ...]
    evidence: tuple[tuple[int, str, str], ...] = ()   # (relation id, doc id, sentence), when asked for

    def as_dict(self) -> dict[str, Any]:
        out = {"direction": self.direction, "source": self.source, "type": self.type, "target": self.target,
               "when": self.when, "modality": self.modality, "hostility": self.hostility,
               "reports": len(self.relation_ids), "relation_ids": list(self.relation_ids),
               "doc_ids": list(self.doc_ids)}
        if self.evidence:
            out["evidence"] = [{"relation_id": i, "doc_id": d, "text": t} for i, d, t in self.evidence]
        return out


@dataclass
class DirectionStats:
    """Events of one direction in one period: counts per type and quad class, and hostility."""

    events: int = 0
    hostility: float = 0.0
    types: Counter = field(default_factory=Counter)
    quad: Counter = field(default_factory=Counter)

    def add(self, rtype: str, hostility: float, count: int = 1) -> None:
        """Count `count` events of one type, each of this hostility."""
        self.events += count
        self.hostility += hostility * count
        self.types[rtype] += count
        self.quad[QUAD_CLASS.get(rtype, "other")] += count

    def as_dict(self) -> dict[str, Any]:
        return {"events": self.events, "hostility": round(self.hostility, 3),
                "types": dict(sorted(self.types.items())), "quad": dict(sorted(self.quad.items()))}


@dataclass
class DyadPeriod:
    """One period of a dyad: both directions, the dyad's hostility (each event once), its events."""

    label: str                # 2024-Q3; a coarser date keeps its own label (2024); "undated"
    precision: str            # month, quarter, year, or "undated"
    directions: dict[str, DirectionStats]
    hostility: float = 0.0
    events: list[DyadEvent] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.label, "precision": self.precision, "hostility": round(self.hostility, 3),
                "directions": {k: v.as_dict() for k, v in self.directions.items()},
                "events": [e.as_dict() for e in self.events]}


@dataclass
class DyadTimeline:
    """How the relationship between `x` and `y` moves: one entry per period, undated events apart."""

    x: str
    y: str
    by: str
    level: str                # "group" or "as_written"
    since: str | None
    until: str | None
    weights: dict[str, float]
    modality_factors: dict[str, float]
    periods: list[DyadPeriod]
    undated: DyadPeriod

    @property
    def directions(self) -> tuple[str, str]:
        return f"{self.x}->{self.y}", f"{self.y}->{self.x}"

    def series(self, direction: str) -> list[tuple[str, float]]:
        """(period, hostility) of one direction, or of the dyad with direction="dyad"; precise periods only."""
        return [(p.label, p.hostility if direction == "dyad" else p.directions[direction].hostility)
                for p in self.periods if p.precision == self.by]

    def as_dict(self) -> dict[str, Any]:
        return {"x": self.x, "y": self.y, "by": self.by, "level": self.level, "since": self.since,
                "until": self.until, "weights": self.weights, "modality_factors": self.modality_factors,
                "periods": [p.as_dict() for p in self.periods], "undated": self.undated.as_dict()}


# --- the query ----------------------------------------------------------------------

def resolve_side(store: Store, name: str, *, as_written: bool) -> set[str]:
    """The ids an actor name stands for: as written, or rolled up to their groups."""
    ids = store.resolve_actor(name)
    if as_written:
        return ids
    rollup = store._rollup()  # persons and outlets -> their group, as `*_group` was filled
    return {rollup.get(i, i) for i in ids}


def dyad_timeline(
    store: Store, x: str, y: str, *, version: str, hostility: Hostility, by: str = "quarter",
    since: str | None = None, until: str | None = None, as_written: bool = False, evidence: bool = False,
    events: bool = True,
) -> DyadTimeline:
    """Per period and direction, the events between two actors (ids or aliases) and their hostility.

    `since`/`until`: ISO prefixes on `when` (undated events are then dropped).
    `evidence`: add each report's sentence to its event.
    `events=False`: only the counts and hostility; SQL counts the events, none is listed.
    """
    _check_by(by)
    xs, ys = resolve_side(store, x, as_written=as_written), resolve_side(store, y, as_written=as_written)
    if xs & ys:
        raise QueryError(f"{x!r} and {y!r} name the same actor ({', '.join(sorted(xs & ys))}): give two different actors")
    xname, yname = "+".join(sorted(xs)), "+".join(sorted(ys))
    rows = _event_rows(store, xs, ys, version=version, hostility=hostility, since=since, until=until,
                       as_written=as_written, by=None if events else by)
    texts = _evidence(store, [i for row in rows for i in row[4]]) if evidence and events else {}
    names = {"xy": (xname, yname), "yx": (yname, xname), "mutual": (xname, yname)}
    arrow = {"xy": f"{xname}->{yname}", "yx": f"{yname}->{xname}", "mutual": f"{xname}<->{yname}"}
    best = sorted(((f, m) for m, f in hostility.modality_factors.items() if f > 0), reverse=True)
    need = min_length(by)
    forward, backward = f"{xname}->{yname}", f"{yname}->{xname}"

    def empty(label: str, precision: str) -> DyadPeriod:
        return DyadPeriod(label=label, precision=precision,
                          directions={forward: DirectionStats(), backward: DirectionStats()})

    periods: dict[tuple[int, str], DyadPeriod] = {}
    undated = empty("undated", "undated")
    for side, rtype, when, factor, ids, docs, count in rows:
        source, target = names[side]
        value = round(hostility.weights.get(rtype, 0.0) * factor, 6)
        if when is None:
            period = undated
        else:  # a date less precise than the bucket keeps a period of its own (tag = the date)
            key = (period_of(when, by), "" if len(when) >= need else when)
            period = periods.get(key) or periods.setdefault(
                key, empty(key[1], _precision(when)) if key[1] else empty(period_label(key[0], by), by))
        if events:
            modality = next(m for f, m in best if f <= factor + 1e-9)
            period.events.append(DyadEvent(
                direction=arrow[side], source=source, type=rtype, target=target, when=when, modality=modality,
                hostility=value, relation_ids=ids, doc_ids=docs,
                evidence=tuple((i, texts[i][0], texts[i][1]) for i in ids if i in texts)))
        period.hostility += value * count
        for direction in ((forward, backward) if side == "mutual" else (arrow[side],)):
            period.directions[direction].add(rtype, value, count)
    precise = [i for i, tag in periods if not tag]
    if precise:
        for index in range(min(precise), max(precise) + 1):
            periods.setdefault((index, ""), empty(period_label(index, by), by))
    ordered = [periods[k] for k in sorted(periods, key=lambda k: (k[0], k[1] == "", k[1]))]
    for period in [*ordered, undated]:
        period.events.sort(key=lambda e: (e.when or "", e.direction, e.type))
        period.hostility = round(period.hostility, 6)
    return DyadTimeline(
        x=xname, y=yname, by=by, level="as_written" if as_written else "group", since=since, until=until,
        weights=dict(hostility.weights), modality_factors=dict(hostility.modality_factors),
        periods=ordered, undated=undated)


def _precision(when: str) -> str:
    return {4: "year", 7: "month"}.get(len(when), "day")


def _event_rows(store: Store, xs: set[str], ys: set[str], *, version: str, hostility: Hostility,
                since: str | None, until: str | None, as_written: bool, by: str | None) -> list[tuple[Any, ...]]:
    """(side, type, when, factor, relation ids, doc ids, events), grouped in SQL: one row per event,
    or with `by`, one row per side, type, period and factor counting its events (no ids)."""
    r = s.relations
    a, b = (r.c.source, r.c.target) if as_written else (r.c.source_group, r.c.target_group)
    when = r.c["when"]
    side = case((r.c.type.in_(sorted(SYMMETRIC_TYPES)), literal("mutual")), (a.in_(sorted(xs)), literal("xy")),
                else_=literal("yx"))
    # undated relations cannot be matched by date: each is an event of its own
    own = case((when.is_(None), r.c.id), else_=None)
    factor = func.max(factor_case(r.c.modality, hostility)).label("factor")
    lists = () if by else (func.aggregate_strings(cast(r.c.id, String), ","),
                           func.aggregate_strings(r.c.doc_id, ","))
    query = (
        select(side.label("side"), r.c.type, when.label("when"), factor, *lists)
        .where(r.c.version == version, r.c.modality.in_(factual(hostility)), *originals(store, r.c.doc_id),
               # both ends IN the pair first, so the index is searched by (version, source, target)
               a.in_(sorted(xs | ys)), b.in_(sorted(xs | ys)),
               or_(and_(a.in_(sorted(xs)), b.in_(sorted(ys))), and_(a.in_(sorted(ys)), b.in_(sorted(xs)))),
               *period_overlaps(when, since, until))
        .group_by(side, r.c.type, when, own)
    )
    if by:
        e = query.subquery()
        # a date less precise than the period keeps a period of its own: group by the date itself then
        tag = case((func.length(e.c.when) >= min_length(by), literal("")), else_=e.c.when)
        query = (select(e.c.side, e.c.type, func.min(e.c.when), e.c.factor, func.count())
                 .group_by(e.c.side, e.c.type, period_index(e.c.when, by), tag, e.c.factor))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    if by:
        return [(side_, rtype, when_, float(factor_), (), (), n) for side_, rtype, when_, factor_, n in rows]
    out = []
    for side_, rtype, when_, factor_, ids, docs in rows:
        if "," in ids:  # several reports: ids and documents in order, documents once
            id_list, doc_list = tuple(sorted(map(int, ids.split(",")))), tuple(sorted(set(docs.split(","))))
        else:
            id_list, doc_list = (int(ids),), (docs,)
        out.append((side_, rtype, when_, float(factor_), id_list, doc_list, 1))
    return out


def _evidence(store: Store, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """relation id -> (doc id, evidence sentence)."""
    r = s.relations
    out: dict[int, tuple[str, str]] = {}
    unique = sorted(set(ids))
    with store.engine.connect() as conn:
        for i in range(0, len(unique), _CHUNK):
            query = select(r.c.id, r.c.doc_id, r.c.evidence_text).where(r.c.id.in_(unique[i:i + _CHUNK]))
            out.update((row.id, (row.doc_id, " ".join(row.evidence_text.split()))) for row in conn.execute(query))
    return out
