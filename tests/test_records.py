"""Claims, defections, media and places: the real CLI on a temporary SQLite file.

Most fixtures store hand-written records through the `Store` API, so every
expected number below can be computed by hand from the table next to it; one
test runs tiny texts through the real extraction pipeline end to end.
"""
from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

from rivalwatch.extract import VERSION
from rivalwatch.knowledge.gazetteer import geocode
from rivalwatch.knowledge.load import load_knowledge
from rivalwatch.models import Claim, Document, Evidence, Extraction, Publication, Relation
from rivalwatch.store import Store

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

Run = Callable[..., Result]
Record = Callable[[Evidence], object]
SVG = "{http://www.w3.org/2000/svg}"


def _json(result: Result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def claim(actor: str, date: str | None, location: str | None, modality: str = "asserted") -> Record:
    return lambda ev: Claim(actor=actor, evidence=ev, date=date, location=location, modality=modality)


def rel(source: str, rtype: str, target: str, date: str | None = None, location: str | None = None,
        modality: str = "asserted") -> Record:
    return lambda ev: Relation(source=source, type=rtype, target=target, modality=modality, evidence=ev,
                               date=date, location=location, confidence=0.9, cue="cue")


def pub(outlet: str, fmt: str | None, language: str | None, date: str | None) -> Record:
    return lambda ev: Publication(outlet=outlet, evidence=ev, format=fmt, language=language, date=date)


def store_records(db_path: Path, docs: list[tuple[str | None, list[tuple[str, Record]]]]) -> list[str]:
    """Store one document per (published, [(sentence, record)]) and its records; returns the doc ids."""
    kb = load_knowledge()
    store = Store(db_path)
    ids, extractions = [], []
    try:
        for published, records in docs:
            text = " ".join(sentence for sentence, _ in records)
            digest = hashlib.sha256(text.encode()).hexdigest()
            document = Document(id=digest[:16], text=text, content_hash=digest, source=f"{digest[:6]}.txt",
                                title=f"doc {len(ids) + 1}", published=published)
            store.add_document(document)
            made, at = [], 0
            for sentence, record in records:
                start = text.index(sentence, at)
                made.append(record(Evidence(doc_id=document.id, text=sentence, start=start, end=start + len(sentence))))
                at = start + len(sentence)
            names = {getattr(m, a) for m in made for a in ("actor", "outlet", "source", "target") if hasattr(m, a)}
            extractions.append(Extraction(
                doc_id=document.id, version=VERSION, actors=tuple(kb.actors[n] for n in sorted(names)), mentions=(),
                relations=tuple(m for m in made if isinstance(m, Relation)),
                claims=tuple(m for m in made if isinstance(m, Claim)),
                publications=tuple(m for m in made if isinstance(m, Publication))))
            ids.append(document.id)
        store.save_extractions(extractions, known=kb.actors)
    finally:
        store.close()
    return ids


# --- claims ------------------------------------------------------------------------------
#
# claim                               when        place            with tolerance 1
# ISKP                                2024-07-14  Jalalabad        competes with Bajauri (TTP): 1 day, Jalalabad is in Nangarhar
# QARI_SHOAIB_BAJAURI (part of TTP)   2024-07-15  Nangarhar
# JUA                                 2024-07-14  Peshawar         same day, another place: alone
# HUA                                 2024-07-25  Jalalabad        same place, 11 days later: alone
# ISRAEL (negated)                    2024-07-14  Jalalabad        not a claim of fact: never matched
# SHABAAB                             2024-09-12  Qandala          competes with IS_SOMALIA, matched by month
# IS_SOMALIA                          2024-09     Somalia          (month precision; Qandala is in Somalia)
# ISKP                                2024        -                year only: listed, never matched
# TTP                                 (undated doc) -              undated: listed, never matched

CLAIMS = [
    ("2024-07-20", [("ISKP claimed responsibility for the bombing in Jalalabad on 14 July.",
                     claim("ISKP", "2024-07-14", "Jalalabad")),
                    ("Jamaat-ul-Ahrar claimed the attack in Peshawar the same day.", claim("JUA", "2024-07-14", "Peshawar")),
                    ("Israel did not claim the strike.", claim("ISRAEL", "2024-07-14", "Jalalabad", "negated"))]),
    ("2024-07-21", [("Qari Shoaib Bajauri claimed the bombing for the TTP on 15 July.",
                     claim("QARI_SHOAIB_BAJAURI", "2024-07-15", "Nangarhar"))]),
    ("2024-07-26", [("Hizbul Ahrar claimed the ambush in Jalalabad on 25 July.", claim("HUA", "2024-07-25", "Jalalabad"))]),
    ("2024-10-01", [("Al-Shabaab claimed the raid on Qandala on 12 September.", claim("SHABAAB", "2024-09-12", "Qandala")),
                    ("The Islamic State in Somalia claimed an attack in Somalia in September.",
                     claim("IS_SOMALIA", "2024-09", "Somalia")),
                    ("ISKP claimed several attacks in 2024.", claim("ISKP", "2024", None))]),
    (None, [("The TTP claimed an attack.", claim("TTP", None, None))]),
]


@pytest.fixture
def claims_db(cli: Run, db_path: Path) -> Run:
    store_records(db_path, CLAIMS)
    return cli


def _competing(report: dict) -> list[tuple[list[str], str, str]]:
    return [(c["groups"], c["when"], c["precision"]) for c in report["competing"]]


def test_competing_claims_same_day_and_place_within_tolerance(claims_db: Run) -> None:
    report = _json(claims_db("claims", "--format", "json"))
    assert len(report["claims"]) == 9
    assert _competing(report) == [(["ISKP", "TTP"], "2024-07-14", "day"), (["IS_SOMALIA", "SHABAAB"], "2024-09-12", "month")]
    first = report["competing"][0]
    assert [(c["actor"], c["group"], c["location"]) for c in first["claims"]] == [
        ("ISKP", "ISKP", "Jalalabad"), ("QARI_SHOAIB_BAJAURI", "TTP", "Nangarhar")]
    assert (first["location"], first["place"]["province"], first["place"]["country"]) == ("Jalalabad", "Nangarhar", "AFG")
    evidence = first["claims"][1]["evidence"]
    assert evidence["text"] == "Qari Shoaib Bajauri claimed the bombing for the TTP on 15 July."
    assert (evidence["doc_title"], evidence["published"], evidence["start"]) == ("doc 2", "2024-07-21", 0)


def test_claims_of_another_day_or_place_or_negated_are_not_competing(claims_db: Run) -> None:
    report = _json(claims_db("claims", "--format", "json"))
    matched = {(c["actor"], c["when"]) for i in report["competing"] for c in i["claims"]}
    for alone in [("JUA", "2024-07-14"), ("HUA", "2024-07-25"), ("ISRAEL", "2024-07-14"), ("ISKP", "2024"), ("TTP", None)]:
        assert alone not in matched
    # a day apart does not match without tolerance; eleven days apart matches with eleven
    assert _competing(_json(claims_db("claims", "--tolerance-days", "0", "--format", "json"))) == [
        (["IS_SOMALIA", "SHABAAB"], "2024-09-12", "month")]
    wide = _json(claims_db("claims", "--tolerance-days", "11", "--format", "json"))
    assert [c["groups"] for c in wide["competing"]] == [["HUA", "ISKP", "TTP"], ["IS_SOMALIA", "SHABAAB"]]


def test_claims_of_one_actor_in_a_window(claims_db: Run) -> None:
    report = _json(claims_db("claims", "--actor", "ttp", "--until", "2024-08", "--format", "json"))
    assert [(c["actor"], c["when"]) for c in report["claims"]] == [("QARI_SHOAIB_BAJAURI", "2024-07-15")]
    assert _competing(report) == [(["ISKP", "TTP"], "2024-07-14", "day")]
    table = claims_db("claims", "--since", "2024-09")
    assert table.exit_code == 0
    assert "Competing claims (tolerance 1 days) (1)" in table.stdout
    assert "IS_SOMALIA vs SHABAAB" in table.stdout


def test_claims_reject_a_bad_date_and_an_unknown_actor(claims_db: Run) -> None:
    bad = claims_db("claims", "--since", "last week")
    assert bad.exit_code == 1 and "[RW400] invalid since date 'last week'" in bad.output
    unknown = claims_db("claims", "--actor", "Nobody Brigade")
    assert unknown.exit_code == 1 and "[RW404] unknown actor 'Nobody Brigade'" in unknown.output


# --- defections --------------------------------------------------------------------------
#
# doc  relation                                          event (source, target, when)
# 1    TTP DEFECT ISKP 2023-03                           (TTP, ISKP, 2023-03)  }
# 1    JUA DEFECT TTP 2023-08                            (JUA, TTP, 2023-08)   }
# 2    TTP DEFECT ISKP 2023-03                           (TTP, ISKP, 2023-03)  } one event, two documents
# 2    NOOR_WALI_MEHSUD (TTP) DEFECT ISKP 2023-03 alleged (TTP, ISKP, 2023-03)  } three reports
# 2    TTP DEFECT ISKP 2023 (year only)                  (TTP, ISKP, 2023)
# 3    TTP DEFECT ISKP 2024-11                           (TTP, ISKP, 2024-11)
# 3    TTP DEFECT ISKP 2024-12 hypothetical              -- not a fact
# 3    ISKP DEFECT TTP, no date (doc published 2024-12-05) (ISKP, TTP, 2024-12-05)

DEFECTIONS = [
    ("2023-09-01", [("Many TTP commanders joined ISKP in March 2023.", rel("TTP", "DEFECT", "ISKP", "2023-03")),
                    ("Jamaat-ul-Ahrar fighters went back to the TTP in August 2023.", rel("JUA", "DEFECT", "TTP", "2023-08"))]),
    ("2023-10-01", [("TTP fighters defected to ISKP in March 2023.", rel("TTP", "DEFECT", "ISKP", "2023-03")),
                    ("Noor Wali Mehsud's men reportedly joined ISKP in March 2023.",
                     rel("NOOR_WALI_MEHSUD", "DEFECT", "ISKP", "2023-03", modality="alleged")),
                    ("More TTP men joined ISKP during 2023.", rel("TTP", "DEFECT", "ISKP", "2023"))]),
    ("2024-12-05", [("TTP fighters joined ISKP in November 2024.", rel("TTP", "DEFECT", "ISKP", "2024-11")),
                    ("More may join ISKP in December.", rel("TTP", "DEFECT", "ISKP", "2024-12", modality="hypothetical")),
                    ("Some ISKP men went over to the TTP.", rel("ISKP", "DEFECT", "TTP"))]),
]


@pytest.fixture
def defections_db(cli: Run, db_path: Path) -> Run:
    store_records(db_path, DEFECTIONS)
    return cli


def _flows(report: dict) -> list[tuple[str | None, str, str, int, int, int]]:
    return [(f["period"], f["source"], f["target"], f["events"], f["documents"], f["reports"]) for f in report["flows"]]


def test_defection_flows_by_year_deduplicate_events_across_documents(defections_db: Run) -> None:
    report = _json(defections_db("defections", "--format", "json"))
    assert _flows(report) == [
        ("2023", "TTP", "ISKP", 2, 2, 4),    # 2023-03 (three reports in two documents) and 2023
        ("2023", "JUA", "TTP", 1, 1, 1),
        ("2024", "ISKP", "TTP", 1, 1, 1),
        ("2024", "TTP", "ISKP", 1, 1, 1),
    ]
    assert [(e["source"], e["target"], e["when"]) for e in report["events"]] == [
        ("TTP", "ISKP", "2023"), ("TTP", "ISKP", "2023-03"), ("JUA", "TTP", "2023-08"),
        ("TTP", "ISKP", "2024-11"), ("ISKP", "TTP", "2024-12-05")]
    march = report["events"][1]
    assert march["modality"] == "asserted" and len(march["documents"]) == 2 and len(march["evidence"]) == 3
    assert "Noor Wali Mehsud's men reportedly joined ISKP in March 2023." in [e["text"] for e in march["evidence"]]


def test_defection_flows_by_quarter_in_a_window(defections_db: Run) -> None:
    report = _json(defections_db("defections", "--by", "quarter", "--format", "json"))
    assert _flows(report) == [
        ("2023-Q1", "TTP", "ISKP", 1, 2, 3), ("2023-Q3", "JUA", "TTP", 1, 1, 1), ("2023", "TTP", "ISKP", 1, 1, 1),
        ("2024-Q4", "ISKP", "TTP", 1, 1, 1), ("2024-Q4", "TTP", "ISKP", 1, 1, 1),
    ]
    windowed = _json(defections_db("defections", "--since", "2023-06", "--until", "2023-12", "--format", "json"))
    assert _flows(windowed) == [("2023", "JUA", "TTP", 1, 1, 1), ("2023", "TTP", "ISKP", 1, 1, 1)]


def test_defection_chart_is_well_formed_svg_and_html(defections_db: Run, tmp_path: Path) -> None:
    svg_path = tmp_path / "flows.svg"
    result = defections_db("defections", "--chart", svg_path)
    assert result.exit_code == 0, result.output
    assert f"chart written to {svg_path}" in result.stdout
    root = ET.parse(svg_path).getroot()
    assert root.tag == f"{SVG}svg"
    bands = [p for p in root.iter(f"{SVG}path") if p.get("class") == "flow"]
    assert len(bands) == 4
    assert sorted(b.find(f"{SVG}title").text for b in bands) == [
        "ISKP \u2192 TTP: 1 event, 1 document", "JUA \u2192 TTP: 1 event, 1 document",
        "TTP \u2192 ISKP: 1 event, 1 document", "TTP \u2192 ISKP: 2 events, 2 documents"]
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels[:2] == ["Defections by year", "2023"] and "TTP (2)" in labels
    html_path = tmp_path / "flows.html"
    assert defections_db("defections", "--chart", html_path, "--format", "json").exit_code == 0
    html = html_path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "<script" not in html
    bad = defections_db("defections", "--chart", tmp_path / "flows.png")
    assert bad.exit_code == 1 and "name a .svg or .html file" in bad.output


def test_empty_defection_chart_is_still_svg(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "none.svg"
    report = _json(cli("defections", "--chart", path, "--format", "json"))
    assert report["flows"] == [] and report["chart"] == str(path)
    assert ET.parse(path).getroot().tag == f"{SVG}svg"


# --- media -------------------------------------------------------------------------------
#
# outlet (group)          date                      format    language   month
# AL_AZAIM (ISKP)         2024-05-02                audio     Pashto     2024-05
# AL_AZAIM                2024-05-20                video     Urdu       2024-05
# AL_AZAIM                none: doc's 2024-05-30    magazine  English    2024-05
# AL_AZAIM                2024-06-03                audio     Pashto     2024-06
# UMAR_MEDIA (TTP)        2024-06                   video     Pashto     2024-06
# UMAR_MEDIA              2024-06-11                statement none       2024-06

MEDIA = [
    ("2024-05-30", [("Al-Azaim released a 40-minute audio in Pashto on 2 May.", pub("AL_AZAIM", "audio", "Pashto", "2024-05-02")),
                    ("Al-Azaim published a video in Urdu on 20 May.", pub("AL_AZAIM", "video", "Urdu", "2024-05-20")),
                    ("Al-Azaim issued an English magazine.", pub("AL_AZAIM", "magazine", "English", None))]),
    ("2024-06-30", [("Al-Azaim released an audio in Pashto on 3 June.", pub("AL_AZAIM", "audio", "Pashto", "2024-06-03")),
                    ("Umar Media released a video in Pashto in June.", pub("UMAR_MEDIA", "video", "Pashto", "2024-06")),
                    ("Umar Media issued a statement on 11 June.", pub("UMAR_MEDIA", "statement", None, "2024-06-11"))]),
]


def test_media_counts_by_outlet_language_and_month(cli: Run, db_path: Path) -> None:
    store_records(db_path, MEDIA)
    report = _json(cli("media", "--format", "json"))
    rows = [(r["outlet"], r["group"], r["period"], r["format"], r["language"], r["releases"]) for r in report["rows"]]
    assert rows == [
        ("AL_AZAIM", "ISKP", "2024-05", "audio", "Pashto", 1), ("AL_AZAIM", "ISKP", "2024-05", "magazine", "English", 1),
        ("AL_AZAIM", "ISKP", "2024-05", "video", "Urdu", 1), ("AL_AZAIM", "ISKP", "2024-06", "audio", "Pashto", 1),
        ("UMAR_MEDIA", "TTP", "2024-06", "statement", "unknown", 1), ("UMAR_MEDIA", "TTP", "2024-06", "video", "Pashto", 1),
    ]
    assert report["by_outlet"] == {"AL_AZAIM": 4, "UMAR_MEDIA": 2}
    assert report["by_language"] == {"Pashto": 3, "English": 1, "Urdu": 1, "unknown": 1}
    assert report["by_period"] == {"2024-05": 3, "2024-06": 3}
    quarter = _json(cli("media", "--by", "quarter", "--outlet", "ISKP", "--format", "json"))
    assert (quarter["by_outlet"], quarter["by_period"], quarter["by_format"]) == (
        {"AL_AZAIM": 4}, {"2024-Q2": 4}, {"audio": 2, "magazine": 1, "video": 1})
    assert _json(cli("media", "--outlet", "umar media", "--since", "2024-06-05", "--format", "json"))["by_format"] == {
        "statement": 1, "video": 1}
    table = cli("media")
    assert table.exit_code == 0 and "by language: Pashto 3, English 1, Urdu 1, unknown 1" in table.stdout


# --- places ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, name, kind, province, country", [
    ("Nangarhar", "Nangarhar", "province", "Nangarhar", "AFG"),
    ("Nangrahar", "Nangarhar", "province", "Nangarhar", "AFG"),
    ("nangarhār province", "Nangarhar", "province", "Nangarhar", "AFG"),
    ("Jalalabad", "Jalalabad", "city", "Nangarhar", "AFG"),
    ("KP", "Khyber Pakhtunkhwa", "province", "Khyber Pakhtunkhwa", "PAK"),
    ("NWFP", "Khyber Pakhtunkhwa", "province", "Khyber Pakhtunkhwa", "PAK"),
    ("Khyber-Pakhtunkhwa", "Khyber Pakhtunkhwa", "province", "Khyber Pakhtunkhwa", "PAK"),
    ("North Waziristan", "North Waziristan", "district", "Khyber Pakhtunkhwa", "PAK"),
    ("Kabul", "Kabul", "city", "Kabul", "AFG"),
    ("Kandahar city", "Kandahar", "city", "Kandahar", "AFG"),
    ("the province of Kunar", "Kunar", "province", "Kunar", "AFG"),
    ("eastern Afghanistan", "Afghanistan", "country", None, "AFG"),
    ("Mazar-i-Sharif", "Mazar-e Sharif", "city", "Balkh", "AFG"),
    ("Gaza", "Gaza", "city", "Gaza Strip", "PSE"),
    ("Raqqa", "Ar Raqqah", "city", "Ar Raqqah", "SYR"),
    ("Cabo Delgado", "Cabo Delgado", "province", "Cabo Delgado", "MOZ"),
])
def test_geocode_spellings(text: str, name: str, kind: str, province: str | None, country: str) -> None:
    place = geocode(text)
    assert place is not None, text
    assert (place.name, place.kind, place.province, place.country) == (name, kind, province, country)
    assert place.kind == "country" or place.lat is not None


@pytest.mark.parametrize("text", ["the Sahel", "Operation Zarb-e-Azb", "the Red Sea", "", "   "])
def test_geocode_leaves_regions_and_non_places_unresolved(text: str) -> None:
    assert geocode(text) is None


# relation                                          place string        area                         hostility
# TALIBAN ASSAULT ISKP 2024-03                      Nangrahar           AFG / Nangarhar              9
# ISKP ASSAULT TALIBAN 2024-04                      Jalalabad           AFG / Nangarhar              9
# TALIBAN COERCE ISKP 2024-05, alleged              Nangarhar province  AFG / Nangarhar              7 x 0.5
# PAKISTAN ASSAULT TTP 2024-05                      North Waziristan    PAK / Khyber Pakhtunkhwa     9
# TTP ASSAULT PAKISTAN 2024-06                      KP                  PAK / Khyber Pakhtunkhwa     9
# TTP ACCUSE PAKISTAN 2024-06                       NWFP                PAK / Khyber Pakhtunkhwa     2
# TTP THREATEN PAKISTAN 2024-07                     eastern Afghanistan AFG (country level)          5
# ISKP ASSAULT TALIBAN, negated                     Kabul               not counted
# ISKP ACCUSE TTP 2024-08                           the Red Sea         unresolved
# ISKP ACCUSE TALIBAN 2024-08                       Zarb-e-Azb          unresolved
# ISKP ACCUSE TALIBAN 2024-08                       -                   no place
PLACES = [
    ("2024-08-30", [("Taliban forces raided ISKP cells in Nangrahar.", rel("TALIBAN", "ASSAULT", "ISKP", "2024-03", "Nangrahar")),
                    ("ISKP attacked Taliban fighters in Jalalabad.", rel("ISKP", "ASSAULT", "TALIBAN", "2024-04", "Jalalabad")),
                    ("The Taliban reportedly arrested ISKP men in Nangarhar province.",
                     rel("TALIBAN", "COERCE", "ISKP", "2024-05", "Nangarhar province", "alleged")),
                    ("ISKP did not attack the Taliban in Kabul.", rel("ISKP", "ASSAULT", "TALIBAN", "2024-05", "Kabul", "negated"))]),
    ("2024-08-31", [("Pakistani troops killed TTP fighters in North Waziristan.",
                     rel("PAKISTAN", "ASSAULT", "TTP", "2024-05", "North Waziristan")),
                    ("The TTP attacked soldiers in KP.", rel("TTP", "ASSAULT", "PAKISTAN", "2024-06", "KP")),
                    ("The TTP denounced Pakistan's army in the NWFP.", rel("TTP", "ACCUSE", "PAKISTAN", "2024-06", "NWFP")),
                    ("The TTP threatened Pakistan from eastern Afghanistan.",
                     rel("TTP", "THREATEN", "PAKISTAN", "2024-07", "eastern Afghanistan"))]),
    ("2024-09-01", [("ISKP mocked the TTP over the Red Sea.", rel("ISKP", "ACCUSE", "TTP", "2024-08", "the Red Sea")),
                    ("ISKP mocked the Taliban over Zarb-e-Azb.", rel("ISKP", "ACCUSE", "TALIBAN", "2024-08", "Zarb-e-Azb")),
                    ("ISKP mocked the Taliban.", rel("ISKP", "ACCUSE", "TALIBAN", "2024-08"))]),
]


def _areas(rows: list[dict]) -> list[tuple]:
    return [(a["country"], a["province"], a["relations"], a["hostility"], a["types"]) for a in rows]


def test_places_aggregate_relations_by_province_and_country(cli: Run, db_path: Path) -> None:
    store_records(db_path, PLACES)
    report = _json(cli("places", "--format", "json"))
    assert _areas(report["provinces"]) == [
        ("AFG", "Nangarhar", 3, 21.5, {"ASSAULT": 2, "COERCE": 1}),
        ("PAK", "Khyber Pakhtunkhwa", 3, 20.0, {"ACCUSE": 1, "ASSAULT": 2}),
        ("AFG", None, 1, 5.0, {"THREATEN": 1}),
    ]
    nangarhar = report["provinces"][0]
    assert nangarhar["places"] == {"Jalalabad": 1, "Nangarhar province": 1, "Nangrahar": 1}
    assert nangarhar["documents"] == 1 and nangarhar["lat"] == pytest.approx(34.31, abs=0.5)
    assert _areas(report["countries"]) == [
        ("AFG", None, 4, 26.5, {"ASSAULT": 2, "COERCE": 1, "THREATEN": 1}),
        ("PAK", None, 3, 20.0, {"ACCUSE": 1, "ASSAULT": 2}),
    ]
    assert report["unresolved"] == {"Zarb-e-Azb": 1, "the Red Sea": 1}
    assert (report["relations"], report["unlocated"]) == (10, 1)


def test_places_of_one_actor_in_a_window(cli: Run, db_path: Path) -> None:
    store_records(db_path, PLACES)
    report = _json(cli("places", "--actor", "TTP", "--since", "2024-06", "--format", "json"))
    assert _areas(report["provinces"]) == [
        ("PAK", "Khyber Pakhtunkhwa", 2, 11.0, {"ACCUSE": 1, "ASSAULT": 1}),
        ("AFG", None, 1, 5.0, {"THREATEN": 1}),
    ]
    assert report["unresolved"] == {"the Red Sea": 1}
    table = cli("places", "--actor", "TTP")
    assert table.exit_code == 0
    assert "Khyber Pakhtunkhwa" in table.stdout and "(country level)" in table.stdout


# --- through the real pipeline -------------------------------------------------------------

REPORTS = {
    "claims.txt": "ISKP claimed responsibility for the bombing in Jalalabad on 14 July 2024. "
                  "The TTP also claimed responsibility for the bombing in Jalalabad on 15 July 2024.\n",
    "media.txt": "Al-Azaim Foundation released a 40-minute audio in Pashto on 2 May 2024. "
                 "Umar Media released a video in Pashto in June 2024.\n",
    "raids.txt": "Taliban forces attacked ISKP hideouts in Nangrahar in March 2024.\n",
}


def test_extracted_reports_give_claims_media_and_places(cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert cli("ingest", folder, "--published", "2024-12-01").exit_code == 0
    claims = _json(cli("claims", "--format", "json"))
    assert [(c["actor"], c["when"], c["location"]) for c in claims["claims"]] == [
        ("ISKP", "2024-07-14", "Jalalabad"), ("TTP", "2024-07-15", "Jalalabad")]
    assert _competing(claims) == [(["ISKP", "TTP"], "2024-07-14", "day")]
    assert claims["competing"][0]["claims"][0]["evidence"]["doc_source"].endswith("claims.txt")
    media = _json(cli("media", "--format", "json"))
    assert [(r["outlet"], r["period"], r["format"], r["language"]) for r in media["rows"]] == [
        ("AL_AZAIM", "2024-05", "audio", "Pashto"), ("UMAR_MEDIA", "2024-06", "video", "Pashto")]
    places = _json(cli("places", "--actor", "ISKP", "--format", "json"))
    assert _areas(places["provinces"]) == [("AFG", "Nangarhar", 1, 9.0, {"ASSAULT": 1})]
