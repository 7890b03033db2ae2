"""The store on a real PostgreSQL server (`scripts/postgres.sh start`, which `scripts/test.sh` runs):
the same CLI commands give the same records as on SQLite. Each test gets a database of its own.
Without a server (RW_TEST_POSTGRES unset) these tests skip, saying why."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest
from click.testing import Result

from rivalwatch.store.dialect import to_url

from .conftest import NO_POSTGRES, POSTGRES, postgres_database, runner_for

pytestmark = pytest.mark.skipif(not POSTGRES, reason=NO_POSTGRES)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new empty database on the test server, dropped afterwards."""
    with postgres_database() as url:
        yield url


def records(run: Callable[..., Result], *args: str) -> list[dict]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    return sorted((json.dumps({k: v for k, v in row.items() if k != "id"}, sort_keys=True) for row in rows))


def test_a_postgresql_url_uses_psycopg_3() -> None:
    assert to_url("postgresql://u@127.0.0.1:5432/db") == "postgresql+psycopg://u@127.0.0.1:5432/db"


def test_ingest_and_queries_match_sqlite(pg_url: str, corpus: Path, db_path: Path) -> None:
    pg, lite = runner_for(pg_url), runner_for(db_path)
    for run in (pg, lite):
        result = run("ingest", corpus, "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["added"] == 3
    assert records(pg, "relations", "--all") == records(lite, "relations", "--all")
    assert records(pg, "relations", "--source", "ISKP", "--type", "ASSAULT") != []
    assert pg("dyad", "ISKP", "TALIBAN", "--format", "json").stdout == \
        lite("dyad", "ISKP", "TALIBAN", "--format", "json").stdout


def test_a_second_ingest_stores_nothing_twice(pg_url: str, corpus: Path) -> None:
    pg = runner_for(pg_url)
    assert json.loads(pg("ingest", corpus, "--format", "json").stdout)["added"] == 3
    before = records(pg, "relations", "--all")
    again = json.loads(pg("ingest", corpus, "--format", "json").stdout)
    assert again["added"] == 0
    assert records(pg, "relations", "--all") == before


def test_two_ingests_at_once_store_each_document_once(pg_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(12):
        (folder / f"{n:02d}.txt").write_text(f"ISKP attacked Taliban fighters in Kabul in July 2024. Report {n}.\n",
                                             encoding="utf-8")
    command = [sys.executable, "-m", "rivalwatch", "--db", pg_url, "ingest", str(folder), "--format", "json"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    added = [json.loads(out)["added"] for out, _ in outputs]
    assert sum(added) == 12
    assert json.loads(runner_for(pg_url)("documents", "--format", "json").stdout)["total"] == 12
    relations = records(runner_for(pg_url), "relations", "--all")
    assert len(relations) == len(set(relations)) == 12
