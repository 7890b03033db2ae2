"""Who claims what: claims of responsibility and competing claims.

A claim's date is the date its sentence gives, else its document's publication
date (`when`). Two claims by different groups (persons and outlets rolled up to
their group) are a *competing claim* when they can be the same attack:

* **Same day, within a tolerance.** Both dates are taken as intervals: a day is
  itself, a month runs from its first to its last day. Two claims match when the
  gap between their intervals is at most `tolerance_days`. So a claim known only
  to the month ("in July 2024") matches every claim dated inside that month
  (widened by the tolerance) and every other claim of that month; such an
  incident is marked `precision: "month"` because it may be two attacks. Claims
  known only to the year, or undated, are listed but never matched.
* **Same place, when known.** When both claims name a place, the place texts
  must be equal (case and diacritics folded) or, geocoded with the gazetteer, one
  must lie within the other (country > province > district or city; two different
  towns never match). A claim without a place matches any place.

Only factual claims (asserted, alleged) are matched. Claims are gathered into
incidents greedily, day-precise claims first and in time order: a claim joins
the first incident whose every claim it matches, so one vague claim cannot chain
two different attacks together.

Example:
    report = claims(store, version="v1", tolerance_days=1)
    [(c.groups, c.when) for c in report.competing]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..knowledge.gazetteer import KINDS, Place, fold
from ..models import FACTUAL_MODALITIES, Evidence
from ..store import Store
from ..store import schema as s
from .places import PlaceCache
from .record_queries import Cited, actor_ids, bounds, cited, in_window, precision, rollup
from ..store.links import canonical_only  # reposts are not counted again

__all__ = ["ClaimRecord", "CompetingClaim", "ClaimsReport", "claims", "same_attack"]


@dataclass(frozen=True)
class ClaimRecord:
    """One stored claim, its group, its date (or its document's) and where it was geocoded."""

    id: int
    actor: str                 # as written
    group: str                 # rolled up to the group
    date: str | None           # as the sentence gives it
    when: str | None           # date, else the document's publication date
    location: str | None
    place: Place | None
    modality: str
    cited: Cited

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "actor": self.actor, "group": self.group, "date": self.date, "when": self.when,
                "precision": precision(self.when), "location": self.location,
                "place": self.place.as_dict() if self.place else None, "modality": self.modality,
                "evidence": self.cited.as_dict()}


@dataclass(frozen=True)
class CompetingClaim:
    """Two or more groups claiming what can be the same attack."""

    groups: tuple[str, ...]
    when: str                  # the most precise date of its claims
    precision: str             # 'day' when every claim gives the day, else 'month'
    location: str | None       # the most specific place its claims name
    place: Place | None
    claims: tuple[ClaimRecord, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"groups": list(self.groups), "when": self.when, "precision": self.precision,
                "location": self.location, "place": self.place.as_dict() if self.place else None,
                "claims": [c.as_dict() for c in self.claims]}


@dataclass
class ClaimsReport:
    """Claims in the window (of one actor, if given) and the competing claims among all groups."""

    claims: list[ClaimRecord]
    competing: list[CompetingClaim]
    tolerance_days: int
    actor: str | None = None
    since: str | None = None
    until: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "since": self.since, "until": self.until, "tolerance_days": self.tolerance_days,
                "claims": [c.as_dict() for c in self.claims], "competing": [c.as_dict() for c in self.competing]}


def _same_place(a: ClaimRecord, b: ClaimRecord) -> bool:
    if not a.location or not b.location or fold(a.location) == fold(b.location):
        return True
    if a.place is None or b.place is None:
        return False
    return a.place.contains(b.place) or b.place.contains(a.place)


def same_attack(a: ClaimRecord, b: ClaimRecord, tolerance_days: int) -> bool:
    """True when two claims can be of one attack: dates within the tolerance, places compatible."""
    if precision(a.when) not in ("day", "month") or precision(b.when) not in ("day", "month"):
        return False
    (a_first, a_last), (b_first, b_last) = bounds(a.when or ""), bounds(b.when or "")
    gap = max((b_first - a_last).days, (a_first - b_last).days, 0)
    return gap <= tolerance_days and _same_place(a, b)


def _incidents(records: list[ClaimRecord], tolerance_days: int) -> list[list[ClaimRecord]]:
    matchable = [c for c in records if c.modality in FACTUAL_MODALITIES and precision(c.when) in ("day", "month")]
    matchable.sort(key=lambda c: (precision(c.when) != "day", c.when, c.cited.evidence.doc_id, c.id))
    incidents: list[list[ClaimRecord]] = []
    for claim in matchable:
        home = next((i for i in incidents if all(same_attack(claim, other, tolerance_days) for other in i)), None)
        if home is None:
            incidents.append([claim])
        else:
            home.append(claim)
    return incidents


def _competing(incident: list[ClaimRecord]) -> CompetingClaim:
    groups = tuple(dict.fromkeys(sorted(c.group for c in incident)))
    days = sorted(c.when for c in incident if precision(c.when) == "day")
    when = days[0] if days else min(c.when or "" for c in incident)
    placed = [c for c in incident if c.place is not None]
    placed.sort(key=lambda c: -KINDS.index(c.place.kind))  # type: ignore[union-attr]
    named = placed[0] if placed else next((c for c in incident if c.location), None)
    ordered = sorted(incident, key=lambda c: (c.when or "", c.group, c.cited.evidence.doc_id, c.id))
    return CompetingClaim(groups=groups, when=when, precision="day" if len(days) == len(incident) else "month",
                          location=named.location if named else None, place=named.place if named else None,
                          claims=tuple(ordered))


def claims(
    store: Store, *, version: str, actor: str | None = None, since: str | None = None, until: str | None = None,
    tolerance_days: int = 1, geocoder: PlaceCache | None = None,
) -> ClaimsReport:
    """Claims of responsibility of `version`, and competing claims among them.

    `actor` keeps the claims of that actor (or of the persons and outlets that roll
    up to it) and the competing claims it takes part in; competing claims are
    found among every group's claims in the window.
    """
    geo = geocoder or PlaceCache()
    ids = actor_ids(store, actor)
    groups = rollup(store)
    c = s.claims
    with store.engine.connect() as conn:
        rows = conn.execute(select(c).where(c.c.version == version, canonical_only(c.c.doc_id))).all()
    docs = cited(store, rows)
    records = []
    for row in rows:
        title, source, published = docs[row.doc_id]
        when = row.date or published
        if not in_window(when, since, until):
            continue
        evidence = Evidence(doc_id=row.doc_id, text=row.evidence_text, start=row.evidence_start, end=row.evidence_end)
        records.append(ClaimRecord(
            id=row.id, actor=row.actor, group=groups.get(row.actor, row.actor), date=row.date, when=when,
            location=row.location, place=geo(row.location), modality=row.modality,
            cited=Cited(evidence=evidence, doc_title=title, doc_source=source, published=published)))
    records.sort(key=lambda r: (r.when is None, r.when or "", r.cited.evidence.doc_id, r.cited.evidence.start, r.id))
    competing = [_competing(i) for i in _incidents(records, tolerance_days) if len({r.group for r in i}) > 1]
    if ids is not None:
        records = [r for r in records if r.actor in ids or r.group in ids]
        competing = [i for i in competing if any(r.actor in ids or r.group in ids for r in i.claims)]
    competing.sort(key=lambda i: (i.when, i.groups))
    return ClaimsReport(claims=records, competing=competing, tolerance_days=tolerance_days, actor=actor,
                        since=since, until=until)
