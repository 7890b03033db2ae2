"""Offline geocoding: place text -> country, province and point, from `gazetteer.csv`.

The gazetteer is built once by `scripts/build_gazetteer.py` from GeoNames data
(CC BY 4.0, see SOURCES.md) and pycountry, plus our own alternative spellings;
nothing is fetched at run time. Lookups fold case, diacritics, apostrophes and
hyphens ("Nangarhār", "nangarhar", "Sar-e-Pul" = "Sar e Pul"), then peel off
articles, directions and kind words (`place_words.yaml`): "the Kunar province"
is the province of Kunar, "eastern Afghanistan" the country.

Which entry wins when a name has several: a primary name over an alternative
one, the kind the text asks for ("Kandahar city"), a country, a place in a
theatre country (those the file lists first: "Gaza" is in Palestine, not the
Mozambican province), then province > district > city, then the order of the
file (bigger cities first). A city or district of the same name inside the chosen province
is then preferred, being more precise ("Kabul" is the city, in Kabul province).

Example:
    geocode("Nangrahar")   # Place(name='Nangarhar', kind='province', country='AFG', province='Nangarhar', ...)
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import KnowledgeError

__all__ = ["Place", "Gazetteer", "KINDS", "fold", "load_gazetteer", "geocode"]

HERE = Path(__file__).parent
GAZETTEER_FILE = HERE / "gazetteer.csv"
PLACE_WORDS_FILE = HERE / "place_words.yaml"
COLUMNS = ("name", "alt_names", "kind", "country", "admin1", "lat", "lon", "population")
KINDS = ("country", "province", "district", "city")
_DROP = re.compile(r"[\u2019\u2018'`\u02bb\u02bc\u02be\u02bf\u00b4]")
_SPACE = re.compile(r"[\s\-\u2010-\u2015_./,;:()]+")


def fold(text: str) -> str:
    """Lower case without diacritics, apostrophes or hyphens, spaces collapsed: 'Sar-e Pōl' -> 'sar e pol'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACE.sub(" ", _DROP.sub("", bare.casefold())).strip()


@dataclass(frozen=True)
class Place:
    """A geocoded place: `country` is ISO 3166-1 alpha-3, `province` the admin1 name (None for a country)."""

    name: str
    kind: str
    country: str
    province: str | None
    lat: float | None
    lon: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "country": self.country, "province": self.province,
                "lat": self.lat, "lon": self.lon}

    def contains(self, other: "Place") -> bool:
        """True when `other` is this place or lies inside it (country > province > district/city)."""
        if self.country != other.country:
            return False
        if self.kind == "country":
            return True
        if self.province != other.province:
            return False
        if self.kind == "province":
            return True
        return self.kind == other.kind and self.name == other.name


def _float(value: str) -> float | None:
    return float(value) if value else None


class Gazetteer:
    """Places by folded name and alternative name; `lookup` resolves a place string."""

    def __init__(self, rows: list[dict[str, str]], words: dict[str, Any], *, source: str = "gazetteer") -> None:
        self.places: list[Place] = []
        self._index: dict[str, list[tuple[int, int]]] = {}  # folded name -> [(place index, 0 primary / 1 alt)]
        for number, row in enumerate(rows, 2):
            if row.get("kind") not in KINDS or not row.get("name") or not row.get("country"):
                raise KnowledgeError(f"{source}: line {number} needs a name, a country and a kind in {', '.join(KINDS)}")
            try:
                place = Place(name=row["name"], kind=row["kind"], country=row["country"],
                              province=row.get("admin1") or None, lat=_float(row.get("lat", "")),
                              lon=_float(row.get("lon", "")))
            except ValueError as exc:
                raise KnowledgeError(f"{source}: line {number} has a bad coordinate ({exc})") from exc
            index = len(self.places)
            self.places.append(place)
            names = [(row["name"], 0)] + [(alt, 1) for alt in (row.get("alt_names") or "").split("|") if alt]
            seen: set[str] = set()
            for name, quality in names:
                key = fold(name)
                if key and key not in seen:
                    seen.add(key)
                    self._index.setdefault(key, []).append((index, quality))
        self._areas = {(p.country, p.province if p.kind == "province" else None): p
                       for p in reversed(self.places) if p.kind in ("country", "province")}
        # Countries rank by where their first province or town stands in the file: theatres come first.
        self._country_rank: dict[str, int] = {}
        for index, place in enumerate(self.places):
            if place.kind != "country":
                self._country_rank.setdefault(place.country, index)
        self.articles = tuple(fold(w) + " " for w in words.get("articles", []))
        self.directions = tuple(sorted((fold(w) + " " for w in words.get("directions", [])), key=len, reverse=True))
        kind_words = [(fold(w), kind) for kind, ws in words.get("kind_words", {}).items() for w in ws]
        self.kind_words = sorted(((" " + w, kind) for w, kind in kind_words), key=lambda item: len(item[0]), reverse=True)
        self.kind_prefixes = sorted(((w + " of ", kind) for w, kind in kind_words), key=lambda item: len(item[0]), reverse=True)
        self.not_places = frozenset(fold(w) for w in words.get("not_places", []))

    def area(self, country: str, province: str | None = None) -> Place | None:
        """The entry of a country (ISO alpha-3) or of one of its provinces, by its gazetteer name."""
        return self._areas.get((country, province))

    def lookup(self, text: str) -> Place | None:
        """The place `text` names, or None. "Khar, Bajaur" tries each part, most specific first."""
        if not text or not text.strip():
            return None
        whole = fold(text)
        place = self._resolve(whole)
        if place is None and "," in text:
            for part in text.split(","):
                place = self._resolve(fold(part))
                if place is not None:
                    break
        return place

    def _variants(self, key: str) -> list[tuple[str, str | None]]:
        """(name, kind asked for) to try, in order: as given, then with the extra words peeled off."""
        out: list[tuple[str, str | None]] = [(key, None)]
        for article in self.articles:
            if key.startswith(article):
                key = key[len(article):]
                out.append((key, None))
        for prefix, kind in self.kind_prefixes:  # "province of Nangarhar"
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix):]
                out.append((key, kind))
                break
        else:
            for suffix, kind in self.kind_words:  # "Nangarhar province"
                if key.endswith(suffix) and len(key) > len(suffix):
                    key = key[: -len(suffix)].strip()
                    out.append((key, kind))
                    break
        kind = out[-1][1]
        for direction in self.directions:
            if key.startswith(direction):
                out.append((key[len(direction):], kind))
                break
        return out

    def _resolve(self, key: str) -> Place | None:
        for name, kind in self._variants(key):
            if name in self.not_places:
                return None
            found = self._index.get(name)
            if found:
                return self._best(found, kind)
        return None

    def _best(self, found: list[tuple[int, int]], kind: str | None) -> Place:
        def rank(item: tuple[int, ...]) -> tuple[int, ...]:
            index, quality = item
            place = self.places[index]
            return (quality, 0 if kind is None or place.kind == kind else 1, 0 if place.kind == "country" else 1,
                    self._country_rank.get(place.country, index), KINDS.index(place.kind), index)

        best = self.places[min(found, key=rank)[0]]
        if best.kind in ("province", "district") and kind in (None, "city", "district"):
            inner = [self.places[i] for i, _ in sorted(found, key=rank)
                     if self.places[i].kind in ("district", "city") and self.places[i] != best
                     and self.places[i].country == best.country and self.places[i].province == best.province
                     and (kind is None or self.places[i].kind == kind)]
            if inner:
                return inner[0]
        return best


def _read_rows(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = set(COLUMNS[:7]) - set(reader.fieldnames or ())
            if missing:
                raise KnowledgeError(f"{path}: missing columns {', '.join(sorted(missing))}")
            return list(reader)
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read ({exc.strerror}); rebuild it with scripts/build_gazetteer.py") from exc


@lru_cache(maxsize=4)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """The built-in gazetteer (or the CSV at `path`, same columns), read once.

    Example:
        load_gazetteer().lookup("Khyber Pakhtunkhwa").country   # 'PAK'
    """
    csv_path = Path(path) if path else GAZETTEER_FILE
    try:
        with open(PLACE_WORDS_FILE, encoding="utf-8") as handle:
            words = yaml.safe_load(handle) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{PLACE_WORDS_FILE}: cannot read ({exc})") from exc
    return Gazetteer(_read_rows(csv_path), words, source=str(csv_path))


def geocode(place_text: str) -> Place | None:
    """Resolve a place string offline with the built-in gazetteer: a `Place` or None.

    Example:
        geocode("NWFP").province   # 'Khyber Pakhtunkhwa'
    """
    return load_gazetteer().lookup(place_text)
