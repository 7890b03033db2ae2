#!/usr/bin/env python
"""Fill a store with synthetic documents and relations, fast, to time the analysis commands.

Nothing here is real reporting: actors are taken from the built-in knowledge base
(so ids and aliases resolve as usual), everything else is drawn at random with a
fixed seed:

  actors      ~200: ISKP and TTP first, then armed groups, states, and persons and
              media outlets that are part of the chosen groups (they roll up to them);
              how often an actor appears follows a Zipf-like law (rank^-0.9);
  events      a (source, type, target, date, modality); the ISKP-TTP dyad gets a
              fixed share (`--busy-share`), with hostility rising over the years;
  reports     each event is reported by 1, 2, 3... documents (geometric, mean ~1.6):
              the same event in several documents, as in real coverage;
  dates       10 years (`--start` ... +`--years`): 60% to the day, 25% to the month,
              5% to the year, 5% from the document's publication date, 5% undated
              (neither the relation nor its document has a date);
  types       all eleven, ACCUSE most common; modalities asserted 75%, alleged 12%,
              negated 8%, hypothetical 5%.

Rows go in by executemany (plain tuples, relations 50,000 a call) in one
transaction, with the relations' indexes dropped during the load and built once
at the end. Relations carry the current extractor version, so every command sees
them. SQLite or PostgreSQL (`--db postgresql://...`, an empty database).

Example:
    python bench/generate_relations.py --n 1000000 --db /tmp/rw-1m.db
    python bench/generate_relations.py --n 1000000 --db postgresql://postgres@127.0.0.1:PORT/rw1m
"""
from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import random
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rivalwatch.extract import VERSION  # noqa: E402  (no spaCy import: VERSION is a constant)
from rivalwatch.knowledge.load import load_knowledge  # noqa: E402
from rivalwatch.models import Actor  # noqa: E402
from rivalwatch.store import Store  # noqa: E402
from rivalwatch.store import schema as s  # noqa: E402
from rivalwatch.store.fulltext import PG_INDEX, ensure_fulltext  # noqa: E402

TYPES = {  # relative frequency of each relation type
    "ACCUSE": 30, "ASSAULT": 15, "FIGHT": 8, "COERCE": 8, "REJECT": 8, "THREATEN": 6,
    "COOPERATE": 6, "SUPPORT": 6, "CONSULT": 5, "DEFECT": 5, "PLEDGE": 3,
}
MODALITIES = {"asserted": 75, "alleged": 12, "negated": 8, "hypothetical": 5}
# Characters of the ISO date kept: 10 day, 7 month, 4 year; 0 = the relation has no date
# and its document gives the date ("when"); -1 = neither has one (undated).
PRECISION = {10: 60, 7: 25, 4: 5, 0: 5, -1: 5}
HOSTILE = ["ACCUSE", "THREATEN", "ASSAULT", "FIGHT", "REJECT"]
CHUNK = 50_000
DOCUMENT_COLUMNS = ("id", "content_hash", "source", "title", "published", "url", "language", "meta", "text",
                    "ingested_at")
RELATION_COLUMNS = ("doc_id", "version", "source", "type", "target", "modality", "date", "location", "confidence",
                    "cue", "source_group", "target_group", "when", "evidence_text", "evidence_start", "evidence_end")


def pick_actors(count: int) -> list[Actor]:
    """ISKP and TTP, then groups and states, then persons and outlets of the chosen groups."""
    kb = load_knowledge()
    by_kind: dict[str, list[Actor]] = {}
    for actor in kb.actors.values():
        by_kind.setdefault(actor.kind, []).append(actor)
    chosen: dict[str, Actor] = {a: kb.actors[a] for a in ("ISKP", "TTP")}
    for actor in by_kind["armed_group"][:110] + by_kind["state"][:35]:
        chosen.setdefault(actor.id, actor)
    members = [a for a in by_kind["person"] + by_kind["media_outlet"] if a.part_of in chosen]
    for actor in members:
        if len(chosen) >= count:
            break
        chosen.setdefault(actor.id, actor)
    for parent in list(chosen.values()):  # parents of chosen branches must exist for roll-up
        if parent.part_of and parent.part_of not in chosen:
            chosen[parent.part_of] = kb.actors[parent.part_of]
    return list(chosen.values())


def rollup(actors: dict[str, Actor], actor_id: str) -> str:
    current, seen = actor_id, set()
    while current not in seen:
        seen.add(current)
        actor = actors.get(current)
        if actor is None or actor.kind not in ("person", "media_outlet") or not actor.part_of:
            return current
        current = actor.part_of
    return current


def generate(store: Store, n: int, *, seed: int, start: int, years: int, busy_share: float, actor_count: int) -> dict[str, int]:
    rng = random.Random(seed)
    actors = pick_actors(actor_count)
    known = {a.id: a for a in actors}
    store.upsert_actors(actors)
    ids = [a.id for a in actors]
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(ids))]
    first = _dt.date(start, 1, 1)
    days = [(first + _dt.timedelta(days=d)).isoformat() for d in range(365 * years + years // 4)]
    groups = {a: rollup(known, a) for a in ids}

    # Reports per event: 1 + geometric; about 1.6 on average.
    n_docs = max(1, n // 5)
    published = [rng.choice(days) if rng.random() > 0.05 else None for _ in range(n_docs)]
    dated = [k for k, day in enumerate(published) if day is not None]
    undated = [k for k, day in enumerate(published) if day is None] or dated
    now = "2025-01-01 00:00:00.000000"  # how SQLAlchemy stores a DateTime in SQLite
    doc_ids = [hashlib.sha256(f"synthetic-{seed}-{i}".encode()).hexdigest() for i in range(n_docs)]
    started = time.perf_counter()
    with store.engine.connect() as conn:
        # Bulk load, SQLite: no foreign-key checks, no fsync, a 1 GB page cache, sorts in memory
        # (PRAGMAs before the first insert, so outside the transaction); the relations' indexes
        # are dropped, rows go in by executemany, and each index is built once at the end.
        # PostgreSQL: the indexes (the full-text one too) are dropped and built the same way.
        sqlite = conn.dialect.name == "sqlite"
        for pragma in ("foreign_keys=OFF", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
            if sqlite:  # on the driver's connection: SQLAlchemy would begin a transaction first
                conn.connection.driver_connection.execute(f"PRAGMA {pragma}")
        if not sqlite:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_INDEX}")
        indexes = list(s.relations.indexes)
        for index in indexes:
            index.drop(conn)
        conn.exec_driver_sql(_insert_sql(conn, s.documents, DOCUMENT_COLUMNS), [
            (h[:16], h, f"synthetic/{k}.txt", f"Synthetic report {k}", published[k], None, "en", "{}",
             f"Synthetic report {k}.", now)
            for k, h in enumerate(doc_ids)])
        insert = _insert_sql(conn, s.relations, RELATION_COLUMNS)
        made = 0
        rows: list[tuple[Any, ...]] = []
        type_names, type_weights = list(TYPES), list(TYPES.values())
        mod_names, mod_weights = list(MODALITIES), list(MODALITIES.values())
        precisions, precision_weights = list(PRECISION), list(PRECISION.values())
        busy_pair = ("ISKP", "TTP")
        while made < n:
            batch = min(CHUNK, n - made)
            sources = rng.choices(ids, weights=weights, k=batch)
            targets = rng.choices(ids, weights=weights, k=batch)
            rtypes = rng.choices(type_names, weights=type_weights, k=batch)
            modalities = rng.choices(mod_names, weights=mod_weights, k=batch)
            cuts = rng.choices(precisions, weights=precision_weights, k=batch)
            for source, target, rtype, modality, cut in zip(sources, targets, rtypes, modalities, cuts):
                day = rng.randrange(len(days))
                if rng.random() < busy_share:
                    source, target = busy_pair if rng.random() < 0.6 else busy_pair[::-1]
                    # the busy dyad turns hostile: hostile types grow more likely over time
                    if rng.random() < day / len(days):
                        rtype = rng.choice(HOSTILE)
                if source == target:
                    continue
                date = days[day][:cut] if cut > 0 else None
                pool = undated if cut < 0 else dated
                evidence = f"{source} {rtype.lower()} {target} (synthetic)."
                for _ in range(min(_reports(rng), n - made)):
                    doc = pool[rng.randrange(len(pool))]
                    rows.append((doc_ids[doc][:16], VERSION, source, rtype, target, modality, date, None, 0.8,
                                 rtype.lower(), groups[source], groups[target], date or published[doc],
                                 evidence, 0, len(evidence)))
                    made += 1
            conn.exec_driver_sql(insert, rows)
            rows.clear()
        for index in indexes:
            index.create(conn)
        conn.commit()
    ensure_fulltext(store.engine)  # PostgreSQL: the GIN index, built once over every row
    return {"actors": len(actors), "documents": n_docs, "relations": made,
            "seconds": round(time.perf_counter() - started, 1)}


def _insert_sql(conn: Any, table: Any, columns: tuple[str, ...]) -> str:
    """A driver-level INSERT for plain tuples (`?` for SQLite, `%s` for psycopg): no per-row work in SQLAlchemy."""
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(mark for _ in columns)})")


def _reports(rng: random.Random) -> int:
    count = 1
    while rng.random() < 0.38 and count < 8:
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="relations to generate")
    parser.add_argument("--db", required=True, help="SQLite file or PostgreSQL URL to fill (must not hold relations yet)")
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    parser.add_argument("--start", type=int, default=2015, help="first year")
    parser.add_argument("--years", type=int, default=10, help="years covered")
    parser.add_argument("--actors", type=int, default=200, help="about how many actors")
    parser.add_argument("--busy-share", type=float, default=0.03, help="share of events on the ISKP-TTP dyad")
    args = parser.parse_args()
    store = Store(args.db)
    try:
        if store.counts()["relations"]:
            sys.exit(f"error: {args.db} already holds relations; give a new file")
        report = generate(store, args.n, seed=args.seed, start=args.start, years=args.years,
                          busy_share=args.busy_share, actor_count=args.actors)
    finally:
        store.close()
    print(" ".join(f"{k}={v}" for k, v in report.items()))


if __name__ == "__main__":
    main()
