"""Extraction on a real local Dask cluster (`--cluster local:2`): the same records as one process."""
from __future__ import annotations

import json
from pathlib import Path

from .conftest import runner_for


def _relations(run) -> list[dict]:
    result = run("relations", "--all", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_cluster_run_stores_what_one_process_stores(tmp_path: Path, corpus: Path) -> None:
    one = runner_for(tmp_path / "one.db")
    assert json.loads(one("ingest", corpus, "--format", "json").stdout)["added"] == 3
    clustered = runner_for(tmp_path / "cluster.db")
    result = clustered("--cluster", "local:2", "ingest", corpus, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 3
    expected = _relations(one)
    assert expected and _relations(clustered) == expected   # same relations, same ids
    again = clustered("ingest", corpus, "--cluster", "local:1", "--format", "json")
    assert json.loads(again.stdout)["added"] == 0 and _relations(clustered) == expected


def test_a_bad_cluster_address_is_one_line(tmp_path: Path, corpus: Path) -> None:
    run = runner_for(tmp_path / "x.db")
    result = run("--cluster", "local:0", "ingest", corpus)
    assert result.exit_code != 0
    assert "[RW700]" in result.output and "local:N" in result.output
    assert "Traceback" not in result.output
    both = run("--cluster", "local:2", "--workers", "2", "ingest", corpus)
    assert both.exit_code == 2 and "not both" in both.output


def test_a_worker_lost_mid_run_loses_no_document() -> None:
    import os

    from rivalwatch.extract import cluster
    from rivalwatch.extract.pipeline import extract_documents
    from rivalwatch.ingest import make_document

    documents = [make_document(f"ISKP attacked Taliban fighters in Kabul in July 2024. Report {n}.", source=f"{n}.txt")
                 for n in range(24)]
    expected = [(e.doc_id, [(r.source, r.type, r.target) for r in e.relations]) for e in extract_documents(documents)]
    with cluster.connect("local:2") as client:
        results = cluster.extract_on_cluster(documents, client)
        got = [next(results)]
        victim = sorted(client.scheduler_info()["workers"])[0]
        try:
            client.run(os._exit, 1, workers=[victim])   # the worker process dies; its nanny starts another
        except Exception:  # noqa: BLE001 -- the dying worker never answers
            pass
        got += list(results)
        assert victim not in client.scheduler_info()["workers"]   # it really died
    assert [(e.doc_id, [(r.source, r.type, r.target) for r in e.relations]) for e in got] == expected


def test_a_client_killed_mid_run_leaves_no_worker_and_the_rerun_completes(tmp_path: Path, corpus: Path) -> None:
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "rivalwatch", "--db", str(db), "--cluster", "local:2", "ingest", str(corpus)]
    client = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    stored = 0
    while stored < 3 and time.monotonic() < deadline and client.poll() is None:
        time.sleep(0.1)
        if db.exists():
            try:
                with sqlite3.connect(db) as conn:
                    stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                pass   # the tables are not made yet
    os.kill(client.pid, signal.SIGKILL)   # the documents are in; their extraction is under way or done
    client.wait(timeout=30)
    time.sleep(2)
    leftover = subprocess.run(["pgrep", "-s", str(client.pid)], capture_output=True, text=True).stdout.split()
    assert leftover == []                   # the cluster's workers went with their client
    run = runner_for(db)
    again = run("--cluster", "local:2", "ingest", corpus, "--format", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["added"] == 0
    one = runner_for(tmp_path / "one.db")
    one("ingest", corpus)
    assert _relations(run) == _relations(one)   # every relation once, the same as an uninterrupted run
