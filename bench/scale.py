#!/usr/bin/env python
"""Extraction across processes and machines, and the store on SQLite against PostgreSQL, in one run.

Ingest throughput (documents/s, words/s) of the same corpus (seed articles, copies made distinct)
in one process, with `--workers 2` (spaCy's worker processes) and with `--cluster local:2` (a local
Dask cluster: started, and its pipelines loaded, before the timing by a one-document ingest);
the cluster's scaling efficiency is its documents/s over one process's, per worker (the target
is >= 0.8). Then the same extractions are stored into a fresh SQLite file and a fresh PostgreSQL
database (`--postgres URL`, e.g. from `scripts/postgres.sh start`) and the two are compared.

Example:
    python bench/scale.py --words 30000 --postgres postgresql://postgres@127.0.0.1:5432/rivalwatch
    python bench/scale.py --format json          # without --postgres the store comparison is skipped
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from speed import DEFAULT_SEEDS, Timer, build_corpus, count_words, load_seeds  # noqa: E402

WORKERS = 2


def _folder(texts: list[str], root: Path) -> Path:
    folder = root / "in"
    folder.mkdir()
    for n, text in enumerate(texts):
        (folder / f"{n:06d}.txt").write_text(text, encoding="utf-8")
    return folder


def time_ingest(folder: Path, documents: int, words: int, **options: Any) -> dict[str, Any]:
    """One timed `Workspace.ingest` of `folder` into a fresh SQLite file with these Workspace options."""
    from rivalwatch.api import Workspace
    from rivalwatch.extract.pipeline import build_pipeline

    build_pipeline(None)
    with tempfile.TemporaryDirectory(prefix="rw-scale-") as tmp, \
            Workspace(Path(tmp) / "s.db", **options) as workspace:
        if options.get("cluster"):  # start the cluster and load its workers' pipelines outside the timing
            warm = Path(tmp) / "warm.txt"
            warm.write_text("ISKP attacked Taliban fighters in Kabul in July 2024.", encoding="utf-8")
            workspace.ingest([warm])
        with Timer() as timer:
            report = workspace.ingest([folder])
    if report.errors or report.extracted != documents:
        sys.exit(f"error: {options}: extracted {report.extracted} of {documents}; {report.errors[:3]}")
    return {"seconds": round(timer.wall, 2), "documents_per_second": round(documents / timer.wall, 2),
            "words_per_second": round(words / timer.wall)}


def time_stores(texts: list[str], postgres: str | None) -> dict[str, Any]:
    """Seconds to store the same documents and extractions in SQLite and in PostgreSQL."""
    from rivalwatch.extract import extract_documents
    from rivalwatch.ingest import make_document
    from rivalwatch.knowledge.load import load_knowledge
    from rivalwatch.store import Store

    documents = [make_document(t, source=f"{n:06d}.txt") for n, t in enumerate(texts)]
    extractions = list(extract_documents(documents))
    known = load_knowledge(None).actors
    relations = sum(len(e.relations) for e in extractions)

    def store_into(url: str) -> float:
        store = Store(url)
        try:
            with Timer() as timer:
                store.add_documents(documents)
                store.save_extractions(extractions, known=known)
        finally:
            store.close()
        return timer.wall

    out: dict[str, Any] = {"documents": len(documents), "relations": relations}
    with tempfile.TemporaryDirectory(prefix="rw-scale-") as tmp:
        out["sqlite_seconds"] = round(store_into(str(Path(tmp) / "s.db")), 2)
    if postgres is None:
        out["postgresql"] = "skipped: no --postgres URL"
        return out
    import psycopg
    server, name = postgres.rsplit("/", 1)[0], f"rw_scale_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        out["postgresql_seconds"] = round(store_into(f"{server}/{name}"), 2)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    out["postgresql_over_sqlite"] = round(out["postgresql_seconds"] / out["sqlite_seconds"], 2)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=30_000, help="corpus size in words (default 30,000)")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--postgres", help="a PostgreSQL server URL for the store comparison")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    args = parser.parse_args()
    texts = build_corpus(load_seeds(args.seeds), args.words)
    words, documents = count_words(texts), len(texts)
    with tempfile.TemporaryDirectory(prefix="rw-scale-in-") as tmp:
        folder = _folder(texts, Path(tmp))
        runs = {"1 process": time_ingest(folder, documents, words),
                f"--workers {WORKERS}": time_ingest(folder, documents, words, n_process=WORKERS),
                f"--cluster local:{WORKERS}": time_ingest(folder, documents, words, cluster=f"local:{WORKERS}")}
    one = runs["1 process"]["documents_per_second"]
    for run in runs.values():
        run["efficiency_per_worker"] = round(run["documents_per_second"] / one / WORKERS, 2)
    runs["1 process"]["efficiency_per_worker"] = 1.0
    result = {"documents": documents, "words": words, "ingest": runs, "store": time_stores(texts, args.postgres)}
    if args.format == "json":
        print(json.dumps(result, indent=1))
        return 0
    print(f"{documents} documents, {words} words")
    print(f"{'run':<20} {'seconds':>8} {'docs/s':>8} {'words/s':>8} {'efficiency/worker':>18}")
    for name, run in runs.items():
        print(f"{name:<20} {run['seconds']:>8} {run['documents_per_second']:>8} {run['words_per_second']:>8} "
              f"{run['efficiency_per_worker']:>18}")
    print("store: " + ", ".join(f"{k} {v}" for k, v in result["store"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
