"""Shared fixtures: a new database (SQLite, and PostgreSQL for the modules marked `both_stores`),
a tiny corpus we wrote ourselves, a CLI runner."""
from __future__ import annotations

import contextlib
import json
import os
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest
from click.testing import CliRunner, Result

from rivalwatch.cli import main
from rivalwatch.extract import VERSION
from rivalwatch.ingest import make_document
from rivalwatch.knowledge.load import load_knowledge
from rivalwatch.models import Actor, Evidence, Extraction, Relation
from rivalwatch.store import Store

# Plain sentences whose relations are easy to state by hand:
#   kabul.txt   ISKP ASSAULT TALIBAN (2024-07, Kabul); TTP REJECT ISKP and TTP COOPERATE ISKP negated
#               ("denied any links": denying affiliation is a REJECT, ontology.md)
#   kunduz.txt  TALIBAN COERCE ISKP (2023, Kunduz); QARI_SHOAIB_BAJAURI ACCUSE ISKP (2024-06; Bajauri is part of TTP)
#   bajaur.txt  PAKISTAN ASSAULT TTP (2024-03, Bajaur)
CORPUS = {
    "kabul.txt": "ISKP attacked Taliban fighters in Kabul in July 2024. The TTP denied any links to ISKP.\n",
    "kunduz.txt": "Taliban forces arrested ISKP members in Kunduz in 2023. "
                  "Qari Shoaib Bajauri denounced ISIS-K in June 2024.\n",
    "bajaur.txt": "Pakistani security forces killed TTP fighters in Bajaur in March 2024.\n",
}


# The test PostgreSQL server's URL (scripts/test.sh sets it from scripts/postgres.sh start).
POSTGRES = os.environ.get("RW_TEST_POSTGRES")
NO_POSTGRES = "no PostgreSQL: RW_TEST_POSTGRES unset (scripts/test.sh sets it from scripts/postgres.sh start)"
STORES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_stores: every test using db_path runs on SQLite and on PostgreSQL")
    config.addinivalue_line("markers", "sqlite_only: a test of a both_stores module about SQLite itself")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test of a `both_stores` module that uses `db_path` (or `cli`, `ingested`) runs once per store."""
    marked = metafunc.definition.get_closest_marker
    if "db_path" in metafunc.fixturenames and marked("both_stores") and not marked("sqlite_only"):
        metafunc.parametrize("db_path", STORES, indirect=True)


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """The URL of a new empty database on the test server, dropped afterwards."""
    import psycopg
    if not POSTGRES:
        pytest.skip(NO_POSTGRES)
    server = POSTGRES.rsplit("/", 1)[0]
    name = f"rw_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db_path(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """A database that does not exist yet: a SQLite file, or a new PostgreSQL database's URL."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield tmp_path / "rivalwatch.db"
        return
    with postgres_database() as url:
        yield url


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder holding the three documents of `CORPUS`."""
    return write_corpus(tmp_path / "corpus")


def write_corpus(folder: Path, texts: dict[str, str] = CORPUS) -> Path:
    """`texts` (file name -> text) written into `folder`, made if missing; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def runner_for(db: str | Path) -> Callable[..., Result]:
    """Run `rivalwatch --db <db> ARGS...` in-process and return click's Result (db: a path or a URL)."""
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        return runner.invoke(main, ["--db", str(db), *map(str, args)], catch_exceptions=False)

    return run


@pytest.fixture
def cli(db_path: Path | str) -> Callable[..., Result]:
    """`runner_for(db_path)`."""
    return runner_for(db_path)


@pytest.fixture
def ingested(cli: Callable[..., Result], corpus: Path) -> Callable[..., Result]:
    """The CLI runner after the tiny corpus was ingested."""
    result = cli("ingest", corpus, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == len(CORPUS)
    return cli


def store_relations(db_path: Path | str, docs: dict[str, str | None], relations: list[tuple], *,
                    heading: str = "Doc {}. ") -> dict[str, str]:
    """Store hand-written relations (doc, source, type, target, modality, date), one sentence each, after
    the document's `heading`; returns doc name -> document id. No extractor runs."""
    store = Store(db_path)
    known = load_knowledge().actors
    ids: dict[str, str] = {}
    try:
        for name, published in docs.items():
            rows = [r for r in relations if r[0] == name]
            sentences = [f"{s} {t} {o} ({m}, {d})." for _, s, t, o, m, d in rows]
            document = make_document(heading.format(name) + " ".join(sentences), source=f"{name}.txt", published=published)
            store.add_document(document)
            ids[name] = document.id
            found, start = [], len(heading.format(name))
            for (_, source, rtype, target, modality, date), sentence in zip(rows, sentences):
                evidence = Evidence(doc_id=document.id, text=sentence, start=start, end=start + len(sentence))
                found.append(Relation(source=source, type=rtype, target=target, modality=modality,
                                      evidence=evidence, date=date))
                start += len(sentence) + 1
            actors = sorted({a for _, s, _, t, _, _ in rows for a in (s, t)})
            store.save_extraction(Extraction(
                doc_id=document.id, version=VERSION, actors=tuple(Actor(id=a, name=a, kind="armed_group") for a in actors),
                mentions=(), relations=tuple(found)), known=known)
    finally:
        store.close()
    return ids
