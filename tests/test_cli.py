"""Tests for the `rivalwatch` command: the real CLI, the real spaCy model, a temporary SQLite file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import click
import pytest
from click.testing import CliRunner, Result

from rivalwatch.api import demo_corpus
from rivalwatch.cli import main
from rivalwatch.cli.base import hoist_global_options
from rivalwatch.store import Store

from .conftest import CORPUS

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

Run = Callable[..., Result]


def _json(result: Result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _triples(rows) -> list[tuple[str, str, str]]:
    return [(r["source"], r["type"], r["target"]) for r in rows]


def _counts(db_path: Path) -> dict[str, int]:
    store = Store(db_path)
    try:
        return store.counts()
    finally:
        store.close()


# --- help ------------------------------------------------------------------------------

def test_the_command_starts_without_loading_the_store_or_the_pipeline(tmp_path: Path) -> None:
    # --help and --version import click, rich and the closed vocabularies only; a command that
    # needs the store opens it itself
    heavy = ("sqlalchemy", "spacy", "numpy", "networkx", "trafilatura", "jinja2", "pypdf", "feedparser")
    probe = ("import sys; from rivalwatch.cli import main; from click.testing import CliRunner; "
             "r = CliRunner().invoke(main, ['--db', sys.argv[1], 'relations', '--help']); "
             f"print(r.exit_code, sorted(m for m in {heavy!r} if m in sys.modules))")
    db = tmp_path / "never.db"
    out = subprocess.run([sys.executable, "-c", probe, str(db)], capture_output=True, text=True, check=True)
    assert out.stdout.split(maxsplit=1) == ["0", "[]\n"]
    assert not db.exists()  # help opened no database


def test_the_cli_vocabularies_are_the_implementations_own() -> None:
    from rivalwatch.export.graph import FORMATS
    from rivalwatch.ingest.events_csv import ORIGINS
    from rivalwatch.models import EVENT_ORIGINS, GRAPH_FORMATS
    assert tuple(FORMATS) == GRAPH_FORMATS and ORIGINS == EVENT_ORIGINS


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_documents_its_options_and_ends_with_an_example(name: str) -> None:
    command = main.commands[name]
    assert "Example: rivalwatch" in command.help.strip().splitlines()[-1]
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help"
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example: rivalwatch" in result.output


# --- ingest ----------------------------------------------------------------------------

def test_ingest_stores_and_extracts_then_reingest_adds_nothing(cli: Run, corpus: Path, db_path: Path) -> None:
    first = _json(cli("ingest", corpus, "--format", "json"))
    assert first == {"files": 3, "documents": 3, "added": 3, "duplicates": 0, "extracted": 3,
                     "relations": 6, "updated": 0, "near_duplicates": 0, "outdated": 0, "errors": []}
    before = _counts(db_path)
    assert (before["documents"], before["relations"]) == (3, 6)

    second = _json(cli("ingest", corpus, "--format", "json"))
    assert second == {"files": 3, "documents": 3, "added": 0, "duplicates": 3, "extracted": 0,
                      "relations": 0, "updated": 0, "near_duplicates": 0, "outdated": 0, "errors": []}
    assert _counts(db_path) == before


def test_after_an_upgrade_ingest_extracts_only_what_it_added_and_says_what_waits(
        cli: Run, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _json(cli("ingest", corpus, "--format", "json"))
    monkeypatch.setattr("rivalwatch.api.workspace.VERSION", "rw-extract-next")  # as after an upgrade
    monkeypatch.setattr("rivalwatch.extract.pipeline.VERSION", "rw-extract-next")
    new = tmp_path / "new.txt"
    new.write_text("The TTP condemned ISKP for the attack on a mosque in Peshawar.", encoding="utf-8")
    result = cli("ingest", new)
    assert result.exit_code == 0
    assert "3 document(s) were extracted by an older extractor version" in result.stderr
    assert _json(cli("ingest", new, "--format", "json"))["outdated"] == 3
    assert _json(cli("reextract", "--outdated", "--format", "json"))["documents"] == 3  # only those
    assert _json(cli("reextract", "--outdated", "--format", "json"))["documents"] == 0
    assert "older extractor" not in cli("ingest", new).stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_ingest_in_small_chunks_and_batches_matches_one_go(workers: int, corpus: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents read and saved a few at a time, in one or two worker processes, give the same output."""
    from rivalwatch.api import workspace

    with workspace.Workspace(tmp_path / "whole.db") as ws:
        whole = ws.ingest([corpus])
        expected = (ws.store.counts(), [(r.doc_id, r.source, r.type, r.target) for r in ws.relations()])
    monkeypatch.setattr(workspace, "EXTRACT_CHUNK", 2)
    monkeypatch.setattr(workspace, "SAVE_BATCH", 2)
    seen: list[tuple[int, int]] = []
    with workspace.Workspace(tmp_path / "chunked.db", n_process=workers, batch_size=1) as ws:
        report = ws.ingest([corpus], progress=lambda done, total, _: seen.append((done, total)))
        assert (ws.store.counts(), [(r.doc_id, r.source, r.type, r.target) for r in ws.relations()]) == expected
    assert (report.added, report.extracted, report.relations) == (3, 3, whole.relations)
    assert seen[-3:] == [(1, 3), (2, 3), (3, 3)]


def test_ingest_table_summary(cli: Run, corpus: Path) -> None:
    result = cli("ingest", corpus)
    assert result.exit_code == 0
    assert "Documents read" in result.stdout
    assert "Relations found" in result.stdout
    assert result.stderr == ""


def test_bad_file_among_good_ones_is_reported_and_the_rest_go_in(cli: Run, corpus: Path, db_path: Path) -> None:
    broken = corpus / "broken.txt"
    broken.write_bytes(b"ISKP \xff\x80 attacked")
    missing = corpus / "missing.txt"
    result = cli("ingest", corpus, missing)
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert errors == [
        f"error: {broken}: not valid UTF-8 text (byte 0xff at offset 5) [RW200]",
        f"error: {missing}: file not found [RW200]",
    ]
    assert _counts(db_path)["documents"] == 3


# --- relations -------------------------------------------------------------------------

def test_a_bug_on_one_file_is_one_line_and_the_rest_of_the_batch_goes_in(
        cli: Run, corpus: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rivalwatch.api import ingest_files
    real = ingest_files.read_file

    def broken(path: Path, **kwargs: object):
        if path.name == sorted(p.name for p in corpus.iterdir())[0]:
            raise ZeroDivisionError("a bug")
        return real(path, **kwargs)

    monkeypatch.setattr(ingest_files, "read_file", broken)
    result = cli("ingest", corpus)
    assert result.exit_code == 1  # some inputs refused
    (line,) = [l for l in result.stderr.splitlines() if "RW900" in l]
    assert "RivalWatch failed (ZeroDivisionError: a bug); details in " in line
    assert Path(line.split("details in ")[1].split(" [")[0]).read_text().count("ZeroDivisionError") >= 1
    assert _counts(db_path)["documents"] == 2


def test_a_bug_in_a_command_is_one_line_and_its_own_exit_code(
        cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from rivalwatch.api.workspace import Workspace
    monkeypatch.setattr(Workspace, "actors", lambda self, **kw: 1 / 0)
    result = cli("actors")
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and "RivalWatch failed (ZeroDivisionError" in result.stderr
    assert "Traceback" not in result.output


def test_relations_source_by_alias_spelling(ingested: Run) -> None:
    rows = _json(ingested("relations", "--source", "isis-k", "--format", "json"))
    assert _triples(rows) == [("ISKP", "ASSAULT", "TALIBAN")]
    row = rows[0]
    assert (row["date"], row["location"], row["modality"]) == ("2024-07", "Kabul", "asserted")
    assert row["evidence"] == {"text": "ISKP attacked Taliban fighters in Kabul in July 2024.", "start": 0, "end": 53}
    assert _triples(_json(ingested("relations", "--target", "ISIS-K", "--format", "json"))) == [
        ("TALIBAN", "COERCE", "ISKP"), ("QARI_SHOAIB_BAJAURI", "ACCUSE", "ISKP"), ("TTP", "REJECT", "ISKP"),
        ("TTP", "COOPERATE", "ISKP"),
    ]


def test_relations_type_since_until_and_modality(ingested: Run) -> None:
    assert _triples(_json(ingested("relations", "--type", "coerce", "--format", "json"))) == [
        ("TALIBAN", "COERCE", "ISKP")]
    assert _triples(_json(ingested("relations", "--since", "2024-06", "--format", "json"))) == [
        ("QARI_SHOAIB_BAJAURI", "ACCUSE", "ISKP"), ("ISKP", "ASSAULT", "TALIBAN")]
    assert _triples(_json(ingested("relations", "--until", "2024-03", "--format", "json"))) == [
        ("TALIBAN", "COERCE", "ISKP"), ("PAKISTAN", "ASSAULT", "TTP")]
    assert _triples(_json(ingested("relations", "--modality", "negated", "--format", "json"))) == [
        ("TTP", "COOPERATE", "ISKP")]
    assert len(_json(ingested("relations", "--limit", "2", "--format", "json"))) == 2


def test_relations_group_level_rolls_bajauri_up_to_ttp(ingested: Run) -> None:
    rows = _json(ingested("relations", "--source", "TTP", "--group-level", "--format", "json"))
    assert [(r["source"], r["source_as_written"], r["type"], r["target"]) for r in rows] == [
        ("TTP", "QARI_SHOAIB_BAJAURI", "ACCUSE", "ISKP"), ("TTP", "TTP", "REJECT", "ISKP"),
        ("TTP", "TTP", "COOPERATE", "ISKP")]


def test_relations_table_shows_the_evidence_sentence(ingested: Run) -> None:
    result = ingested("relations", "--source", "ISKP")
    assert result.exit_code == 0
    assert "ASSAULT" in result.stdout and "TALIBAN" in result.stdout
    assert "ISKP attacked Taliban fighters in Kabul" in result.stdout


def test_relations_errors_are_coded(ingested: Run) -> None:
    unknown = ingested("relations", "--source", "Hamas")
    assert unknown.exit_code == 1
    assert "[RW404] unknown actor 'Hamas'" in unknown.stderr
    bad_date = ingested("relations", "--since", "soon")
    assert bad_date.exit_code == 1
    assert "[RW400] invalid since date 'soon'" in bad_date.stderr


def test_global_options_may_follow_the_command(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "after.db"
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(corpus), "--db", str(db), "--format", "json", "--workers=1"])
    assert _json(result)["added"] == 3 and _counts(db)["documents"] == 3
    listed = runner.invoke(main, ["relations", "--format", "json", f"--db={db}", "--type", "accuse"])
    assert _json(listed) and {r["type"] for r in _json(listed)} == {"ACCUSE"}
    assert hoist_global_options(["show", "--", "--db"]) == ["show", "--", "--db"]  # after --, a value


def test_db_defaults_to_the_environment_variable(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "from-env.db"
    result = CliRunner().invoke(main, ["ingest", str(corpus / "bajaur.txt"), "--format", "json"],
                                env={"RIVALWATCH_DB": str(db)})
    assert json.loads(result.stdout)["relations"] == 1
    assert _counts(db)["relations"] == 1


# --- actors and show -------------------------------------------------------------------

def test_actors_lists_aliases_and_mention_counts(ingested: Run) -> None:
    actors = {a["id"]: a for a in _json(ingested("actors", "--format", "json"))}
    assert {"ISKP", "TALIBAN", "TTP", "PAKISTAN", "QARI_SHOAIB_BAJAURI"} <= set(actors)
    assert actors["ISKP"]["mentions"] == 4
    assert "ISIS-K" in actors["ISKP"]["aliases"]
    assert actors["QARI_SHOAIB_BAJAURI"]["part_of"] == "TTP"
    people = _json(ingested("actors", "--kind", "person", "--format", "json"))
    assert [a["id"] for a in people] == ["QARI_SHOAIB_BAJAURI"]


def test_show_document_by_id_prefix(ingested: Run, corpus: Path) -> None:
    rows = _json(ingested("relations", "--type", "COERCE", "--format", "json"))
    view = _json(ingested("show", rows[0]["doc_id"][:8], "--format", "json"))
    assert view["doc"]["source"] == str(corpus / "kunduz.txt")
    assert view["doc"]["title"] == CORPUS["kunduz.txt"].strip()  # the first line, short enough
    assert _triples(view["relations"]) == [("TALIBAN", "COERCE", "ISKP"), ("QARI_SHOAIB_BAJAURI", "ACCUSE", "ISKP")]
    table = ingested("show", rows[0]["doc_id"][:8])
    assert table.exit_code == 0 and "kunduz.txt" in table.stdout
    by_file = _json(ingested("show", corpus / "kunduz.txt", "--format", "json"))  # the file it came from
    assert by_file["doc"]["id"] == view["doc"]["id"]


def test_documents_lists_a_page_and_says_what_follows(ingested: Run, corpus: Path) -> None:
    page = _json(ingested("documents", "--limit", "2", "--format", "json"))
    assert (page["total"], len(page["items"]), page["next_offset"]) == (3, 2, 2)
    assert {d["source"] for d in page["items"]} <= {str(p) for p in corpus.iterdir()}
    rest = _json(ingested("documents", "--offset", "2", "--format", "json"))
    assert len(rest["items"]) == 1 and rest["next_offset"] is None
    table = ingested("documents", "--limit", "2")
    assert table.exit_code == 0 and "1 more: --offset 2" in table.stdout


# --- re-extraction ---------------------------------------------------------------------

def test_reextract_replaces_output_without_duplicates(ingested: Run, db_path: Path) -> None:
    before = _counts(db_path)
    triples = sorted(_triples(_json(ingested("relations", "--format", "json"))))
    report = _json(ingested("reextract", "--format", "json"))
    assert (report["documents"], report["relations"]) == (3, 6)
    assert _counts(db_path) == before
    assert sorted(_triples(_json(ingested("relations", "--format", "json")))) == triples
    store = Store(db_path)
    assert [r["documents"] for r in store.runs()] == [3, 3]
    store.close()


# --- extract ---------------------------------------------------------------------------

@pytest.mark.sqlite_only  # no database is made: a file that does not appear
def test_extract_writes_gold_json_whose_evidence_slices_the_source(cli: Run, corpus: Path, tmp_path: Path,
                                                                   db_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [{"text": CORPUS["bajaur.txt"].strip(), "published": "2024-04-02"},
               {"text": CORPUS["kabul.txt"].strip(), "title": "Kabul"}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    result = cli("extract", corpus / "kabul.txt", corpus / "kunduz.txt", feed, "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["feed-1.json", "feed-2.json", "kabul.json", "kunduz.json"]
    assert not db_path.exists()

    sources = {"kabul.json": CORPUS["kabul.txt"], "kunduz.json": CORPUS["kunduz.txt"],
               "feed-1.json": records[0]["text"], "feed-2.json": records[1]["text"]}
    checked = 0
    for name, source in sources.items():
        gold = json.loads((out / name).read_text(encoding="utf-8"))
        for relation in gold["relations"]:
            evidence = relation["evidence"]
            assert source[evidence["start"]:evidence["end"]] == evidence["text"]
            checked += 1
    assert checked == 9
    feed1 = json.loads((out / "feed-1.json").read_text(encoding="utf-8"))
    assert feed1["doc"]["published"] == "2024-04-02"
    assert [(r["source"], r["type"], r["target"], r["date"]) for r in feed1["relations"]] == [
        ("PAKISTAN", "ASSAULT", "TTP", "2024-03")]


def test_extract_reports_bad_input_and_exits_1(cli: Run, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("extract", corpus / "kabul.txt", corpus / "nope.pdf", "--out", out)
    assert result.exit_code == 1
    assert result.stderr == f"error: {corpus / 'nope.pdf'}: file not found [RW200]\n"
    assert [p.name for p in out.iterdir()] == ["kabul.json"]


# --- eval ------------------------------------------------------------------------------

EVAL_TEXT = ("ISKP attacked Taliban fighters in Kabul in July 2024. "
             "Many former TTP commanders now fight under the ISKP banner. "
             "The TTP denied any links to ISKP.\n")
EVAL_GOLD = {
    "doc": {"id": "clash", "title": None, "published": "2024-08-01", "source": "clash.txt"},
    "actors": [
        {"id": "ISKP", "kind": "armed_group", "names": ["ISKP", "ISIS-K"]},
        {"id": "TALIBAN", "kind": "armed_group", "names": ["Taliban", "Afghan Taliban", "Taliban fighters"]},
        {"id": "TTP", "kind": "armed_group", "names": ["TTP"]},
    ],
    "relations": [
        # found by the extractor
        {"source": "ISKP", "type": "ASSAULT", "target": "TALIBAN", "modality": "asserted", "date": "2024-07",
         "evidence": "ISKP attacked Taliban fighters"},
        # found by the classifier, though only implied by "fight under the ISKP banner"
        {"source": "TTP", "type": "DEFECT", "target": "ISKP", "modality": "asserted", "date": None,
         "evidence": "former TTP commanders now fight under the ISKP banner"},
        # found: denying links is a rejection (ontology.md: REJECT "deny affiliation")
        {"source": "TTP", "type": "REJECT", "target": "ISKP", "modality": "asserted", "date": None,
         "evidence": "The TTP denied any links to ISKP."},
        # not to be found as fact
        {"source": "TTP", "type": "COOPERATE", "target": "ISKP", "modality": "negated", "date": None,
         "evidence": "denied any links"},
    ],
}


@pytest.fixture
def gold_set(tmp_path: Path) -> tuple[Path, Path]:
    gold, docs = tmp_path / "gold", tmp_path / "docs"
    gold.mkdir()
    docs.mkdir()
    (docs / "clash.txt").write_text(EVAL_TEXT, encoding="utf-8")
    (gold / "clash.json").write_text(json.dumps(EVAL_GOLD), encoding="utf-8")
    return gold, docs


def test_eval_scores_found_missed_and_nonfactual_relations(cli: Run, gold_set: tuple[Path, Path]) -> None:
    gold, docs = gold_set
    result = _json(cli("eval", gold, "--docs", docs, "--format", "json", "--verbose"))
    overall = result["overall"]
    # By hand: predicted facts {ISKP ASSAULT TALIBAN, TTP DEFECT ISKP, TTP REJECT ISKP}, the gold facts;
    # the negated COOPERATE is not predicted as fact: P = R = F1 = 1 at both levels.
    assert overall["exact"] == {"tp": 3, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert overall["quad"] == {"tp": 3, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert overall["actors"] == {"tp": 3, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert overall["nonfactual_as_fact"] == 0
    assert overall["documents"] == 1
    assert result["documents"][0]["missed"] == []
    assert result["documents"][0]["spurious"] == []


def test_eval_table_prints_the_overall_line_and_misses(cli: Run, gold_set: tuple[Path, Path]) -> None:
    gold, docs = gold_set
    (gold / "clash.json").rename(gold / "renamed.json")  # matched by doc.source, not by stem
    result = cli("eval", gold, "--docs", docs, "--verbose")
    assert result.exit_code == 0, result.output
    (gold / "renamed.json").write_text(json.dumps({**EVAL_GOLD, "relations": EVAL_GOLD["relations"] + [
        {"source": "TALIBAN", "type": "CONSULT", "target": "TTP", "modality": "asserted", "evidence": "x"}]}))
    result = cli("eval", gold, "--docs", docs, "--verbose")
    assert "relations exact P=1.000 R=0.750 F1=0.857" in result.stdout
    assert "negated/hypothetical predicted as fact: 0" in result.stdout
    assert "missed: TALIBAN CONSULT TTP" in result.stdout


def test_eval_without_matching_document_is_a_coded_error(cli: Run, gold_set: tuple[Path, Path], tmp_path: Path) -> None:
    gold, _ = gold_set
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("eval", gold, "--docs", empty)
    assert result.exit_code == 1
    assert "[RW500]" in result.stderr and "clash.json: no document" in result.stderr


# --- demo and the installed entry points -----------------------------------------------

def test_demo_ingests_the_bundled_corpus(cli: Run, db_path: Path) -> None:
    files = [p for p in demo_corpus().iterdir() if p.suffix in {".txt", ".md", ".html", ".htm", ".jsonl"}]
    report = _json(cli("demo", "--format", "json"))
    assert report["ingest"]["files"] == len(files)
    assert report["ingest"]["errors"] == []
    assert report["counts"]["documents"] == _counts(db_path)["documents"] >= len(files)
    assert report["counts"]["relations"] > 0
    assert len(report["relations"]) == min(25, report["counts"]["relations"])


def test_python_dash_m_runs_the_cli(corpus: Path, db_path: Path) -> None:
    env = {**os.environ, "RIVALWATCH_DB": str(db_path)}
    done = subprocess.run([sys.executable, "-m", "rivalwatch", "ingest", str(corpus / "kabul.txt"), "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["relations"] == 3
    listed = subprocess.run([sys.executable, "-m", "rivalwatch", "relations", "--source", "ISK", "--format", "json"],
                            capture_output=True, text=True, env=env, timeout=300, check=False)
    assert listed.returncode == 0, listed.stderr
    assert _triples(json.loads(listed.stdout)) == [("ISKP", "ASSAULT", "TALIBAN")]


def test_piped_tables_are_as_wide_as_columns_says(ingested: Run, db_path: Path) -> None:
    for columns, widest in (("100", 100), ("", 160)):
        result = CliRunner().invoke(main, ["--db", str(db_path), "relations"], env={"COLUMNS": columns})
        assert result.exit_code == 0 and max(len(line) for line in result.stdout.splitlines()) <= widest


def test_tables_print_ingested_markup_literally(cli: Run, tmp_path: Path) -> None:
    """Ingested text is hostile: rich markup in a sentence must neither style nor vanish."""
    doc = tmp_path / "markup.jsonl"
    doc.write_text('{"text": "ISKP attacked Taliban fighters in Kabul, said [red]X[/red].", "title": "[bold]T[/bold]"}\n',
                   encoding="utf-8")
    db = tmp_path / "m.db"
    assert cli("--db", db, "ingest", doc).exit_code == 0
    result = cli("--db", db, "relations")
    assert result.exit_code == 0, result.output
    assert "said [red]X[/red]." in result.stdout
    assert "[bold]T[/bold]" in cli("--db", db, "documents").stdout


@pytest.mark.parametrize("how", ["SIGINT to the group", "SIGTERM to the parent", "SIGKILL to the parent"])
def test_stopping_an_ingest_with_workers_stops_them_quietly_and_a_rerun_completes(tmp_path: Path, how: str) -> None:
    import signal
    import time
    folder = tmp_path / "in"
    folder.mkdir()
    seed = "\n\n".join(CORPUS.values()) * 12
    for n in range(12):
        (folder / f"d{n}.txt").write_text(f"{seed}\nCopy {n}\n", encoding="utf-8")
    db = tmp_path / "stop.db"
    command = [sys.executable, "-m", "rivalwatch", "--db", str(db), "--workers", "2", "ingest", str(folder)]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline, workers = time.monotonic() + 120, []
    while len(workers) < 2 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.2)
        found = subprocess.run(["pgrep", "-P", str(run.pid)], capture_output=True, text=True).stdout.split()
        workers = [int(p) for p in found]
    assert len(workers) == 2, "the workers never started"
    name, target = how.split(" to the ")
    (os.killpg if target == "group" else os.kill)(run.pid, getattr(signal, name))
    _, err = run.communicate(timeout=60)
    time.sleep(1)
    assert not [p for p in workers if Path(f"/proc/{p}").exists() and "zombie" not in Path(f"/proc/{p}/status").read_text().lower()]
    if name != "SIGKILL":
        assert run.returncode == 130
        assert err.strip() == "Interrupted: what was stored stays; run the same command again to go on."
    rerun = subprocess.run([sys.executable, "-m", "rivalwatch", "--db", str(db), "ingest", str(folder), "--format", "json"],
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    counts = _counts(db)
    assert counts["documents"] == 12
    store = Store(db)
    try:
        assert store.document_ids(unextracted=True) == []  # every document extracted, once
    finally:
        store.close()


def test_a_relations_table_is_one_page_unless_asked_and_json_is_everything(
        ingested: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from rivalwatch.cli import core
    every = _json(ingested("relations", "--format", "json"))
    monkeypatch.setattr(core, "TABLE_ROWS", 2)
    table = ingested("relations")
    assert f"first 2 of {len(every)}" in table.stdout and f"{len(every) - 2} more: --limit N or --all" in table.stdout
    assert "more:" not in ingested("relations", "--all").stdout
    assert len(_json(ingested("relations", "--format", "json", "--limit", "3"))) == 3
