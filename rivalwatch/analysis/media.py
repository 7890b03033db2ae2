"""Who is talking, in which language: media releases (PUBLISH records) per outlet.

A release's date is the one its sentence gives, else its document's publication
date; its period is that date's month (or quarter or year, `by`). A release
dated only to the year counts in that year's own period. Format and language are
what the extractor read off the sentence ("a 40-minute audio in Pashto"); a
release that names none is counted under "unknown".

Example:
    report = media(store, version="v1", by="month")
    [(row.outlet, row.period, row.format, row.language, row.releases) for row in report.rows]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..models import Evidence
from ..store import Store
from ..store import schema as s
from .record_queries import Cited, actor_ids, cited, counted, in_window, period_key, period_of, rollup
from ..store.links import canonical_only  # reposts are not counted again
from ..store.telegram import TELEGRAM_VERSION  # channel releases are stored under their own version

__all__ = ["Release", "MediaRow", "MediaReport", "media", "UNKNOWN"]

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Release:
    """One media release with its outlet, the group the outlet belongs to, and its sentence."""

    outlet: str
    group: str
    format: str
    language: str
    length: str | None
    title: str | None
    date: str | None
    when: str | None
    period: str | None
    cited: Cited

    def as_dict(self) -> dict[str, Any]:
        return {"outlet": self.outlet, "group": self.group, "format": self.format, "language": self.language,
                "length": self.length, "title": self.title, "date": self.date, "when": self.when,
                "period": self.period, "evidence": self.cited.as_dict()}


@dataclass(frozen=True)
class MediaRow:
    """Releases of one outlet in one period, format and language."""

    outlet: str
    group: str
    period: str | None
    format: str
    language: str
    releases: int

    def as_dict(self) -> dict[str, Any]:
        return {"outlet": self.outlet, "group": self.group, "period": self.period, "format": self.format,
                "language": self.language, "releases": self.releases}


@dataclass
class MediaReport:
    """Release counts per (outlet, period, format, language), totals, and the releases themselves."""

    by: str
    rows: list[MediaRow]
    releases: list[Release]
    outlet: str | None = None
    since: str | None = None
    until: str | None = None

    def totals(self, what: str) -> dict[str, int]:
        """Releases per outlet, group, format, language or period, most first."""
        return counted([str(getattr(r, what)) for r in self.releases])

    def as_dict(self) -> dict[str, Any]:
        return {"by": self.by, "outlet": self.outlet, "since": self.since, "until": self.until,
                "rows": [r.as_dict() for r in self.rows],
                "by_outlet": self.totals("outlet"), "by_language": self.totals("language"),
                "by_format": self.totals("format"), "by_period": self.totals("period"),
                "releases": [r.as_dict() for r in self.releases]}


def media(store: Store, *, version: str, outlet: str | None = None, by: str = "month", since: str | None = None,
          until: str | None = None) -> MediaReport:
    """Media releases of `version` counted per outlet, period, format and language.

    `outlet` (an id or alias) keeps that outlet's releases; a group keeps the
    releases of every outlet that belongs to it and its own.
    """
    ids = actor_ids(store, outlet)
    groups = rollup(store)
    p = s.publications
    with store.engine.connect() as conn:
        rows = conn.execute(select(p).where(p.c.version.in_([version, TELEGRAM_VERSION]), canonical_only(p.c.doc_id))).all()
    docs = cited(store, rows)
    releases = []
    for row in rows:
        group = groups.get(row.outlet, row.outlet)
        if ids is not None and row.outlet not in ids and group not in ids:
            continue
        title, source, published = docs[row.doc_id]
        when = row.date or published
        if not in_window(when, since, until):
            continue
        evidence = Evidence(doc_id=row.doc_id, text=row.evidence_text, start=row.evidence_start, end=row.evidence_end)
        releases.append(Release(
            outlet=row.outlet, group=group, format=row.format or UNKNOWN, language=row.language or UNKNOWN,
            length=row.length, title=row.title, date=row.date, when=when, period=period_of(when, by),
            cited=Cited(evidence=evidence, doc_title=title, doc_source=source, published=published)))
    releases.sort(key=lambda r: (period_key(r.period), r.when or "", r.outlet, r.cited.evidence.doc_id,
                                 r.cited.evidence.start))
    counts: dict[tuple[str, str, str | None, str, str], int] = {}
    for r in releases:
        key = (r.outlet, r.group, r.period, r.format, r.language)
        counts[key] = counts.get(key, 0) + 1
    table = [MediaRow(outlet=o, group=g, period=per, format=f, language=lang, releases=n)
             for (o, g, per, f, lang), n in counts.items()]
    table.sort(key=lambda m: (m.outlet, period_key(m.period), -m.releases, m.format, m.language))
    return MediaReport(by=by, rows=table, releases=releases, outlet=outlet, since=since, until=until)
