"""`rivalwatch network` and `rivalwatch import relationships` on a hand-built store.

The fixture store holds relations we wrote by hand (no extractor), so every edge,
sign, weight, triad and centrality below was computed by hand from this table.
Hostility weights (knowledge/hostility.yaml): FIGHT 10, ASSAULT 9, COERCE 7,
THREATEN 5, ACCUSE 2, PLEDGE 6, COOPERATE 6, SUPPORT 7; asserted x1, alleged x0.5.

  doc (published)   relation as written                         modality      date
  D1 (2024-03-01)   ISKP ASSAULT TALIBAN                        asserted      2024-02
                    AL_AZAIM ACCUSE TTP (Al-Azaim is ISKP's)    asserted      -> 2024-03-01
                    PAKISTAN ASSAULT TTP                        asserted      2024-01
                    TTP ASSAULT PAKISTAN                        hypothetical  2024      (never counts)
                    TTP CONSULT PAKISTAN                        asserted      2024-03   (no network sign)
  D2 (2024-05-10)   ISKP ASSAULT TALIBAN (same event as in D1)  asserted      2024-02
                    ISKP THREATEN TTP                           alleged       2024-04
                    QARI_SHOAIB_BAJAURI PLEDGE TALIBAN (TTP's)  asserted      2024-05
                    TTP COOPERATE ISKP                          negated       -         (never counts)
                    TTP ACCUSE QARI_SHOAIB_BAJAURI              asserted      2024-05   (TTP->TTP at group level)
  D3 (2023-06-01)   AQ SUPPORT TTP                              asserted      2023-05
  D4 (2024-10-01)   TTP SUPPORT TALIBAN                         alleged       2024-07
                    TALIBAN COERCE ISKP                         asserted      2024-06
                    TALIBAN FIGHT ISKP                          asserted      2024-06
                    PAKISTAN COOPERATE TALIBAN                  asserted      2024-09
                    TTP COOPERATE PAKISTAN                      alleged       2024-10
  D5 (2024-06-30)   ISKP FIGHT TALIBAN (the same clash as D4's) alleged       2024-06

2024, group level, directed: ISKP->TALIBAN 9+10=19 (4 docs), TALIBAN->ISKP 7+10=17
(2), TTP->TALIBAN 6+3.5=+9.5 (2), PAKISTAN->TTP 9 (1), PAKISTAN->TALIBAN +6 (1),
ISKP->TTP 2+2.5=4.5 (2), TTP->PAKISTAN +3 (1). Pairs: ISKP-TALIBAN -26,
TALIBAN-TTP +9.5, PAKISTAN-TTP 12 (net -9+3=-6), PAKISTAN-TALIBAN +6, ISKP-TTP -4.5.
Triads: PAKISTAN/TALIBAN/TTP has one negative edge (unbalanced: my ally's ally is
my enemy); ISKP/TALIBAN/TTP has two (balanced). Only ISKP-PAKISTAN is not linked:
its two shortest paths run through TALIBAN and TTP, so each has betweenness
0.5 x 2/((4-1)(4-2)) = 1/6.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import networkx as nx
import pytest
from click.testing import Result

from rivalwatch.extract import VERSION
from rivalwatch.knowledge.load import load_knowledge
from rivalwatch.store import Store

from .conftest import store_relations

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

Run = Callable[..., Result]

DOCS = {"D1": "2024-03-01", "D2": "2024-05-10", "D3": "2023-06-01", "D4": "2024-10-01", "D5": "2024-06-30"}
RELATIONS = [
    ("D1", "ISKP", "ASSAULT", "TALIBAN", "asserted", "2024-02"),
    ("D1", "AL_AZAIM", "ACCUSE", "TTP", "asserted", None),
    ("D1", "PAKISTAN", "ASSAULT", "TTP", "asserted", "2024-01"),
    ("D1", "TTP", "ASSAULT", "PAKISTAN", "hypothetical", "2024"),
    ("D1", "TTP", "CONSULT", "PAKISTAN", "asserted", "2024-03"),
    ("D2", "ISKP", "ASSAULT", "TALIBAN", "asserted", "2024-02"),
    ("D2", "ISKP", "THREATEN", "TTP", "alleged", "2024-04"),
    ("D2", "QARI_SHOAIB_BAJAURI", "PLEDGE", "TALIBAN", "asserted", "2024-05"),
    ("D2", "TTP", "COOPERATE", "ISKP", "negated", None),
    ("D2", "TTP", "ACCUSE", "QARI_SHOAIB_BAJAURI", "asserted", "2024-05"),
    ("D3", "AQ", "SUPPORT", "TTP", "asserted", "2023-05"),
    ("D4", "TTP", "SUPPORT", "TALIBAN", "alleged", "2024-07"),
    ("D4", "TALIBAN", "COERCE", "ISKP", "asserted", "2024-06"),
    ("D4", "TALIBAN", "FIGHT", "ISKP", "asserted", "2024-06"),
    ("D4", "PAKISTAN", "COOPERATE", "TALIBAN", "asserted", "2024-09"),
    ("D4", "TTP", "COOPERATE", "PAKISTAN", "alleged", "2024-10"),
    ("D5", "ISKP", "FIGHT", "TALIBAN", "alleged", "2024-06"),
]

# A tiny table in the Mapping Militants layout (our own rows). Row 653 is one of the
# splinters knowledge/mmp.yaml lists as coded the other way round; "Kata\x92ib" is the
# cp1252 quote debris the real file has.
MMP_CSV = """unique_id,type,group1_id,group1_name,group2_id,group2_name,date,description
1,all,1,Tehrik-i-Taliban Pakistan,2,The Taliban,2/22/09,TTP and the Taliban coordinate attacks.
2,riv,3,The Islamic State,4,Al Qaeda,2014-02-00,IS and AQ compete for leadership of the jihad.
3,riv,3,The Islamic State,4,Al Qaeda,2014-02-00,The same rivalry coded a second time.
4,spl,1,Tehrik-i-Taliban Pakistan,5,Jamaat-ul-Ahrar,2014-08-00,JA separated from the TTP.
5,aff,6,Lashkar-e-Jhangvi,1,Tehrik-i-Taliban Pakistan,2013-00-00,"LeJ backs the TTP, it says."
6,aff,9,Lashkar-e-Zil,1,Tehrik-i-Taliban Pakistan,2009-00-00,LeZ trains TTP fighters.
7,riv,10,Hay'at Tahrir al-Sham (Formerly Jabhat al-Nusra),3,The Islamic State,1/1/14,HTS fights IS.
8,mer,11,Ansar al-Shariah (Libya),3,The Islamic State,2015-00-00,Some members join IS.
9,xyz,1,Tehrik-i-Taliban Pakistan,2,The Taliban,2015-00-00,An unknown type.
653,spl,12,Jaish-e-Mohammad,13,Harakat-ul-Mujahedeen,2000-01-00,JeM splits from HuM.
11,all,14,Kata\x92ib Hezbollah,15,Harakat al-Nujaba,2013-00-00,KH and HN fight side by side.
"""
MAPPING = "Lashkar-e-Zil: AQ\nAnsar al-Shariah (Libya): null\n"


@pytest.fixture
def doc_ids(db_path: Path) -> dict[str, str]:
    """Store the hand-built relations of the module docstring; returns D1.. -> document id."""
    return store_relations(db_path, DOCS, RELATIONS, heading="{}. ")


@pytest.fixture
def mmp(tmp_path: Path) -> Path:
    path = tmp_path / "relationships.csv"
    path.write_text(MMP_CSV, encoding="utf-8")
    return path


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "names.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def _json(result: Result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _edges(net: dict) -> list[tuple[str, str, int, float, int]]:
    return [(e["source"], e["target"], e["sign"], e["weight"], e["evidence"]) for e in net["edges"]]


def _triads(net: dict) -> list[tuple[tuple[str, ...], str, bool]]:
    return [(tuple(t["actors"]), t["pattern"], t["balanced"]) for t in net["triads"]]


def _centrality(net: dict) -> list[tuple[str, int, float, int, int, float]]:
    return [(n["id"], n["degree"], n["weighted_degree"], n["positive"], n["negative"], n["betweenness"])
            for n in net["nodes"]]


# --- the network -------------------------------------------------------------------

def test_2024_directed_edges_signs_weights_and_evidence(cli: Run, doc_ids: dict[str, str]) -> None:
    net = _json(cli("network", "--year", "2024", "--format", "json"))
    assert net["slice"] == {"since": "2024", "until": "2024"}
    assert _edges(net) == [
        ("ISKP", "TALIBAN", -1, 19.0, 4), ("TALIBAN", "ISKP", -1, 17.0, 2), ("TTP", "TALIBAN", 1, 9.5, 2),
        ("PAKISTAN", "TTP", -1, 9.0, 1), ("PAKISTAN", "TALIBAN", 1, 6.0, 1), ("ISKP", "TTP", -1, 4.5, 2),
        ("TTP", "PAKISTAN", 1, 3.0, 1),
    ]
    edge = net["edges"][0]
    assert edge["types"] == {"ASSAULT": 1, "FIGHT": 1} and edge["events"] == 2
    assert (edge["net"], edge["positive"], edge["negative"], edge["origins"]) == (-19.0, 0.0, 19.0, ["extracted"])
    assert edge["doc_ids"] == sorted(doc_ids[d] for d in ("D1", "D2", "D4", "D5"))
    assert len(edge["relation_ids"]) == 4  # two reports of the attack, the clash as written both ways


def test_each_edge_traces_to_its_relations(cli: Run, doc_ids: dict[str, str]) -> None:
    net = _json(cli("network", "--year", "2024", "--format", "json"))
    edge = next(e for e in net["edges"] if (e["source"], e["target"]) == ("ISKP", "TTP"))
    rows = _json(cli("relations", "--group-level", "--source", "ISKP", "--target", "TTP", "--format", "json"))
    assert edge["relation_ids"] == sorted(r["id"] for r in rows)
    assert [(r["source_as_written"], r["type"], r["doc_id"]) for r in rows] == [
        ("ISKP", "THREATEN", doc_ids["D2"]), ("AL_AZAIM", "ACCUSE", doc_ids["D1"])]


def test_2024_triads_balance_and_centrality(cli: Run, doc_ids: dict[str, str]) -> None:
    net = _json(cli("network", "--year", "2024", "--format", "json"))
    assert _triads(net) == [(("PAKISTAN", "TALIBAN", "TTP"), "++-", False), (("ISKP", "TALIBAN", "TTP"), "+--", True)]
    assert net["triads"][0]["signs"] == [["PAKISTAN", "TALIBAN", 1], ["PAKISTAN", "TTP", -1], ["TALIBAN", "TTP", 1]]
    assert net["triads"][0]["reading"] == "my ally's ally is my enemy"
    assert net["balance"] == {"triads": 2, "balanced": 1, "unbalanced": 1, "ratio": 0.5}
    assert _centrality(net) == [
        ("TALIBAN", 3, 41.5, 2, 1, 0.166667), ("ISKP", 2, 30.5, 0, 2, 0.0),
        ("TTP", 3, 26.0, 1, 2, 0.166667), ("PAKISTAN", 2, 18.0, 1, 1, 0.0),
    ]
    taliban = net["nodes"][0]
    assert (taliban["name"], taliban["kind"], taliban["part_of"]) == ("Afghan Taliban", "armed_group", None)


def test_undirected_gives_one_edge_per_pair(cli: Run, doc_ids: dict[str, str]) -> None:
    net = _json(cli("network", "--year", "2024", "--undirected", "--format", "json"))
    assert _edges(net) == [
        ("ISKP", "TALIBAN", -1, 26.0, 4), ("PAKISTAN", "TTP", -1, 12.0, 2), ("TALIBAN", "TTP", 1, 9.5, 2),
        ("PAKISTAN", "TALIBAN", 1, 6.0, 1), ("ISKP", "TTP", -1, 4.5, 2),
    ]
    pair = net["edges"][1]
    assert (pair["net"], pair["positive"], pair["negative"]) == (-6.0, 3.0, 9.0)
    assert net["balance"]["ratio"] == 0.5


def test_min_evidence_drops_thin_edges_before_the_analysis(cli: Run, doc_ids: dict[str, str]) -> None:
    net = _json(cli("network", "--year", "2024", "--min-evidence", "2", "--format", "json"))
    assert _edges(net) == [
        ("ISKP", "TALIBAN", -1, 19.0, 4), ("TALIBAN", "ISKP", -1, 17.0, 2), ("TTP", "TALIBAN", 1, 9.5, 2),
        ("ISKP", "TTP", -1, 4.5, 2),
    ]
    assert _triads(net) == [(("ISKP", "TALIBAN", "TTP"), "+--", True)]
    assert net["balance"]["ratio"] == 1.0
    assert _centrality(net) == [("TALIBAN", 2, 35.5, 1, 1, 0.0), ("ISKP", 2, 30.5, 0, 2, 0.0),
                                ("TTP", 2, 14.0, 1, 1, 0.0)]


def test_actors_as_written_keeps_persons_and_outlets(cli: Run, doc_ids: dict[str, str]) -> None:
    net = _json(cli("network", "--year", "2024", "--actors-as-written", "--format", "json"))
    edges = {(s, t): (sign, w) for s, t, sign, w, _ in _edges(net)}
    assert edges[("AL_AZAIM", "TTP")] == (-1, 2.0)
    assert edges[("ISKP", "TTP")] == (-1, 2.5)
    assert edges[("QARI_SHOAIB_BAJAURI", "TALIBAN")] == (1, 6.0)
    assert edges[("TTP", "QARI_SHOAIB_BAJAURI")] == (-1, 2.0)  # a self-loop at group level
    assert edges[("TTP", "TALIBAN")] == (1, 3.5)
    nodes = {n["id"]: n for n in net["nodes"]}
    assert (nodes["AL_AZAIM"]["kind"], nodes["AL_AZAIM"]["part_of"]) == ("media_outlet", "ISKP")


def test_whole_period_and_an_other_slice(cli: Run, doc_ids: dict[str, str]) -> None:
    net = _json(cli("network", "--format", "json"))
    assert ("AQ", "TTP", 1, 7.0, 1) in _edges(net)
    assert _centrality(net) == [  # AQ hangs on TTP: every path from AQ runs through it
        ("TALIBAN", 3, 41.5, 2, 1, 0.083333), ("TTP", 4, 33.0, 2, 2, 0.583333), ("ISKP", 2, 30.5, 0, 2, 0.0),
        ("PAKISTAN", 2, 18.0, 1, 1, 0.0), ("AQ", 1, 7.0, 1, 0, 0.0),
    ]
    only_2023 = _json(cli("network", "--since", "2023", "--until", "2023-12", "--format", "json"))
    assert _edges(only_2023) == [("AQ", "TTP", 1, 7.0, 1)]
    assert only_2023["balance"] == {"triads": 0, "balanced": 0, "unbalanced": 0, "ratio": None}


def test_table_shows_edges_triads_and_balance(cli: Run, doc_ids: dict[str, str]) -> None:
    result = cli("network", "--year", "2024")
    assert result.exit_code == 0, result.output
    assert "PAKISTAN / TALIBAN / TTP" in result.stdout and "my ally's ally is my enemy" in result.stdout
    assert "1 of 2 triads balanced, 1 unbalanced (balance ratio 0.500)" in result.stdout


def test_bad_slices_are_coded_errors(cli: Run, doc_ids: dict[str, str]) -> None:
    both = cli("network", "--year", "2024", "--since", "2024-01")
    assert both.exit_code == 1 and "[RW400] give either a year or since/until" in both.stderr
    bad = cli("network", "--since", "soon")
    assert bad.exit_code == 1 and "[RW400] invalid since date 'soon'" in bad.stderr
    table_out = cli("network", "--out", "x.txt")
    assert table_out.exit_code == 2 and "--out needs --format json, graphml or gexf" in table_out.stderr


# --- GraphML and GEXF --------------------------------------------------------------

@pytest.mark.parametrize("fmt, read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_files_parse_back_with_attributes(cli: Run, doc_ids: dict[str, str], tmp_path: Path,
                                                fmt: str, read: Callable[..., nx.Graph]) -> None:
    out = tmp_path / f"net.{fmt}"
    result = cli("network", "--year", "2024", "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out} (4 actors, 7 edges)\n"
    graph = read(out)
    assert graph.is_directed()
    assert sorted(graph.nodes) == ["ISKP", "PAKISTAN", "TALIBAN", "TTP"]
    iskp = graph.nodes["ISKP"]
    assert (iskp["name"], iskp["kind"], iskp["part_of"]) == ("Islamic State Khorasan Province", "armed_group", "IS")
    edge = graph.edges["ISKP", "TALIBAN"]
    assert (int(edge["sign"]), float(edge["weight"]), edge["types"], int(edge["evidence"]), edge["origin"]) == (
        -1, 19.0, "ASSAULT;FIGHT", 4, "extracted")
    assert int(graph.edges["TTP", "TALIBAN"]["sign"]) == 1
    assert edge["doc_ids"].split(";") == sorted(doc_ids[d] for d in ("D1", "D2", "D4", "D5"))


def test_graphml_to_standard_output(cli: Run, doc_ids: dict[str, str]) -> None:
    result = cli("network", "--year", "2024", "--undirected", "--format", "graphml")
    assert result.exit_code == 0
    graph = nx.parse_graphml(result.stdout)
    assert not graph.is_directed() and graph.number_of_edges() == 5


# --- imported relationships --------------------------------------------------------

def test_import_maps_types_and_names_reports_unresolved_and_adds_nothing_twice(cli: Run, mmp: Path) -> None:
    result = cli("import", "relationships", mmp, "--format", "json")
    report = _json(result)
    assert (report["rows"], report["relations"], report["added"], report["duplicates"]) == (11, 8, 8, 0)
    assert report["types"] == {"ACCUSE": 3, "COOPERATE": 2, "DEFECT": 2, "SUPPORT": 1}
    assert report["unresolved"] == {"Ansar al-Shariah (Libya)": 1, "Lashkar-e-Zil": 1}
    assert report["skipped"] == ["line 10 (row 9): unknown type 'xyz' (use all, riv, aff, spl, mer)"]
    assert result.stderr.splitlines() == [
        "unresolved: Ansar al-Shariah (Libya) (1 row skipped): add it to a --mapping file",
        "unresolved: Lashkar-e-Zil (1 row skipped): add it to a --mapping file",
    ]
    again = _json(cli("import", "relationships", mmp, "--format", "json"))
    assert (again["added"], again["duplicates"]) == (0, 8)


def test_imported_rows_are_stored_apart_with_their_evidence(cli: Run, mmp: Path, db_path: Path) -> None:
    assert cli("import", "relationships", mmp).exit_code == 0
    store = Store(db_path)
    try:
        from rivalwatch.store import schema
        with store.engine.connect() as conn:
            rows = conn.execute(schema.imported_relations.select().order_by(schema.imported_relations.c.id)).all()
        assert store.counts()["relations"] == 0
    finally:
        store.close()
    got = [(r.row_id, r.source, r.type, r.target, r.date) for r in rows]
    assert got == [
        ("1", "TTP", "COOPERATE", "TALIBAN", "2009-02-22"), ("2", "IS", "ACCUSE", "AQ", "2014-02"),
        ("3", "IS", "ACCUSE", "AQ", "2014-02"), ("4", "TTP", "DEFECT", "JUA", "2014-08"),
        ("5", "LEJ", "SUPPORT", "TTP", "2013"), ("7", "HTS", "ACCUSE", "IS", "2014-01-01"),
        ("653", "HUM", "DEFECT", "JEM", "2000-01"),  # reversed splinter row; name from knowledge/mmp.yaml
        ("11", "KATAIB_HEZBOLLAH", "COOPERATE", "NUJABA", "2013"),
    ]
    first = rows[0]
    assert (first.origin, first.source_file, first.code, first.source_name, first.evidence_text) == (
        "mmp", "relationships.csv", "all", "Tehrik-i-Taliban Pakistan", "TTP and the Taliban coordinate attacks.")
    assert rows[-1].source_name == "Kata\u2019ib Hezbollah"


def test_mapping_file_resolves_or_skips_names(cli: Run, mmp: Path, mapping: Path) -> None:
    report = _json(cli("import", "relationships", mmp, "--mapping", mapping, "--format", "json"))
    assert (report["relations"], report["added"], report["unresolved"]) == (9, 9, {})
    assert "line 9 (row 8): a name is mapped to null" in report["skipped"]
    bad = mmp.parent / "bad.yaml"
    bad.write_text("Lashkar-e-Zil: NO_SUCH_GROUP\n", encoding="utf-8")
    result = cli("import", "relationships", mmp, "--mapping", bad)
    assert result.exit_code == 1 and "[RW100]" in result.stderr and "NO_SUCH_GROUP" in result.stderr


def test_network_flags_imported_edges_and_can_leave_them_out(cli: Run, doc_ids: dict[str, str], mmp: Path,
                                                             mapping: Path) -> None:
    assert cli("import", "relationships", mmp, "--mapping", mapping).exit_code == 0
    old = _json(cli("network", "--since", "2009", "--until", "2014", "--format", "json"))
    assert _edges(old) == [
        ("AQ", "TTP", 1, 7.0, 1), ("LEJ", "TTP", 1, 7.0, 1), ("KATAIB_HEZBOLLAH", "NUJABA", 1, 6.0, 1),
        ("TTP", "TALIBAN", 1, 6.0, 1), ("HTS", "IS", -1, 2.0, 1), ("IS", "AQ", -1, 2.0, 2),
    ]
    rivalry = old["edges"][-1]
    assert (rivalry["origins"], rivalry["events"], rivalry["relation_ids"], len(rivalry["imported_ids"])) == (
        ["imported"], 1, [], 2)  # one rivalry coded twice: one event, two rows of evidence
    whole = _json(cli("network", "--format", "json"))
    aq = next(e for e in whole["edges"] if (e["source"], e["target"]) == ("AQ", "TTP"))
    assert (aq["weight"], aq["evidence"], aq["origins"]) == (14.0, 2, ["extracted", "imported"])
    assert _edges(_json(cli("network", "--since", "2009", "--until", "2014", "--no-imported", "--format", "json"))) == []


def test_import_errors(cli: Run, tmp_path: Path) -> None:
    missing = cli("import", "relationships", tmp_path / "none.csv")
    assert missing.exit_code == 1 and "[RW200]" in missing.stderr and "none.csv: file not found" in missing.stderr
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    result = cli("import", "relationships", wrong)
    assert result.exit_code == 1 and "no column type, group1_name, group2_name" in result.stderr


# --- on the real data, when the shared folder is there -----------------------------

SHARED = Path(__file__).resolve().parents[2] / "shared"
MMP_REAL = SHARED / "data" / "militant_relationships_mmp.csv"
SEEDS = SHARED / "seeds"


@pytest.mark.skipif(not MMP_REAL.is_file(), reason="shared MMP data not present")
def test_real_mapping_militants_file(cli: Run) -> None:
    report = _json(cli("import", "relationships", MMP_REAL, "--format", "json"))
    assert report["rows"] == 638
    assert report["added"] == report["relations"] > 200
    assert "Red Brigades" in report["unresolved"] and "Ansar al-Shariah (Libya)" in report["unresolved"]
    net = _json(cli("network", "--since", "2014-08", "--until", "2014-08", "--format", "json"))
    assert net["edges"] == [] or all(e["origins"] == ["imported"] for e in net["edges"])
    again = _json(cli("import", "relationships", MMP_REAL, "--format", "json"))
    assert again["added"] == 0


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")
def test_seeds_2024_iskp_against_ttp_and_taliban_ttp_with_taliban(cli: Run) -> None:
    assert cli("ingest", SEEDS).exit_code == 0
    net = _json(cli("network", "--year", "2024", "--format", "json"))
    signs = {(e["source"], e["target"]): e["sign"] for e in net["edges"]}
    assert (signs[("ISKP", "TTP")], signs[("ISKP", "TALIBAN")], signs[("TTP", "TALIBAN")]) == (-1, -1, 1)


def test_events_come_grouped_by_pair_and_scattered_events_are_refused(doc_ids: dict[str, str], db_path: Path) -> None:
    from rivalwatch.analysis.hostility import Hostility
    from rivalwatch.analysis.network import build_network
    from rivalwatch.store.events import events

    store = Store(db_path)
    try:
        found = list(events(store, version=VERSION))
    finally:
        store.close()
    pairs = [tuple(sorted((e.source, e.target))) for e in found]
    runs = [p for i, p in enumerate(pairs) if i == 0 or p != pairs[i - 1]]
    assert len(runs) == len(set(runs)) == 7  # each pair's events in one run, both directions together
    hostility = Hostility.from_knowledge(load_knowledge().hostility)
    iskp_taliban = [e for e in found if {e.source, e.target} == {"ISKP", "TALIBAN"}]
    others = [e for e in found if {e.source, e.target} != {"ISKP", "TALIBAN"}]
    scattered = iskp_taliban[:1] + others + iskp_taliban[1:]
    with pytest.raises(ValueError, match="grouped by actor pair"):
        build_network(scattered, hostility, {})
