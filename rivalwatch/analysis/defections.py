"""Where fighters go: DEFECT flows between groups, per period.

A defection *event* is one (source group, target group, when): the relation's
group-level ends (persons and outlets rolled up) and its date, else its
document's publication date. The same event reported by several documents, or
twice in one, counts once and cites every sentence. Only factual relations
(asserted, alleged) count, and a move within one group is not a flow.

A flow is the events from one group to another in one period (`by`: year or
quarter; an event dated only to the year sits in that year's own period, after
its quarters; undated events in period None, dropped by a date window).

Example:
    report = defections(store, version="v1", by="year")
    [(f.period, f.source, f.target, f.events) for f in report.flows]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..models import DEFECTION_PERIODS, FACTUAL_MODALITIES, Evidence
from ..store import Store
from ..store import schema as s
from .record_queries import Cited, cited, in_window, period_key, period_of
from ..store.links import canonical_only  # reposts are not counted again

__all__ = ["DefectionEvent", "Flow", "DefectionsReport", "defections", "BY"]

BY = DEFECTION_PERIODS


@dataclass
class DefectionEvent:
    """One defection: from `source` to `target` at `when`, with every sentence that reports it."""

    source: str
    target: str
    when: str | None
    period: str | None
    modality: str                      # 'asserted' when any report asserts it, else 'alleged'
    evidence: list[Cited] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        return sorted({c.evidence.doc_id for c in self.evidence})

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "when": self.when, "period": self.period,
                "modality": self.modality, "documents": self.documents,
                "evidence": [c.as_dict() for c in self.evidence]}


@dataclass(frozen=True)
class Flow:
    """Defection events from one group to another in one period."""

    period: str | None
    source: str
    target: str
    events: int
    documents: int
    reports: int                       # relations behind the events (before de-duplication)

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.period, "source": self.source, "target": self.target, "events": self.events,
                "documents": self.documents, "reports": self.reports}


@dataclass
class DefectionsReport:
    """Flows per period, the de-duplicated events behind them, and where a chart was written."""

    by: str
    flows: list[Flow]
    events: list[DefectionEvent]
    since: str | None = None
    until: str | None = None
    chart: str | None = None

    @property
    def periods(self) -> list[str | None]:
        return list(dict.fromkeys(f.period for f in self.flows))

    def as_dict(self) -> dict[str, Any]:
        return {"by": self.by, "since": self.since, "until": self.until, "chart": self.chart,
                "flows": [f.as_dict() for f in self.flows], "events": [e.as_dict() for e in self.events]}


def defections(store: Store, *, version: str, by: str = "year", since: str | None = None,
               until: str | None = None) -> DefectionsReport:
    """Group-to-group DEFECT flows of `version` per period, events de-duplicated across documents."""
    r = s.relations
    query = (select(r).where(r.c.version == version, canonical_only(r.c.doc_id), r.c.type == "DEFECT",
                             r.c.modality.in_(sorted(FACTUAL_MODALITIES)))
             .order_by(r.c["when"].asc().nulls_last(), r.c.doc_id, r.c.evidence_start, r.c.id))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    docs = cited(store, rows)
    events: dict[tuple[str, str, str | None], DefectionEvent] = {}
    for row in rows:
        if row.source_group == row.target_group or not in_window(row.when, since, until):
            continue
        key = (row.source_group, row.target_group, row.when)
        event = events.setdefault(key, DefectionEvent(source=key[0], target=key[1], when=key[2],
                                                      period=period_of(row.when, by), modality=row.modality))
        if row.modality == "asserted":
            event.modality = "asserted"
        title, source, published = docs[row.doc_id]
        evidence = Evidence(doc_id=row.doc_id, text=row.evidence_text, start=row.evidence_start, end=row.evidence_end)
        event.evidence.append(Cited(evidence=evidence, doc_title=title, doc_source=source, published=published))
    grouped: dict[tuple[str | None, str, str], list[DefectionEvent]] = {}
    for event in events.values():
        grouped.setdefault((event.period, event.source, event.target), []).append(event)
    flows = [
        Flow(period=period, source=source, target=target, events=len(found),
             documents=len({d for e in found for d in e.documents}), reports=sum(len(e.evidence) for e in found))
        for (period, source, target), found in grouped.items()
    ]
    flows.sort(key=lambda f: (period_key(f.period), -f.events, f.source, f.target))
    ordered = sorted(events.values(), key=lambda e: (period_key(e.period), e.when or "", e.source, e.target))
    return DefectionsReport(by=by, flows=flows, events=ordered, since=since, until=until)
