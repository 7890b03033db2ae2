"""Where: relations aggregated by province and country, geocoded offline.

Each relation's stored `location` (the place text spaCy found in its sentence)
is geocoded at query time with the bundled gazetteer (`knowledge/gazetteer.py`),
once per distinct string. Only factual relations (asserted, alleged) count;
hostility is the sum of `hostility.yaml` weights times modality factors. A place
known only to the country is counted on a row of its own ("(country level)").
Place strings the gazetteer cannot resolve are listed apart with their counts.

Example:
    report = places(store, version="v1", hostility=Hostility.from_knowledge(kb.hostility))
    [(row.country, row.province, row.relations) for row in report.provinces]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import select

from ..knowledge.gazetteer import Place, geocode, load_gazetteer
from ..models import FACTUAL_MODALITIES
from ..store import Store
from ..store import schema as s
from .hostility import Hostility
from .record_queries import actor_ids, counted, in_window
from ..store.links import canonical_only  # reposts are not counted again

__all__ = ["PlaceCache", "AreaCount", "PlacesReport", "places"]


class PlaceCache:
    """`geocode` with a cache per distinct place string (a report geocodes each string once)."""

    def __init__(self, resolve: Callable[[str], Place | None] = geocode) -> None:
        self._resolve = resolve
        self._cache: dict[str, Place | None] = {}

    def __call__(self, text: str | None) -> Place | None:
        if not text:
            return None
        if text not in self._cache:
            self._cache[text] = self._resolve(text)
        return self._cache[text]

    @property
    def lookups(self) -> int:
        """How many distinct strings were geocoded."""
        return len(self._cache)


@dataclass
class AreaCount:
    """Relations placed in one province (or, with `province` None, known only to the country)."""

    country: str
    province: str | None
    relations: int = 0
    hostility: float = 0.0
    types: dict[str, int] = field(default_factory=dict)
    places: dict[str, int] = field(default_factory=dict)      # place strings as written -> relations
    documents: set[str] = field(default_factory=set)
    lat: float | None = None
    lon: float | None = None

    def add(self, rtype: str, location: str, doc_id: str, score: float) -> None:
        self.relations += 1
        self.hostility += score
        self.types[rtype] = self.types.get(rtype, 0) + 1
        self.places[location] = self.places.get(location, 0) + 1
        self.documents.add(doc_id)

    def as_dict(self) -> dict[str, Any]:
        return {"country": self.country, "province": self.province, "relations": self.relations,
                "hostility": round(self.hostility, 3), "types": dict(sorted(self.types.items())),
                "places": dict(sorted(self.places.items(), key=lambda kv: (-kv[1], kv[0]))),
                "documents": len(self.documents), "lat": self.lat, "lon": self.lon}


@dataclass
class PlacesReport:
    """Relations by province and by country; unresolved place strings; relations with no place."""

    provinces: list[AreaCount]
    countries: list[AreaCount]
    unresolved: dict[str, int]
    unlocated: int
    relations: int                 # factual relations in the window (placed or not)
    actor: str | None = None
    since: str | None = None
    until: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "since": self.since, "until": self.until, "relations": self.relations,
                "provinces": [a.as_dict() for a in self.provinces],
                "countries": [a.as_dict() for a in self.countries],
                "unresolved": dict(self.unresolved), "unlocated": self.unlocated}


def places(
    store: Store, *, version: str, hostility: Hostility, actor: str | None = None, since: str | None = None,
    until: str | None = None, geocoder: PlaceCache | None = None,
) -> PlacesReport:
    """Aggregate the factual relations of `version` by province and country.

    `actor` (an id or alias) keeps relations whose source or target is that actor,
    or rolls up to it; `since`/`until` are ISO prefixes applied to each relation's
    date, else its document's publication date.
    """
    geo = geocoder or PlaceCache()
    ids = actor_ids(store, actor)
    r = s.relations
    query = (select(r.c.doc_id, r.c.type, r.c.modality, r.c.location, r.c.source, r.c.target,
                    r.c.source_group, r.c.target_group, r.c["when"])
             .where(r.c.version == version, canonical_only(r.c.doc_id), r.c.modality.in_(sorted(FACTUAL_MODALITIES))))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    by_area: dict[tuple[str, str | None], AreaCount] = {}
    by_country: dict[str, AreaCount] = {}
    unresolved: list[str] = []
    total = unlocated = 0
    for row in rows:
        if not in_window(row.when, since, until):
            continue
        if ids is not None and not ids & {row.source, row.target, row.source_group, row.target_group}:
            continue
        total += 1
        if not row.location:
            unlocated += 1
            continue
        place = geo(row.location)
        if place is None:
            unresolved.append(row.location)
            continue
        score = hostility.score(row.type, row.modality)
        area = by_area.setdefault((place.country, place.province), AreaCount(place.country, place.province))
        area.add(row.type, row.location, row.doc_id, score)
        country = by_country.setdefault(place.country, AreaCount(place.country, None))
        country.add(row.type, row.location, row.doc_id, score)
    _fill_points(list(by_area.values()) + list(by_country.values()))
    order = lambda a: (-a.relations, a.country, a.province or "")  # noqa: E731
    return PlacesReport(
        provinces=sorted(by_area.values(), key=order), countries=sorted(by_country.values(), key=order),
        unresolved=counted(unresolved), unlocated=unlocated, relations=total, actor=actor, since=since, until=until,
    )


def _fill_points(areas: list[AreaCount]) -> None:
    """Each province's and country's own point (a rough centroid) from the gazetteer."""
    gazetteer = load_gazetteer()
    for area in areas:
        place = gazetteer.area(area.country, area.province)
        if place is not None:
            area.lat, area.lon = place.lat, place.lon
