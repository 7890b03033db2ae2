"""`rivalwatch import acled|gtd|ucdp`, `events` and `export` (CSV, PLOVER JSONL, GraphML, STIX 2.1).

Fixtures are our own rows written in each data set's column layout (the real
extracts are not redistributable); tests on the real files skip when ../shared is
absent. The store fixture holds hand-built relations (no extractor):

  doc (published)      relation as written          modality      date         place   confidence
  D1 (2024-03-01)      ISKP ASSAULT TALIBAN         asserted      2024-02      Kabul   0.8
                       AL_AZAIM ACCUSE TTP          asserted      -                    0.6   (Al-Azaim is ISKP's outlet)
                       TTP FIGHT PAKISTAN           hypothetical  2024                 0.4
  D2 (2024-05-10)      TALIBAN FIGHT ISKP           alleged       2024-05-14           0.5
                       TTP COOPERATE ISKP           negated       -                    0.7
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Callable

import networkx as nx
import pytest
import stix2
from click.testing import Result

from rivalwatch.extract import VERSION
from rivalwatch.ingest import make_document
from rivalwatch.ingest.events_csv import load_event_rules, read_events
from rivalwatch.knowledge.load import load_knowledge
from rivalwatch.models import Actor, Evidence, Extraction, Relation
from rivalwatch.store import Store

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

Run = Callable[..., Result]

DOCS = {"D1": ("2024-03-01", "https://example.org/d1"), "D2": ("2024-05-10", None)}
RELATIONS = [
    ("D1", "ISKP", "ASSAULT", "TALIBAN", "asserted", "2024-02", "Kabul", 0.8),
    ("D1", "AL_AZAIM", "ACCUSE", "TTP", "asserted", None, None, 0.6),
    ("D1", "TTP", "FIGHT", "PAKISTAN", "hypothetical", "2024", None, 0.4),
    ("D2", "TALIBAN", "FIGHT", "ISKP", "alleged", "2024-05-14", None, 0.5),
    ("D2", "TTP", "COOPERATE", "ISKP", "negated", None, None, 0.7),
]

ACLED_COLUMNS = ("event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,inter1,"
                 "actor2,assoc_actor_2,inter2,interaction,country,admin1,admin2,location,latitude,longitude,notes,"
                 "fatalities")
ACLED_ROWS = [
    ("AFG1", "2020-03-01", "Battles", "Armed clash", "Taliban", "Military Forces of Afghanistan (2014-)",
     "Afghanistan", "Kunduz", "Taliban fighters clashed with Afghan soldiers near Kunduz city.", "3"),
    ("PAK2", "2020-03-02", "Violence against civilians", "Attack", "TTP: Tehreek-i-Taliban Pakistan",
     "Civilians (Pakistan)", "Pakistan", "Khyber Pakhtunkhwa", "TTP militants shot two villagers.", "2"),
    ("PAK3", "2020-03-03", "Explosions/Remote violence", "Remote explosive/landmine/IED", "Islamic State (Afghanistan)",
     "Police Forces of Pakistan (2018-) Frontier Corps", "Pakistan", "Balochistan",
     "An IED claimed by IS hit a Frontier Corps patrol.", "1"),
    ("PAK4", "2020-03-04", "Strategic developments", "Agreement", "Military Forces of Pakistan",
     "TTP: Tehreek-i-Taliban Pakistan", "Pakistan", "Khyber Pakhtunkhwa", "A local ceasefire was agreed.", "0"),
    ("PAK5", "2020-03-05", "Strategic developments", "Headquarters or base established", "Taliban", "",
     "Pakistan", "Balochistan", "A base was set up.", "0"),
    ("PAK6", "2020-03-06", "Battles", "Armed clash", "Zarghun Lashkar", "LeI: Lashkar-e-Islam", "Pakistan",
     "Khyber Pakhtunkhwa", "A tribal lashkar fought LeI.", "4"),
    ("PAK7", "2020-03-07", "Battles", "Armed clash", "Unidentified Armed Group (Pakistan)",
     "Military Forces of Pakistan", "Pakistan", "Sindh", "Gunmen fired on soldiers.", "0"),
    ("AFG8", "2022-01-09", "Battles", "Armed clash", "Military Forces of Afghanistan (2021-)",
     "Islamic State (Afghanistan)", "Afghanistan", "Nangarhar", "Taliban forces raided an IS hideout.", "5"),
    ("AFG9", "2020-03-09", "Explosions/Remote violence", "Air/drone strike", "Military Forces of Afghanistan (2014-)",
     "", "Afghanistan", "Helmand", "An air strike hit an empty compound.", "0"),
]
ACLED_TRIPLES = {
    ("TALIBAN", "FIGHT", "AFGHAN_REPUBLIC", "2020-03-01"), ("TTP", "ASSAULT", "CIVILIANS", "2020-03-02"),
    ("ISKP", "ASSAULT", "FRONTIER_CORPS", "2020-03-03"), ("PAKISTAN", "CONSULT", "TTP", "2020-03-04"),
    ("TALIBAN", "FIGHT", "ISKP", "2022-01-09"),
}

GTD_COLUMNS = ("eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "summary",
               "attacktype1_txt", "targtype1_txt", "corp1", "target1", "gname", "nkill")
GTD_ROWS = [
    ("201101030001", "2011", "1", "3", "Afghanistan", "Helmand", "Lashkar Gah",
     "A roadside bomb planted by the Taliban hit a police vehicle.", "Bombing/Explosion", "Police",
     "Afghan National Police", "A police vehicle", "Taliban", "4"),
    ("201105000002", "2011", "5", "0", "Pakistan", "Khyber Pakhtunkhwa", "Peshawar",
     "TTP gunmen attacked a wedding party.", "Armed Assault", "Private Citizens & Property", "", "Guests",
     "Tehrik-i-Taliban Pakistan (TTP)", "6"),
    ("201106070003", "2011", "6", "7", "Pakistan", "Sindh", "Karachi", "Unknown attackers bombed a bus.",
     "Bombing/Explosion", "Transportation", "", "A bus", "Unknown", "2"),
    ("201107080004", "2011", "7", "8", "Pakistan", "Federally Administered Tribal Areas", "Bara",
     "TTP fighters attacked a Lashkar-e-Islam post.", "Armed Assault", "Terrorists",
     "Lashkar-e-Islam (Pakistan)", "A LeI post", "Tehrik-i-Taliban Pakistan (TTP)", "3"),
]
GTD_TRIPLES = {("TALIBAN", "ASSAULT", "AFGHAN_REPUBLIC", "2011-01-03"), ("TTP", "ASSAULT", "CIVILIANS", "2011-05"),
               ("TTP", "ASSAULT", "LEI", "2011-07-08")}

UCDP_COLUMNS = ("id", "year", "type_of_violence", "dyad_name", "side_a", "side_b", "source_headline",
                "where_description", "adm_1", "country", "date_prec", "date_start", "date_end", "best")
UCDP_ROWS = [
    ("1001", "2014", "1", "Government of Pakistan - TTP", "Government of Pakistan", "TTP",
     "Army strikes TTP hideouts", "Mir Ali", "Federally Administered Tribal Areas", "Pakistan", "1", "2014-06-15",
     "2014-06-15", "12"),
    ("1002", "2016", "2", "TTP - IS", "TTP", "IS", "TTP and IS fighters clash", "Nazyan", "", "Pakistan", "4",
     "2016-02-01", "2016-02-29", "7"),
    ("1003", "2018", "3", "IS - Civilians", "IS", "Civilians", "Suicide attack on a mosque", "Kabul", "Kabul province",
     "Afghanistan", "1", "2018-07-01", "2018-07-01", "20"),
    ("1004", "2010", "2", "Lashkar of Zakakhel tribe - Lashkar-e-Islam", "Lashkar of Zakakhel tribe",
     "Lashkar-e-Islam", "Tribesmen fight LeI", "Bara", "", "Pakistan", "1", "2010-05-02", "2010-05-02", "3"),
    ("1005", "2010", "", "Government of Afghanistan - Taleban", "Government of Afghanistan", "Taleban",
     "", "Marjah", "Helmand province", "Afghanistan", "1", "2010-02-13", "2010-02-13", "9"),
]
UCDP_TRIPLES = {("PAKISTAN", "FIGHT", "TTP", "2014-06-15"), ("TTP", "FIGHT", "ISKP", "2016-02"),
                ("ISKP", "ASSAULT", "CIVILIANS", "2018-07-01"), ("AFGHAN_REPUBLIC", "FIGHT", "TALIBAN", "2010-02-13")}


def _write_csv(path: Path, header: str | tuple[str, ...], rows: list[tuple[str, ...]]) -> Path:
    columns = header.split(",") if isinstance(header, str) else list(header)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
    return path


def _acled_record(row: tuple[str, ...]) -> tuple[str, ...]:
    event_id, date, etype, sub, a1, a2, country, admin1, notes, deaths = row
    return (event_id, date, date[:4], "1", etype, sub, a1, "", "1", a2, "", "1", "11", country, admin1, "", "", "",
            "", notes, deaths)


@pytest.fixture
def acled(tmp_path: Path) -> Path:
    return _write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [_acled_record(r) for r in ACLED_ROWS])


@pytest.fixture
def gtd(tmp_path: Path) -> Path:
    return _write_csv(tmp_path / "gtd.csv", GTD_COLUMNS, GTD_ROWS)


@pytest.fixture
def ucdp(tmp_path: Path) -> Path:
    return _write_csv(tmp_path / "ged.csv", UCDP_COLUMNS, UCDP_ROWS)


@pytest.fixture
def docs(db_path: Path) -> dict[str, str]:
    """The hand-built store of the module docstring; returns D1.. -> document id."""
    store = Store(db_path)
    known = load_knowledge().actors
    ids: dict[str, str] = {}
    try:
        for name, (published, url) in DOCS.items():
            rows = [r for r in RELATIONS if r[0] == name]
            sentences = [f"{s} {t} {o} ({m}, {d})." for _, s, t, o, m, d, _, _ in rows]
            document = make_document(f"{name}. " + " ".join(sentences), source=f"{name}.txt", published=published,
                                     title=f"Report {name}", url=url)
            store.add_document(document)
            ids[name] = document.id
            relations, start = [], len(name) + 2
            for (_, source, rtype, target, modality, date, place, confidence), sentence in zip(rows, sentences):
                evidence = Evidence(doc_id=document.id, text=sentence, start=start, end=start + len(sentence))
                relations.append(Relation(source=source, type=rtype, target=target, modality=modality, evidence=evidence,
                                          date=date, location=place, confidence=confidence, cue=rtype.lower()))
                start += len(sentence) + 1
            actors = sorted({a for r in rows for a in (r[1], r[3])})
            store.save_extraction(Extraction(doc_id=document.id, version=VERSION, mentions=(), relations=tuple(relations),
                                             actors=tuple(known.get(a) or Actor(id=a, name=a, kind="armed_group")
                                                          for a in actors)), known=known)
    finally:
        store.close()
    return ids


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _events(cli: Run, *args: str) -> set[tuple[str, str, str, str]]:
    return {(e["source"], e["type"], e["target"], e["date"]) for e in _json(cli("events", "--format", "json", *args))}


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- import --------------------------------------------------------------------------

def test_import_acled_maps_types_and_names_and_adds_nothing_twice(cli: Run, acled: Path) -> None:
    result = cli("import", "acled", acled, "--format", "json")
    report = _json(result)
    assert (report["rows"], report["relations"], report["added"]) == (9, 5, 5)
    assert report["types"] == {"ASSAULT": 2, "CONSULT": 1, "FIGHT": 2}
    assert report["unresolved"] == {"Zarghun Lashkar": 1}
    assert result.stderr.splitlines() == [
        "unresolved: Zarghun Lashkar (1 row skipped): add it to a --mapping file"]
    assert any("PAK5" in s and "Headquarters" in s for s in report["skipped"])
    assert any("AFG9" in s and "second actor is empty" in s for s in report["skipped"])
    assert _events(cli, "--origin", "acled") == ACLED_TRIPLES
    rows = {e["row_id"]: e for e in _json(cli("events", "--format", "json"))}
    assert (rows["AFG1"]["location"], rows["AFG1"]["fatalities"], rows["AFG1"]["sub_type"]) == (
        "Kunduz", 3, "Battles / Armed clash")
    assert rows["PAK3"]["evidence"] == "An IED claimed by IS hit a Frontier Corps patrol."
    assert rows["PAK3"]["source_as_written"] == "Islamic State (Afghanistan)"
    assert (rows["PAK3"]["origin"], rows["PAK3"]["source_file"]) == ("acled", "acled.csv")
    again = _json(cli("import", "acled", acled, "--format", "json"))
    assert (again["added"], again["duplicates"]) == (0, 5)
    copy = acled.parent / "acled_copy.csv"
    copy.write_bytes(acled.read_bytes())
    assert _json(cli("import", "acled", copy, "--format", "json"))["added"] == 0   # same rows, another file
    assert len(_json(cli("events", "--format", "json"))) == 5


def test_import_gtd_csv_and_xlsx(cli: Run, gtd: Path, tmp_path: Path) -> None:
    report = _json(cli("import", "gtd", gtd, "--format", "json"))
    assert (report["rows"], report["added"], report["types"]) == (4, 3, {"ASSAULT": 3})
    assert _events(cli, "--origin", "gtd") == GTD_TRIPLES
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(GTD_COLUMNS))
    for row in GTD_ROWS:   # numbers as numbers, as GTD's own workbook has them
        sheet.append([int(v) if v.isdigit() else v for v in row])
    xlsx = tmp_path / "gtd_2011.xlsx"
    book.save(xlsx)
    rules = load_event_rules()
    assert list(read_events("gtd", xlsx, rules)) == list(read_events("gtd", gtd, rules))
    assert _json(cli("import", "gtd", xlsx, "--format", "json"))["added"] == 0


def test_import_ucdp_reads_violence_types_precision_and_dated_names(cli: Run, ucdp: Path) -> None:
    report = _json(cli("import", "ucdp", ucdp, "--format", "json"))
    assert (report["added"], report["unresolved"]) == (4, {"Lashkar of Zakakhel tribe": 1})
    # IS in Pakistan after 2015 is ISKP; "Government of Afghanistan" in 2010 is the Republic;
    # type_of_violence left empty with a non-civilian side_b is a clash.
    assert _events(cli, "--origin", "ucdp") == UCDP_TRIPLES
    assert _events(cli, "--source", "ISKP") == {("ISKP", "ASSAULT", "CIVILIANS", "2018-07-01")}


def test_mapping_file_resolves_names_and_rejects_unknown_ids(cli: Run, acled: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "names.yaml"
    mapping.write_text("Zarghun Lashkar: TTP\n", encoding="utf-8")
    report = _json(cli("import", "acled", acled, "--mapping", mapping, "--format", "json"))
    assert (report["added"], report["unresolved"]) == (6, {})
    assert ("TTP", "FIGHT", "LEI", "2020-03-06") in _events(cli)
    bad = tmp_path / "bad.yaml"
    bad.write_text("Zarghun Lashkar: NO_SUCH_GROUP\n", encoding="utf-8")
    result = cli("import", "acled", acled, "--mapping", bad)
    assert result.exit_code == 1 and "[RW100]" in result.stderr and "NO_SUCH_GROUP" in result.stderr


def test_malformed_or_wrong_files_are_one_line_errors(cli: Run, tmp_path: Path, acled: Path) -> None:
    lines = acled.read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join([lines[0], lines[1], lines[2] + ",extra", *lines[3:]]) + "\n", encoding="utf-8")
    result = cli("import", "acled", broken)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: [RW200] {broken}: line 3: 22 fields, the header has 21"]
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(lines[0] + "\n" + lines[1] + '\nPAK9,"2020-03-01,x\n', encoding="utf-8")
    result = cli("import", "acled", quoted)
    assert result.exit_code == 1 and f"{quoted}: line 3: malformed CSV" in result.stderr
    assert _json(cli("events", "--format", "json")) == []   # nothing of a bad file is stored
    wrong = cli("import", "ucdp", acled)
    assert wrong.exit_code == 1 and "no column id, side_a, side_b, date_start" in wrong.stderr
    missing = cli("import", "gtd", tmp_path / "none.csv")
    assert missing.exit_code == 1 and "none.csv: file not found" in missing.stderr


def test_network_includes_imported_events(cli: Run, acled: Path) -> None:
    assert cli("import", "acled", acled).exit_code == 0
    net = _json(cli("network", "--year", "2022", "--format", "json"))
    # a clash counts on both directed edges (FIGHT is symmetric)
    assert sorted((e["source"], e["target"], e["origins"]) for e in net["edges"]) == [
        ("ISKP", "TALIBAN", ["imported"]), ("TALIBAN", "ISKP", ["imported"])]


def test_old_database_gains_the_new_columns(db_path: Path | str) -> None:
    from sqlalchemy import create_engine, inspect

    from rivalwatch.store import schema
    from rivalwatch.store.dialect import to_url
    engine = create_engine(to_url(db_path))
    schema.metadata.create_all(engine)  # then made "old": a database from before these columns existed
    with engine.begin() as conn:
        for column in ("location", "fatalities", "sub_type"):
            conn.exec_driver_sql(f"ALTER TABLE imported_relations DROP COLUMN {column}")
    assert "location" not in {c["name"] for c in inspect(engine).get_columns("imported_relations")}
    engine.dispose()
    Store(db_path).close()
    engine = create_engine(to_url(db_path))
    assert {"location", "fatalities", "sub_type"} <= {c["name"] for c in inspect(engine).get_columns("imported_relations")}
    engine.dispose()


# --- export --------------------------------------------------------------------------

def test_export_csv_has_acled_columns_evidence_and_filters(cli: Run, docs: dict[str, str], acled: Path,
                                                          db_path: Path) -> None:
    result = cli("export", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = _csv_rows(result.stdout)
    assert list(rows[0])[:8] == ["event_id", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
                                 "actor1_as_written", "actor2_as_written"]
    assert {"notes", "doc_id", "sentence", "start", "end", "confidence", "curated", "admin1"} <= set(rows[0])
    assert len(rows) == len(RELATIONS)
    store = Store(db_path)
    text = {d.id: d.text for d in store.documents()}
    store.close()
    for row in rows:   # the offsets point at the sentence in its document
        assert text[row["doc_id"]][int(row["start"]):int(row["end"])] == row["sentence"] == row["notes"]
    assault = [r for r in rows if r["event_type"] == "ASSAULT"]
    assert [(r["actor1"], r["actor2"], r["event_date"], r["sub_event_type"], r["location"], r["confidence"],
             r["curated"]) for r in assault] == [("ISKP", "TALIBAN", "2024-02", "asserted", "Kabul", "0.8", "")]
    assert assault[0]["doc_id"] == docs["D1"] and (assault[0]["country"], assault[0]["admin1"]) == ("AFG", "Kabul")
    one = _csv_rows(_ok(cli("export", "--format", "csv", "--source", "isis-k", "--type", "assault")))
    assert [(r["actor1"], r["event_type"], r["actor2"]) for r in one] == [("ISKP", "ASSAULT", "TALIBAN")]
    grouped = _csv_rows(_ok(cli("export", "--format", "csv", "--source", "ISKP", "--group-level")))
    assert sorted((r["actor1"], r["actor1_as_written"], r["event_type"]) for r in grouped) == [
        ("ISKP", "AL_AZAIM", "ACCUSE"), ("ISKP", "ISKP", "ASSAULT")]
    dated = _csv_rows(_ok(cli("export", "--format", "csv", "--since", "2024-05", "--modality", "alleged")))
    assert [(r["actor1"], r["event_type"], r["actor2"]) for r in dated] == [("TALIBAN", "FIGHT", "ISKP")]
    assert cli("import", "acled", acled).exit_code == 0
    both = _csv_rows(_ok(cli("export", "--format", "csv", "--include-imported", "--source", "TTP")))
    imported = [r for r in both if r["origin"] == "acled"]
    assert [(r["event_id"], r["actor2"], r["source_row_id"], r["fatalities"], r["doc_id"]) for r in imported] == [
        ("acled-PAK2", "CIVILIANS", "PAK2", "2", "")]
    assert len(both) == 3   # TTP's own FIGHT and COOPERATE, and the ACLED row


def _ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_export_jsonl_follows_plover(cli: Run, docs: dict[str, str], gtd: Path, tmp_path: Path) -> None:
    assert cli("import", "gtd", gtd).exit_code == 0
    out = tmp_path / "events.jsonl"
    result = cli("export", "--format", "jsonl", "--out", out, "--include-imported")
    assert result.exit_code == 0 and f"wrote {out}: 8 rows as jsonl" in result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_type = {(r["rivalwatch"]["type"], r["rivalwatch"]["source"]): r for r in records}
    fight = by_type[("FIGHT", "TALIBAN")]   # two-sided violence: both sides are sources, no recipient
    assert fight["event"] == ["ASSAULT"] and fight["recipient"] == [] and fight["quad_code"] == 4
    assert [a["identifier_id"] for a in fight["source"]] == ["TALIBAN", "ISKP"]
    assault = by_type[("ASSAULT", "ISKP")]
    assert assault["source"][0] == {"actor_text": "ISKP", "identifier_id": "ISKP",
                                    "identifier_text": "Islamic State Khorasan Province", "sector": "REB"}
    assert assault["recipient"][0]["identifier_id"] == "TALIBAN"
    assert (assault["date"], assault["event_text"], assault["event_loc"]["name"]) == (
        "2024-02", ["ISKP ASSAULT TALIBAN (asserted, 2024-02)."], "Kabul")
    assert assault["text_info"]["end"] - assault["text_info"]["start"] == len(assault["event_text"][0])
    assert assault["cite_info"]["citation"] == docs["D1"] and assault["cite_info"]["url"] == "https://example.org/d1"
    assert by_type[("COOPERATE", "TTP")]["context"] == ["negation"]
    assert by_type[("FIGHT", "TTP")]["context"] == ["hypothetical"]
    police = next(r for r in records if r["id"] == "gtd-201101030001")
    assert (police["event"], police["mode"], police["dead"], police["recipient"][0]["identifier_id"]) == (
        ["ASSAULT"], ["explosives"], 4, "AFGHAN_REPUBLIC")
    assert police["rivalwatch"]["origin"] == "gtd" and "text_info" not in police


def test_export_graphml_is_the_network(cli: Run, docs: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "net.graphml"
    assert cli("export", "--format", "graphml", "--out", out, "--group-level").exit_code == 0
    graph = nx.read_graphml(out)
    assert graph.has_edge("ISKP", "TALIBAN") and graph.edges["ISKP", "TALIBAN"]["sign"] == -1
    refused = cli("export", "--format", "graphml", "--source", "ISKP")
    assert refused.exit_code == 1 and "graphml exports the whole network" in refused.stderr


def test_export_reports_progress_over_every_relation_read(docs: dict[str, str], db_path: Path, tmp_path: Path) -> None:
    from rivalwatch.api import Workspace

    with Workspace(db_path) as ws:
        stored = ws.store.counts(version=ws.version)["relations"]
        for fmt in ("csv", "graphml"):
            seen: list[tuple[int, int, str]] = []
            ws.export(fmt, out=tmp_path / f"out.{fmt}", progress=lambda done, total, label: seen.append((done, total, label)))
            assert seen[-1][:2] == (stored, stored) and seen[-1][2] in ("export csv", "network")


def _stix_bundle(cli: Run, out: Path, *args: str) -> Any:
    result = cli("export", "--format", "stix", "--out", out, *args)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    bundle = stix2.parse(text, allow_custom=False)
    validator = pytest.importorskip("stix2validator")
    results = validator.validate_string(text, validator.ValidationOptions(strict=False))
    assert results.is_valid, [str(e) for e in results.errors]
    return bundle


def test_export_stix_bundle_parses_strictly_and_validates(cli: Run, docs: dict[str, str], ucdp: Path,
                                                         tmp_path: Path) -> None:
    bundle = _stix_bundle(cli, tmp_path / "bundle.json")
    by_type: dict[str, list[Any]] = {}
    for obj in bundle.objects:
        by_type.setdefault(obj.type, []).append(obj)
    names = {o.id: o.name for o in by_type["threat-actor"] + by_type["identity"]}
    # negated and hypothetical relations are left out: three relationships remain
    rels = sorted((names[r.source_ref], r.relationship_type, names[r.target_ref]) for r in by_type["relationship"])
    kb = load_knowledge().actors
    assert rels == sorted([(kb["AL_AZAIM"].name, "accuses", kb["TTP"].name),
                           (kb["ISKP"].name, "targets", kb["TALIBAN"].name),
                           (kb["TALIBAN"].name, "fights", kb["ISKP"].name)])
    fight = next(r for r in by_type["relationship"] if r.relationship_type == "fights")
    assert (fight.confidence, str(fight.start_time), str(fight.stop_time)) == (
        50, "2024-05-14 00:00:00+00:00", "2024-05-15 00:00:00+00:00")
    assert "alleged" in fight.description
    iskp = next(o for o in by_type["threat-actor"] if o.name == "Islamic State Khorasan Province")
    assert "ISIS-K" in iskp.aliases
    notes = {n.object_refs[0]: n.content for n in by_type["note"]}
    assert notes[fight.id] == "TALIBAN FIGHT ISKP (alleged, 2024-05-14)."
    reports = {r.name: r for r in by_type["report"]}
    assert set(reports) == {"Report D1", "Report D2"}
    assert {r.created_by_ref for r in reports.values()} == {by_type["identity"][0].id}   # RivalWatch, first
    assert fight.id in reports["Report D2"].object_refs and str(reports["Report D1"].published).startswith("2024-03-01")
    # the same relation gets the same id in every export
    again = _stix_bundle(cli, tmp_path / "again.json")
    assert sorted(o.id for o in again.objects if o.type == "relationship") == sorted(
        r.id for r in by_type["relationship"])
    # imported rows: one report per data set file, identities for states and civilians
    assert cli("import", "ucdp", ucdp).exit_code == 0
    mixed = _stix_bundle(cli, tmp_path / "mixed.json", "--include-imported", "--since", "2010", "--until", "2018")
    kinds = {o.type for o in mixed.objects}
    assert kinds == {"threat-actor", "identity", "relationship", "note", "report"}
    ucdp_report = next(o for o in mixed.objects if o.type == "report")
    assert ucdp_report.name == "UCDP events imported from ged.csv" and len(ucdp_report.object_refs) > 8
    pakistan = next(o for o in mixed.objects if o.type == "identity" and o.name == "Pakistan")
    assert pakistan.identity_class == "organization"


def test_empty_stix_export_is_still_a_bundle(cli: Run, tmp_path: Path) -> None:
    bundle = _stix_bundle(cli, tmp_path / "empty.json")
    assert [(o.type, o.name, o.identity_class) for o in bundle.objects] == [("identity", "RivalWatch", "system")]


# --- on the real data, when the shared folder is there -----------------------------

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = SHARED / "data"
SEEDS = SHARED / "seeds"


@pytest.mark.skipif(not (DATA / "acled_afpak_sample.csv").is_file(), reason="shared event data not present")
def test_real_acled_gtd_ucdp_extracts(cli: Run) -> None:
    counts = {}
    for origin, name in (("acled", "acled_afpak_sample.csv"), ("gtd", "gtd_afpak_sample.csv"),
                         ("ucdp", "ucdp_afpak_sample.csv")):
        report = _json(cli("import", origin, DATA / name, "--format", "json"))
        assert report["added"] == report["relations"]
        counts[origin] = report["added"]
    assert counts["acled"] > 800 and counts["gtd"] > 250 and counts["ucdp"] > 1800
    ttp_lei = _events(cli, "--source", "TTP", "--target", "LEI")
    assert {t for _, t, _, _ in ttp_lei} >= {"FIGHT", "ASSAULT"}
    net = _json(cli("network", "--year", "2015", "--format", "json"))
    assert any(e["source"] == "TTP" and "imported" in e["origins"] for e in net["edges"])


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")
def test_seeds_stix_bundle_round_trips(cli: Run, tmp_path: Path) -> None:
    assert cli("ingest", SEEDS).exit_code == 0
    bundle = _stix_bundle(cli, tmp_path / "seeds.json")
    relationships = [o for o in bundle.objects if o.type == "relationship"]
    reports = [o for o in bundle.objects if o.type == "report"]
    assert len(relationships) > 50 and len(reports) == len(list(SEEDS.glob("*.txt")))
    assert all(0 <= r.confidence <= 100 for r in relationships)
    assert len([o for o in bundle.objects if o.type == "note"]) == len(relationships)


def test_numbers_no_store_holds_are_unknown_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text("event_id_cnty,event_date,event_type,actor1,actor2,fatalities,notes\n"
                    "PAK1,2024-01-02,Battles,A,B,inf,x\nPAK2,2024-01-03,Battles,A,B,99999999999999999999,y\n"
                    "PAK3,2024-01-04,Battles,A,B,1e400,z\nPAK4,2024-01-05,Battles,A,B,7,w\n", encoding="utf-8")
    rows = list(read_events("acled", path, load_event_rules()))
    assert [r.fatalities for r in rows] == [None, None, None, 7]
