"""Alerts: which dyads changed, and on what evidence.

Every directed dyad (source group -> target group) gets a hostility series per
period, built exactly as `dyads.py` builds a dyad timeline: factual relations only,
one event per (source, type, target, when) whatever the number of reports, the
strongest modality's factor, FIGHT counted in both directions; reposts, dates less
precise than the period and undated events are left out. Then, in each period (from `--since`,
by default the latest `recent` periods of the store), four rules look back over
the `window` preceding periods (settings in `knowledge/alerts.yaml`):

* **escalation**: hostility h against the baseline mean m and standard deviation
  sd of the window (empty periods count as 0): fires when h >= min_hostility and
  h > m + k * max(sd, sigma_floor); score (h - m) / max(sd, sigma_floor).
* **cooperation_to_conflict** / **conflict_to_cooperation**: the sign of net
  hostility flips from the dyad's previous period with events (within the window):
  score |h - h_prev| / max(sd, sigma_floor).
* **denunciation_after_silence**: at least `min_events` verbal-conflict events
  (ACCUSE, THREATEN, REJECT) after a whole window without one; score = their
  hostility / max(sd, sigma_floor).
* **first_of_type**: the first event ever of a relation type for the dyad;
  score = |type weight| x factor / max(sd, sigma_floor), summed over new types.

A dyad's first period never alerts (there is nothing to compare it with), nor
do the store's first `window` periods (their baseline would reach back before the
data begins), and no rule looks at a dyad with itself. The rules that fire for one dyad and
period make one alert, scored by the strongest; alerts are ranked by score and
cite the events that drove them (relation ids, documents, sentences).

All of it is one SQL statement of GROUP BYs and window functions over the
covering index `ix_relations_dyad_events`; only the alerts come back to Python.
Scores are ranked by their square (SQL needs no square root).

Example:
    report = find_alerts(store, version="rw-extract-6", hostility=load_hostility(),
                         settings=load_settings(), by="quarter", since="2024")
    [(a.source, a.target, a.period, a.kinds) for a in report.alerts]
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, String, and_, case, delete, func, literal, or_, select, union_all
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..errors import KnowledgeError, QueryError
from ..knowledge.load import HERE, read_yaml
from ..models import RELATION_TYPES, SYMMETRIC_TYPES
from ..store import Store
from ..store import schema as s
from .dyads import (
    PERIODS, factor_case, factual, min_length, originals, period_bounds, period_index, period_label, period_of,
    weight_case,
)
from .hostility import Hostility

__all__ = ["ALERTS_FILE", "KINDS", "AlertSettings", "load_settings", "Alert", "AlertReport", "find_alerts"]

ALERTS_FILE = HERE / "alerts.yaml"
KINDS = ("escalation", "cooperation_to_conflict", "conflict_to_cooperation", "denunciation_after_silence",
         "first_of_type")


@dataclass(frozen=True)
class AlertSettings:
    """The thresholds of `knowledge/alerts.yaml`."""

    window: dict[str, int]
    recent: dict[str, int]
    sigma_floor: float
    k: float
    min_hostility: float
    verbal_types: tuple[str, ...]
    min_verbal_events: int
    first_factor: float
    cite: int

    @classmethod
    def from_knowledge(cls, data: dict[str, Any]) -> "AlertSettings":
        try:
            settings = cls(
                window={p: int(data["window"][p]) for p in PERIODS},
                recent={p: int(data["recent"][p]) for p in PERIODS},
                sigma_floor=float(data["sigma_floor"]), k=float(data["escalation"]["k"]),
                min_hostility=float(data["escalation"]["min_hostility"]),
                verbal_types=tuple(data["denunciation"]["types"]),
                min_verbal_events=int(data["denunciation"]["min_events"]),
                first_factor=float(data["first_of_type"]["factor"]), cite=int(data["cite"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise KnowledgeError(f"{ALERTS_FILE}: missing or invalid setting ({exc}); see the comments in the file") from exc
        unknown = set(settings.verbal_types) - set(RELATION_TYPES)
        if unknown or settings.sigma_floor <= 0 or min(settings.window.values()) < 1:
            raise KnowledgeError(f"{ALERTS_FILE}: sigma_floor and windows must be positive and types known "
                                 f"(unknown: {sorted(unknown)})")
        return settings


def load_settings() -> AlertSettings:
    """The alert thresholds of `knowledge/alerts.yaml`."""
    return AlertSettings.from_knowledge(read_yaml(ALERTS_FILE) or {})


@dataclass(frozen=True)
class CitedEvent:
    """One event an alert rests on, with every report of it."""

    type: str
    when: str
    modality: str
    hostility: float
    reports: tuple[tuple[int, str, str], ...]   # (relation id, doc id, sentence)

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "when": self.when, "modality": self.modality, "hostility": self.hostility,
                "relation_ids": [i for i, _, _ in self.reports], "doc_ids": sorted({d for _, d, _ in self.reports}),
                "evidence": [{"relation_id": i, "doc_id": d, "text": t} for i, d, t in self.reports]}


@dataclass(frozen=True)
class Alert:
    """One dyad in one period: the rules that fired, the numbers behind them, the evidence."""

    source: str
    target: str
    period: str
    score: float
    kinds: tuple[str, ...]
    hostility: float
    baseline_mean: float
    baseline_std: float
    window: int
    previous_period: str | None
    previous_hostility: float | None
    verbal_events: int
    new_types: tuple[str, ...]
    evidence: tuple[CitedEvent, ...] = ()

    def summary(self, by: str) -> str:
        """One line per rule that fired, in words."""
        parts = []
        for kind in self.kinds:
            if kind == "escalation":
                parts.append(f"hostility {self.hostility:g} against {self.baseline_mean:g} ± {self.baseline_std:g} "
                             f"over the {self.window} preceding {by}s")
            elif kind in ("cooperation_to_conflict", "conflict_to_cooperation"):
                parts.append(f"net hostility {self.previous_hostility:g} in {self.previous_period} -> {self.hostility:g}")
            elif kind == "denunciation_after_silence":
                parts.append(f"{self.verbal_events} verbal-conflict events after {self.window} {by}s without one")
            else:
                parts.append(f"first {', '.join(self.new_types)}")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "period": self.period, "score": self.score,
                "kinds": list(self.kinds), "hostility": self.hostility,
                "baseline": {"mean": self.baseline_mean, "std": self.baseline_std, "periods": self.window},
                "previous": {"period": self.previous_period, "hostility": self.previous_hostility},
                "verbal_events": self.verbal_events, "new_types": list(self.new_types),
                "evidence": [e.as_dict() for e in self.evidence]}


@dataclass
class AlertReport:
    """Alerts ranked by score, and how they were looked for."""

    by: str
    since: str
    window: int
    settings: AlertSettings
    alerts: list[Alert]

    def as_dict(self) -> dict[str, Any]:
        st = self.settings
        return {"by": self.by, "since": self.since, "window": self.window,
                "settings": {"k": st.k, "min_hostility": st.min_hostility, "sigma_floor": st.sigma_floor,
                             "verbal_types": list(st.verbal_types), "min_verbal_events": st.min_verbal_events,
                             "first_of_type_factor": st.first_factor},
                "alerts": [a.as_dict() | {"summary": a.summary(self.by)} for a in self.alerts]}


# --- the query ----------------------------------------------------------------------

def find_alerts(store: Store, *, version: str, hostility: Hostility, settings: AlertSettings, by: str = "quarter",
                since: str | None = None, limit: int = 20) -> AlertReport:
    """The `limit` strongest alerts of every directed dyad, in periods from `since` (ISO) on.

    Without `since`: the latest `recent` periods of the store (alerts.yaml).
    """
    if by not in PERIODS:
        raise QueryError(f"unknown period {by!r}: use one of {', '.join(PERIODS)}")
    if limit < 1:
        raise QueryError(f"invalid limit {limit}: give a positive number")
    W = settings.window[by]
    cells = _series(store, version=version, hostility=hostility, settings=settings, by=by)
    span = _span(store, cells)
    if span is None:  # no dated event in the store
        return AlertReport(by=by, since=since or "", window=W, settings=settings, alerts=[])
    first, last = span
    # a period needs a whole window of data before it: the store's first periods have no baseline
    start = max(period_of(since, by) if since else last - settings.recent[by] + 1, first + W)
    rows = _candidates(store, cells, settings=settings, by=by, start=start, limit=limit)
    alerts = [_alert(store, row, version=version, hostility=hostility, settings=settings, by=by) for row in rows]
    return AlertReport(by=by, since=period_label(start, by), window=W, settings=settings, alerts=alerts)


def _span(store: Store, series: Any) -> tuple[int, int] | None:
    """The first and the last period of the series (two index look-ups on a kept series)."""
    with store.engine.connect() as conn:
        first = conn.scalar(select(func.min(series.c.p)))
        last = conn.scalar(select(func.max(series.c.p)))
    return None if first is None else (int(first), int(last))


# --- the series: events -> periods -> baseline windows, one SQL statement -------------

def _events(hostility: Hostility, version: str, need: int, extra: list[Any]) -> Any:
    """Events (a, b, t, w, f) of every directed dyad; a FIGHT appears once in each direction."""
    r = s.relations
    when, a, b = r.c["when"], r.c.source_group, r.c.target_group
    symmetric = sorted(SYMMETRIC_TYPES)
    where = [r.c.version == version, r.c.modality.in_(factual(hostility)), func.length(when) >= need, a != b, *extra]
    f = func.max(factor_case(r.c.modality, hostility))
    # grouped in the order of the covering index: no sort
    directed = (select(a.label("a"), b.label("b"), r.c.type.label("t"), when.label("w"), f.label("f"))
                .where(*where, r.c.type.not_in(symmetric)).group_by(a, b, r.c.type, when))
    lo, hi = case((a < b, a), else_=b), case((a < b, b), else_=a)
    fights = (select(lo.label("a"), hi.label("b"), r.c.type.label("t"), when.label("w"), f.label("f"))
              .where(*where, r.c.type.in_(symmetric)).group_by(lo, hi, r.c.type, when).cte("fights"))
    return union_all(
        directed,
        select(fights.c.a, fights.c.b, fights.c.t, fights.c.w, fights.c.f),
        select(fights.c.b, fights.c.a, fights.c.t, fights.c.w, fights.c.f),
    ).subquery("events")


def _firsts(hostility: Hostility, settings: AlertSettings, version: str, by: str, extra: list[Any]) -> Any:
    """Per directed dyad and period: the weight of the types the dyad saw for the first time then.

    The dyad's own first period is among the rows too (with weight 0).
    """
    r = s.relations
    when, a, b = r.c["when"], r.c.source_group, r.c.target_group
    where = [r.c.version == version, r.c.modality.in_(factual(hostility)), func.length(when) >= min_length(by), a != b,
             *extra]
    raw = (select(a.label("a"), b.label("b"), r.c.type.label("t"), func.min(when).label("w"))
           .where(*where).group_by(a, b, r.c.type).cte("first_seen"))
    both = union_all(select(raw.c.a, raw.c.b, raw.c.t, raw.c.w),
                     select(raw.c.b, raw.c.a, raw.c.t, raw.c.w).where(raw.c.t.in_(sorted(SYMMETRIC_TYPES)))
                     ).subquery("first_both")
    per_type = (select(both.c.a, both.c.b, both.c.t, period_index(func.min(both.c.w), by).label("p"))
                .group_by(both.c.a, both.c.b, both.c.t).subquery("first_types"))
    f = per_type.c
    ranked = select(f.a, f.b, f.t, f.p, func.min(f.p).over(partition_by=(f.a, f.b)).label("first")).subquery()
    new = ranked.c.p > ranked.c.first
    return select(ranked.c.a, ranked.c.b, ranked.c.p, literal(0.0).label("x"), literal(0).label("v"),
                  literal(0.0).label("vx"),
                  case((new, func.abs(weight_case(ranked.c.t, hostility)) * settings.first_factor), else_=0.0),
                  case((new, ranked.c.t), else_=None))


def _stats(hostility: Hostility, settings: AlertSettings, version: str, by: str, extra: list[Any]) -> Any:
    """Per directed dyad and period: hostility, verbal conflict, first-seen types, and the window before.

    `extra`: further conditions on the relations read (leaving reposts out).
    """
    e = _events(hostility, version, min_length(by), extra).c
    weighted = weight_case(e.t, hostility) * e.f
    verbal = e.t.in_(settings.verbal_types)
    rows = union_all(
        select(e.a, e.b, period_index(e.w, by).label("p"), weighted.label("x"),
               case((verbal, 1), else_=0).label("v"), case((verbal, weighted), else_=0.0).label("vx"),
               literal(0.0).label("n"), literal(None, String).label("nt")),
        _firsts(hostility, settings, version, by, extra),
    ).subquery("rows")
    u = rows.c
    cells = (select(u.a, u.b, u.p, func.sum(u.x).label("h"), func.sum(u.v).label("v"), func.sum(u.vx).label("vh"),
                    func.sum(u.n).label("new_score"), func.aggregate_strings(u.nt, ",").label("new_types"))
             .group_by(u.a, u.b, u.p).subquery("cells"))
    c = cells.c
    dyad, W = (c.a, c.b), settings.window[by]
    before = {"partition_by": dyad, "order_by": c.p, "range_": (-W, -1)}   # the W preceding periods
    previous = {"partition_by": dyad, "order_by": c.p}
    return select(
        c.a, c.b, c.p, c.h, c.v, c.vh, c.new_score, c.new_types,
        func.coalesce(func.sum(c.h).over(**before), 0.0).label("s1"),
        func.coalesce(func.sum(c.h * c.h).over(**before), 0.0).label("s2"),
        func.coalesce(func.sum(c.v).over(**before), 0).label("sv"),
        func.lag(c.h).over(**previous).label("ph"),
        func.lag(c.p).over(**previous).label("pp"),
    )


# --- the series, kept: rebuilt when the store changed ---------------------------------

def _series(store: Store, *, version: str, hostility: Hostility, settings: AlertSettings, by: str) -> Any:
    """The per-dyad series as a table to select from: `alert_cells` of an up-to-date key.

    Building it reads every relation (seconds on a million); later calls read the
    stored series, until the relations (their count, highest id) or the reposts
    (documents linked as near-duplicates) change. When the store cannot be written
    (read-only, locked), the series is computed inside the query.
    """
    key = _key(version, by, hostility, settings)
    series, cells = s.alert_series, s.alert_cells
    r = s.relations
    extra = originals(store, r.c.doc_id)
    columns = ["key", "source", "target", "p", "h", "v", "vh", "new_score", "new_types", "s1", "s2", "sv", "ph", "pp"]
    try:
        with store.writer.begin() as conn:
            # every version's relations: counting them reads the smallest index (a change of
            # another version rebuilds for nothing, which is rare and harmless)
            count, top = conn.execute(select(func.count(), func.max(r.c.id))).one()
            reposts = conn.scalar(select(func.count()).select_from(s.document_links))
            fingerprint = f"{count}:{top}:{reposts}"
            if conn.scalar(select(series.c.fingerprint).where(series.c.key == key)) != fingerprint:
                stale = select(series.c.key).where(series.c.version == version, series.c.period == by)
                conn.execute(delete(cells).where(cells.c.key.in_(stale)))
                conn.execute(delete(series).where(series.c.key.in_(stale)))
                conn.execute(series.insert().values(key=key, version=version, period=by, fingerprint=fingerprint,
                                                    built_at=_dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)))
                stats = _stats(hostility, settings, version, by, extra).subquery()
                conn.execute(cells.insert().from_select(columns, select(literal(key), *stats.c)))
    except OperationalError:
        live = _stats(hostility, settings, version, by, extra).subquery("stats")
        return select(*(column.label(name) for column, name in zip(live.c, _SERIES))).subquery("series")
    c = cells.c
    return (select(c.source.label("a"), c.target.label("b"), *(c[name] for name in _SERIES[2:]))
            .where(c.key == key).subquery("series"))


_SERIES = ("a", "b", "p", "h", "v", "vh", "new_score", "new_types", "s1", "s2", "sv", "ph", "pp")


def _key(version: str, by: str, hostility: Hostility, settings: AlertSettings) -> str:
    """One key per version, period length and everything the series depends on."""
    data = {"version": version, "by": by, "window": settings.window[by], "verbal": list(settings.verbal_types),
            "first": settings.first_factor, "weights": hostility.weights, "factors": hostility.modality_factors,
            "format": 1}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


# --- ranking --------------------------------------------------------------------------

def _candidates(store: Store, series: Any, *, settings: AlertSettings, by: str, start: int, limit: int) -> list[Any]:
    """The `limit` best-scoring (dyad, period) rows from `start` on, with every rule's squared score."""
    W = settings.window[by]
    st = series.c
    mu = st.s1 / float(W)
    var = st.s2 / float(W) - mu * mu
    floor2 = settings.sigma_floor ** 2
    sig2 = case((var > floor2, var), else_=floor2)
    rise = st.h - mu
    flip = st.p - st.pp <= W
    zero = literal(0.0)
    scored = (
        select(
            st.a, st.b, st.p, st.h, st.v, mu.label("mu"), sig2.label("sig2"), var.label("var"), st.ph, st.pp,
            st.new_types,
            case((and_(st.h >= settings.min_hostility, rise > 0, rise * rise > settings.k ** 2 * sig2),
                  rise * rise / sig2), else_=zero).label("escalation"),
            case((and_(flip, st.ph < 0, st.h > 0), (st.h - st.ph) * (st.h - st.ph) / sig2), else_=zero)
            .label("cooperation_to_conflict"),
            case((and_(flip, st.ph > 0, st.h < 0), (st.h - st.ph) * (st.h - st.ph) / sig2), else_=zero)
            .label("conflict_to_cooperation"),
            case((and_(st.v >= settings.min_verbal_events, st.sv == 0), st.vh * st.vh / sig2), else_=zero)
            .label("denunciation_after_silence"),
            (st.new_score * st.new_score / sig2).label("first_of_type"),
        )
        # pp is the dyad's previous period: none means this is its first period ever
        .where(st.p >= start, st.pp.is_not(None))
        .subquery("scored")
    )
    k = scored.c
    best = _Greatest(*(k[kind] for kind in KINDS))
    query = (select(k.a, k.b, k.p, k.h, k.v, k.mu, k.sig2, k.var, k.ph, k.pp, k.new_types,
                    *(k[kind] for kind in KINDS), best.label("best"))
             .where(best > 0).order_by(best.desc(), k.a, k.b, k.p).limit(limit))
    with store.engine.connect() as conn:
        return conn.execute(query).all()


class _Greatest(FunctionElement):
    """The largest of its arguments: GREATEST(...), or SQLite's many-argument max(...)."""

    type = Float()
    name = "greatest"
    inherit_cache = True


@compiles(_Greatest)
def _greatest_default(element: Any, compiler: Any, **kw: Any) -> str:
    return f"greatest({compiler.process(element.clauses, **kw)})"


@compiles(_Greatest, "sqlite")
def _greatest_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


def _alert(store: Store, row: Any, *, version: str, hostility: Hostility, settings: AlertSettings, by: str) -> Alert:
    kinds = tuple(kind for kind in KINDS if getattr(row, kind) > 0)
    new_types = tuple(sorted(t for t in (row.new_types or "").split(",") if t)) if "first_of_type" in kinds else ()
    flip = "cooperation_to_conflict" in kinds or "conflict_to_cooperation" in kinds
    evidence = _cite(store, row.a, row.b, row.p, kinds, new_types, version=version, hostility=hostility,
                     settings=settings, by=by)
    return Alert(
        source=row.a, target=row.b, period=period_label(row.p, by), score=round(math.sqrt(row.best), 3),
        kinds=kinds, hostility=round(row.h, 3), baseline_mean=round(row.mu, 3),
        baseline_std=round(math.sqrt(max(row.var, 0.0)), 3), window=settings.window[by],
        previous_period=period_label(row.pp, by) if flip else None,
        previous_hostility=round(row.ph, 3) if flip else None,
        verbal_events=int(row.v), new_types=new_types, evidence=evidence)


def _cite(store: Store, a: str, b: str, p: int, kinds: tuple[str, ...], new_types: tuple[str, ...], *,
          version: str, hostility: Hostility, settings: AlertSettings, by: str) -> tuple[CitedEvent, ...]:
    """The events of the dyad's period that drove the alert, strongest first, with every report."""
    r = s.relations
    when = r.c["when"]
    start, end = period_bounds(p, by)
    symmetric = sorted(SYMMETRIC_TYPES)
    query = (select(r.c.id, r.c.doc_id, r.c.type, when.label("when"), r.c.modality, r.c.evidence_text)
             .where(r.c.version == version, r.c.modality.in_(factual(hostility)), *originals(store, r.c.doc_id),
                    func.length(when) >= min_length(by), when >= start, when < end,
                    or_(and_(r.c.source_group == a, r.c.target_group == b),
                        and_(r.c.source_group == b, r.c.target_group == a, r.c.type.in_(symmetric))))
             .order_by(r.c.id))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    events: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        events.setdefault((row.type, row.when), []).append(row)
    factors = hostility.modality_factors

    def wanted(rtype: str, value: float) -> bool:
        return ((value > 0 and ("escalation" in kinds or "cooperation_to_conflict" in kinds))
                or (value < 0 and "conflict_to_cooperation" in kinds)
                or (rtype in settings.verbal_types and "denunciation_after_silence" in kinds)
                or rtype in new_types)

    cited = []
    for (rtype, when_), reports in events.items():
        modality = max((x.modality for x in reports), key=lambda m: factors.get(m, 0.0))
        value = round(hostility.weights.get(rtype, 0.0) * factors.get(modality, 0.0), 6)
        if wanted(rtype, value):
            cited.append(CitedEvent(type=rtype, when=when_, modality=modality, hostility=value,
                                    reports=tuple((x.id, x.doc_id, " ".join(x.evidence_text.split()))
                                                  for x in reports)))
    cited.sort(key=lambda e: (e.type not in new_types, -abs(e.hostility), e.when, e.type))
    return tuple(cited[:settings.cite])
