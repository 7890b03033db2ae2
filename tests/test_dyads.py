"""`rivalwatch dyad` and `rivalwatch alerts` on a hand-built store, plus the seeds.

The fixture store holds relations we wrote by hand (no extractor), so every number
below was computed by hand from this table. Weights (knowledge/hostility.yaml):
FIGHT 10, ASSAULT 9, THREATEN 5, REJECT 3, ACCUSE 2, COOPERATE -6, COERCE 7;
asserted x1, alleged x0.5, negated and hypothetical x0.

  doc (published)  relation as written                          modality      date
  A (2023-02-15)   ISKP COOPERATE TTP                           asserted      2023-02-10
  B (2023-08-20)   ISKP ACCUSE TTP                              asserted      2023-08
                   TALIBAN COERCE ISKP                          asserted      2023-05
  C (2024-09-30)   ISKP ACCUSE TTP                              asserted      2024-07-14
                   ISKP ACCUSE TTP                              asserted      2024-08
                   ISKP ASSAULT TTP                             asserted      2024-09-20
                   ISKP FIGHT TTP                               asserted      2024-08-05
  D (2024-09-10)   ISKP ACCUSE TTP (C's event again)            asserted      2024-07-14
                   ISKP THREATEN TTP                            alleged       2024-09-01
  E (2024-10-05)   ISKP ASSAULT TTP (C's event, weaker)         alleged       2024-09-20
                   TTP FIGHT ISKP (C's clash, other way round)  asserted      2024-08-05
                   ISKP ACCUSE TTP                              negated       2024-07-20
                   ISKP ASSAULT TTP                             hypothetical  2024-07-21
  F (2024-07-03)   QARI_SHOAIB_BAJAURI ACCUSE ISKP (TTP's)      asserted      2024-07-02
  G (2024-07-01)   ISKP REJECT TTP                              asserted      2024-06-30
                   ISKP ACCUSE TTP                              asserted      2024 (year only)
  H (undated)      ISKP ACCUSE TTP                              asserted      -
  I (2024-03-10)   TALIBAN ACCUSE ISKP                          asserted      2024-02-01
                   TALIBAN THREATEN ISKP                        asserted      2024-03-03
  Z (2022-01-20)   TALIBAN ACCUSE PAKISTAN (the store's first)  asserted      2022-01-20

ISKP->TTP by quarter: 2023-Q1 -6 | Q2 0 | Q3 +2 | Q4 0 | "2024" +2 (its own row) |
2024-Q1 0 | Q2 +3 | Q3 2+2+2.5+9+10 = 25.5 (ACCUSE 07-14 is one event with two
reports, the ASSAULT one asserted event, the FIGHT one clash). TTP->ISKP 2024-Q3:
FIGHT 10 + Bajauri's ACCUSE 2 = 12; dyad 2024-Q3: 25.5 + 2 = 27.5 (the clash once).

Alerts by quarter (window 4, sigma floor 2, k 2, first-of-type factor 0.5):
1. ISKP->TTP 2024-Q3: window 2, 0, 0, 3: mean 1.25, sd 1.299 -> 2; (25.5-1.25)/2 =
   12.125 (escalation); first THREATEN, ASSAULT, FIGHT: (5+9+10) x 0.5 / 2 = 6.
2. ISKP->TTP 2023-Q3: previous period 2023-Q1 at -6, now +2 (cooperation to
   conflict); window -6, 0, 0, 0: mean -1.5, sd 2.598; 8/2.598 = 3.079.
3. TALIBAN->ISKP 2024-Q1: two verbal-conflict events after a window with none
   (denunciation after silence); window 7 (2023-Q2): sd 3.031; 7/3.031 = 2.309.
4. ISKP->TTP 2024-Q2: first REJECT: 3 x 0.5 / 2 = 0.75.
A dyad's first period (ISKP->TTP 2023-Q1, TTP->ISKP 2024-Q3, TALIBAN->ISKP
2023-Q2) never alerts, nor do the store's first four quarters (2022: no baseline).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result
from sqlalchemy.exc import OperationalError

from rivalwatch.store import Store

from .conftest import store_relations

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

Run = Callable[..., Result]

DOCS = {"A": "2023-02-15", "B": "2023-08-20", "C": "2024-09-30", "D": "2024-09-10", "E": "2024-10-05",
        "F": "2024-07-03", "G": "2024-07-01", "H": None, "I": "2024-03-10", "Z": "2022-01-20"}
RELATIONS = [
    ("A", "ISKP", "COOPERATE", "TTP", "asserted", "2023-02-10"),
    ("B", "ISKP", "ACCUSE", "TTP", "asserted", "2023-08"),
    ("B", "TALIBAN", "COERCE", "ISKP", "asserted", "2023-05"),
    ("C", "ISKP", "ACCUSE", "TTP", "asserted", "2024-07-14"),
    ("C", "ISKP", "ACCUSE", "TTP", "asserted", "2024-08"),
    ("C", "ISKP", "ASSAULT", "TTP", "asserted", "2024-09-20"),
    ("C", "ISKP", "FIGHT", "TTP", "asserted", "2024-08-05"),
    ("D", "ISKP", "ACCUSE", "TTP", "asserted", "2024-07-14"),
    ("D", "ISKP", "THREATEN", "TTP", "alleged", "2024-09-01"),
    ("E", "ISKP", "ASSAULT", "TTP", "alleged", "2024-09-20"),
    ("E", "TTP", "FIGHT", "ISKP", "asserted", "2024-08-05"),
    ("E", "ISKP", "ACCUSE", "TTP", "negated", "2024-07-20"),
    ("E", "ISKP", "ASSAULT", "TTP", "hypothetical", "2024-07-21"),
    ("F", "QARI_SHOAIB_BAJAURI", "ACCUSE", "ISKP", "asserted", "2024-07-02"),
    ("G", "ISKP", "REJECT", "TTP", "asserted", "2024-06-30"),
    ("G", "ISKP", "ACCUSE", "TTP", "asserted", "2024"),
    ("H", "ISKP", "ACCUSE", "TTP", "asserted", None),
    ("I", "TALIBAN", "ACCUSE", "ISKP", "asserted", "2024-02-01"),
    ("I", "TALIBAN", "THREATEN", "ISKP", "asserted", "2024-03-03"),
    ("Z", "TALIBAN", "ACCUSE", "PAKISTAN", "asserted", "2022-01-20"),
]
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


@pytest.fixture
def doc_ids(db_path: Path) -> dict[str, str]:
    return store_relations(db_path, DOCS, RELATIONS)


def _json(result: Result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _series(data: dict, direction: str) -> list[tuple[str, float]]:
    return [(p["period"], p["directions"][direction]["hostility"]) for p in data["periods"]]


# --- dyad ------------------------------------------------------------------------------

def test_dyad_by_quarter_counts_events_not_reports(cli: Run, doc_ids: dict[str, str]) -> None:
    data = _json(cli("dyad", "isis-k", "Pakistani Taliban", "--by", "quarter", "--format", "json"))
    assert (data["x"], data["y"], data["level"]) == ("ISKP", "TTP", "group")
    assert _series(data, "ISKP->TTP") == [
        ("2023-Q1", -6.0), ("2023-Q2", 0.0), ("2023-Q3", 2.0), ("2023-Q4", 0.0), ("2024", 2.0),
        ("2024-Q1", 0.0), ("2024-Q2", 3.0), ("2024-Q3", 25.5)]
    assert _series(data, "TTP->ISKP")[-1] == ("2024-Q3", 12.0)
    q3 = data["periods"][-1]
    assert q3["hostility"] == 27.5                      # the clash counts once for the dyad
    assert q3["directions"]["ISKP->TTP"] == {
        "events": 5, "hostility": 25.5, "types": {"ACCUSE": 2, "ASSAULT": 1, "FIGHT": 1, "THREATEN": 1},
        "quad": {"material_conflict": 2, "verbal_conflict": 3}}
    assert [p["precision"] for p in data["periods"]].count("year") == 1
    events = {(e["direction"], e["type"], e["when"]): e for e in q3["events"]}
    assert len(events) == len(q3["events"]) == 6       # negated and hypothetical relations are no events
    accuse = events[("ISKP->TTP", "ACCUSE", "2024-07-14")]
    assert (accuse["reports"], accuse["doc_ids"]) == (2, sorted([doc_ids["C"], doc_ids["D"]]))
    assault = events[("ISKP->TTP", "ASSAULT", "2024-09-20")]
    assert (assault["modality"], assault["hostility"], assault["reports"]) == ("asserted", 9.0, 2)
    threat = events[("ISKP->TTP", "THREATEN", "2024-09-01")]
    assert (threat["modality"], threat["hostility"]) == ("alleged", 2.5)
    fight = events[("ISKP<->TTP", "FIGHT", "2024-08-05")]
    assert (fight["hostility"], fight["doc_ids"]) == (10.0, sorted([doc_ids["C"], doc_ids["E"]]))
    assert len(fight["relation_ids"]) == 2
    undated = data["undated"]
    assert (undated["hostility"], [e["doc_ids"] for e in undated["events"]]) == (2.0, [[doc_ids["H"]]])


def test_dyad_by_month_and_as_written(cli: Run, doc_ids: dict[str, str]) -> None:
    months = _json(cli("dyad", "ISKP", "TTP", "--by", "month", "--since", "2024-07", "--format", "json"))
    assert _series(months, "ISKP->TTP") == [("2024", 2.0), ("2024-07", 2.0), ("2024-08", 12.0), ("2024-09", 11.5)]
    assert months["undated"]["events"] == []           # --since drops undated events
    written = _json(cli("dyad", "TTP", "ISKP", "--actors-as-written", "--since", "2024-07", "--format", "json"))
    assert written["level"] == "as_written"
    assert _series(written, "TTP->ISKP")[-1] == ("2024-Q3", 10.0)   # Bajauri's accusation is not TTP's as written


def test_dyad_table_chart_and_evidence(cli: Run, doc_ids: dict[str, str]) -> None:
    result = cli("dyad", "ISKP", "TTP", "--evidence")
    assert result.exit_code == 0, result.output
    assert "ISKP and TTP by quarter (group level)" in result.output
    assert "+25.5" in result.output and "+27.5" in result.output
    assert "ISKP->TTP  ▾·▂··▂█" in result.output       # quarters only: cooperation, none, hostility...
    assert f"[{doc_ids['D'][:8]} #" in result.output
    assert "ISKP ACCUSE TTP (asserted, 2024-07-14)." in result.output
    assert "ISKP ASSAULT TTP (hypothetical, 2024-07-21)." not in result.output


def test_dyad_rejects_one_actor_twice_and_unknown_ones(cli: Run, doc_ids: dict[str, str]) -> None:
    same = cli("dyad", "ISKP", "isis-k")
    assert same.exit_code == 1 and "[RW400]" in same.output and "same actor" in same.output
    unknown = cli("dyad", "ISKP", "Nobody Front")
    assert unknown.exit_code == 1 and "unknown actor" in unknown.output


# --- alerts ----------------------------------------------------------------------------

def test_alerts_rank_escalation_shift_silence_and_first_of_type(cli: Run, doc_ids: dict[str, str]) -> None:
    data = _json(cli("alerts", "--since", "2023", "--format", "json"))
    assert (data["by"], data["since"], data["window"]) == ("quarter", "2023-Q1", 4)
    got = [(a["source"], a["target"], a["period"], a["score"], a["kinds"]) for a in data["alerts"]]
    assert got == [
        ("ISKP", "TTP", "2024-Q3", 12.125, ["escalation", "first_of_type"]),
        ("ISKP", "TTP", "2023-Q3", 3.079, ["cooperation_to_conflict", "first_of_type"]),
        ("TALIBAN", "ISKP", "2024-Q1", 2.309, ["denunciation_after_silence", "first_of_type"]),
        ("ISKP", "TTP", "2024-Q2", 0.75, ["first_of_type"]),
    ]
    top = data["alerts"][0]
    assert (top["hostility"], top["baseline"]) == (25.5, {"mean": 1.25, "std": 1.299, "periods": 4})
    assert top["new_types"] == ["ASSAULT", "FIGHT", "THREATEN"]
    cited = [(e["type"], e["when"], e["hostility"], e["doc_ids"]) for e in top["evidence"]]
    assert cited[:3] == [("FIGHT", "2024-08-05", 10.0, sorted([doc_ids["C"], doc_ids["E"]])),
                         ("ASSAULT", "2024-09-20", 9.0, sorted([doc_ids["C"], doc_ids["E"]])),
                         ("THREATEN", "2024-09-01", 2.5, [doc_ids["D"]])]
    assert top["evidence"][0]["evidence"][0]["text"].startswith(("ISKP FIGHT TTP", "TTP FIGHT ISKP"))
    shift = data["alerts"][1]
    assert shift["previous"] == {"period": "2023-Q1", "hostility": -6.0}


def test_alerts_since_limit_and_table(cli: Run, doc_ids: dict[str, str]) -> None:
    data = _json(cli("alerts", "--since", "2024-04", "--limit", "1", "--format", "json"))
    assert [(a["period"], a["score"]) for a in data["alerts"]] == [("2024-Q3", 12.125)]
    # the latest 8 quarters (2022-Q4 to 2024-Q3), but not the store's first 4 (2022)
    default = _json(cli("alerts", "--format", "json"))
    assert default["since"] == "2023-Q1" and len(default["alerts"]) == 4
    early = _json(cli("alerts", "--since", "2021", "--format", "json"))
    assert early["since"] == "2023-Q1" and early["alerts"] == default["alerts"]
    months = _json(cli("alerts", "--by", "month", "--since", "2024-07", "--format", "json"))
    # by month (window 6): 2024-08 holds 12 against 2024-06 (3) and 2024-07 (2): (12 - 5/6) / 2
    assert [(a["source"], a["target"], a["period"], a["score"], a["kinds"]) for a in months["alerts"]][0] == (
        "ISKP", "TTP", "2024-08", 5.583, ["escalation", "first_of_type"])
    table = cli("alerts", "--since", "2023")
    assert table.exit_code == 0, table.output
    assert "ISKP -> TTP" in table.output and "12.12" in table.output and "escalation" in table.output
    assert "hostility 25.5 against 1.25 ± 1.299" in table.output


def test_alerts_see_new_relations_and_match_the_live_query(cli: Run, doc_ids: dict[str, str], db_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    before = _json(cli("alerts", "--since", "2024-10", "--format", "json"))
    assert before["alerts"] == []
    store_relations(db_path, {"J": "2024-11-02"}, [("J", "TTP", "PLEDGE", "ISKP", "asserted", "2024-11")])
    after = _json(cli("alerts", "--since", "2024-10", "--format", "json"))
    assert [(a["source"], a["target"], a["period"], a["kinds"]) for a in after["alerts"]] == [
        ("TTP", "ISKP", "2024-Q4", ["conflict_to_cooperation", "first_of_type"])]
    kept = _json(cli("alerts", "--since", "2023", "--format", "json"))

    # a store that cannot be written computes the same series inside the query
    opened = Store.__init__

    def read_only(self: Store, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        opened(self, *args, **kwargs)
        self.engine = _ReadOnly(self.engine)

    monkeypatch.setattr(Store, "__init__", read_only)
    live = _json(cli("alerts", "--since", "2023", "--format", "json"))
    assert live == kept


class _ReadOnly:
    """An engine whose transactions fail, as on a read-only database."""

    def __init__(self, engine):  # noqa: ANN001
        self._engine = engine

    def begin(self):  # noqa: ANN201
        raise OperationalError("BEGIN", {}, Exception("attempt to write a readonly database"))

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._engine, name)


def test_reposts_are_not_counted_again(cli: Run, doc_ids: dict[str, str], db_path: Path) -> None:
    """A near-duplicate repost of D, published later, would add an ISKP->TTP event in 2024-Q4."""
    import datetime as dt

    from rivalwatch.store import schema as s

    repost = store_relations(db_path, {"K": "2024-11-20"}, [("K", "ISKP", "ACCUSE", "TTP", "asserted", None)])["K"]
    counted = _json(cli("dyad", "ISKP", "TTP", "--since", "2024-10", "--format", "json"))
    assert _series(counted, "ISKP->TTP") == [("2024", 2.0), ("2024-Q4", 2.0)]   # G's bare year overlaps too
    store = Store(db_path)
    try:
        with store.engine.begin() as conn:
            conn.execute(s.document_links.insert().values(doc_id=repost, duplicate_of=doc_ids["D"], similarity=0.97,
                                                          linked_at=dt.datetime(2024, 11, 21)))
    finally:
        store.close()
    left = _json(cli("dyad", "ISKP", "TTP", "--since", "2024-10", "--format", "json"))
    assert _series(left, "ISKP->TTP") == [("2024", 2.0)]
    alerts = _json(cli("alerts", "--since", "2023", "--format", "json"))["alerts"]
    assert [(a["period"], a["score"]) for a in alerts][:2] == [("2024-Q3", 12.125), ("2023-Q3", 3.079)]


# --- the seeds ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    from click.testing import CliRunner

    from rivalwatch.cli import main

    path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    result = CliRunner().invoke(main, ["--db", str(path), "ingest", str(SEEDS)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


def test_seeds_2024_rivalry_shows_in_dyads_and_alerts(seeds_db: Path) -> None:
    from click.testing import CliRunner

    from rivalwatch.cli import main

    def run(*args: str) -> dict:
        return _json(CliRunner().invoke(main, ["--db", str(seeds_db), *args], catch_exceptions=False))

    data = run("dyad", "ISKP", "TTP", "--by", "quarter", "--format", "json")
    quarters = dict((p["period"], p["directions"]["ISKP->TTP"]) for p in data["periods"] if p["precision"] == "quarter")
    # ISKP denounces the TTP in every quarter from mid-2024 (most of the propaganda war is in an
    # article without a publication date: those accusations are undated, listed apart)
    # (2024-Q4's net hostility also holds a co-operation the model reads into "ISKP's shifting posture
    # toward the TTP", dated by its article: the accusations are what this checks)
    assert all(quarters[q]["types"].get("ACCUSE") for q in ("2024-Q2", "2024-Q3", "2024-Q4"))
    assert all(quarters[q]["hostility"] > 0 for q in ("2024-Q2", "2024-Q3"))
    assert data["undated"]["directions"]["ISKP->TTP"]["types"].get("ACCUSE", 0) >= 2
    alerts = {(a["source"], a["target"]): a for a in run("alerts", "--since", "2024", "--format", "json")["alerts"]}
    on_taliban, on_iskp = alerts[("ISKP", "TALIBAN")], alerts[("TTP", "ISKP")]
    assert on_taliban["period"] == on_iskp["period"] == "2024-Q4"
    # ISKP escalates against the Taliban; the TTP's side of 2024-Q4 also holds the alleged tactical
    # co-operation of both groups (an undated sentence about the past, dated by the publication), so
    # it alerts as a first of its type rather than as an escalation
    assert "escalation" in on_taliban["kinds"] and on_iskp["kinds"]

    def texts(alert: dict) -> list[str]:
        return [r["text"].lower() for e in alert["evidence"] for r in e["evidence"]]

    assert any("al azaim" in t for t in texts(on_taliban))                 # ISKP's outlet against the Taliban
    assert any("no affiliations or agreements with iskp" in t for t in texts(on_iskp))
    assert any("rebuttal" in t for t in texts(on_iskp))


@pytest.mark.parametrize("by", ["month", "quarter", "year"])
def test_counts_without_events_match_the_full_timeline(doc_ids: dict[str, str], db_path: Path, by: str) -> None:
    """`events=False` (the API's default) counts in SQL; every number matches the event-by-event timeline,
    the year-only date's own row, the undated event and the clash counted once included."""
    from rivalwatch.api import Workspace

    with Workspace(db_path) as ws:
        for x, y, as_written in (("ISKP", "TTP", False), ("TALIBAN", "ISKP", False), ("ISKP", "QARI_SHOAIB_BAJAURI", True)):
            full = ws.dyad(x, y, by=by, as_written=as_written).as_dict()
            for period in [*full["periods"], full["undated"]]:
                assert period["events"] or period["hostility"] == 0
                period["events"] = []
            assert ws.dyad(x, y, by=by, as_written=as_written, events=False).as_dict() == full
