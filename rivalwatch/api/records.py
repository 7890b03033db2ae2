"""`Workspace` methods over claims, defections, media releases and places.

They live in this mixin so `workspace.py` stays small; `Workspace` inherits them,
and each validates its arguments and calls one function of `rivalwatch.analysis`.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .params import iso_date as _date
from ..analysis.claims import ClaimsReport, claims as _claims
from ..analysis.defections import BY, DefectionsReport, defections as _defections
from ..analysis.hostility import Hostility
from ..analysis.media import MediaReport, media as _media
from ..analysis.places import PlacesReport, places as _places
from ..analysis.record_queries import PERIODS
from ..errors import QueryError
from ..export.sankey import CHART_SUFFIXES, sankey_html, sankey_svg

if TYPE_CHECKING:
    from ..knowledge.load import KnowledgeBase
    from ..store import Store

__all__ = ["RecordsMixin", "ClaimsReport", "DefectionsReport", "MediaReport", "PlacesReport"]




def _period(value: str, allowed: tuple[str, ...]) -> str:
    normal = value.strip().lower()
    if normal not in allowed:
        raise QueryError(f"unknown period {value!r}: use one of {', '.join(allowed)}")
    return normal


class RecordsMixin:
    """Claims, defections, media and places queries (mixed into `Workspace`)."""

    store: "Store"
    version: str
    knowledge: "KnowledgeBase"

    def claims(self, *, actor: str | None = None, since: str | None = None, until: str | None = None,
               tolerance_days: int = 1) -> ClaimsReport:
        """Claims of responsibility, each with its sentence and document, and competing claims.

        Two groups claiming attacks within `tolerance_days` of each other, at the
        same place when both name one, are a competing claim (see
        `rivalwatch.analysis.claims` for how month-precise claims match).

        Example:
            [c.groups for c in ws.claims(since="2024", tolerance_days=1).competing]
        """
        if tolerance_days < 0:
            raise QueryError(f"invalid tolerance {tolerance_days}: give 0 or more days")
        return _claims(self.store, version=self.version, actor=actor, since=_date(since, "since"),
                       until=_date(until, "until"), tolerance_days=tolerance_days)

    def defections(self, *, by: str = "year", since: str | None = None, until: str | None = None,
                   chart: str | Path | None = None) -> DefectionsReport:
        """DEFECT flows from group to group per year or quarter, events de-duplicated across documents.

        With `chart` (a .svg or .html path) a Sankey-style chart is written there too.

        Example:
            ws.defections(by="quarter", since="2023", chart="flows.svg").flows
        """
        path = Path(chart) if chart is not None else None
        if path is not None and path.suffix.lower() not in CHART_SUFFIXES:
            raise QueryError(f"cannot write chart {path}: name a {' or '.join(CHART_SUFFIXES)} file")
        report = _defections(self.store, version=self.version, by=_period(by, BY), since=_date(since, "since"),
                             until=_date(until, "until"))
        if path is not None:
            window = f" {report.since or '...'} to {report.until or '...'}" if report.since or report.until else ""
            title = f"Defections by {report.by}{window}"
            text = (sankey_html if path.suffix.lower() == ".html" else sankey_svg)(report.flows, title=title)
            try:
                path.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise QueryError(f"cannot write chart {path}: {exc.strerror or exc}") from exc
            report.chart = str(path)
        return report

    def media(self, *, outlet: str | None = None, by: str = "month", since: str | None = None,
              until: str | None = None) -> MediaReport:
        """Media releases counted per outlet, period, format and language.

        Example:
            ws.media(outlet="Al-Azaim", by="month").as_dict()["by_language"]
        """
        return _media(self.store, version=self.version, outlet=outlet, by=_period(by, PERIODS),
                      since=_date(since, "since"), until=_date(until, "until"))

    def places(self, *, actor: str | None = None, since: str | None = None, until: str | None = None) -> PlacesReport:
        """Factual relations by province and country, place strings geocoded offline; unresolved ones listed.

        Example:
            [(a.country, a.province, a.relations) for a in ws.places(actor="ISKP").provinces]
        """
        return _places(self.store, version=self.version, hostility=Hostility.from_knowledge(self.knowledge.hostility),
                       actor=actor, since=_date(since, "since"), until=_date(until, "until"))
