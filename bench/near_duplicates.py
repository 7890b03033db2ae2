#!/usr/bin/env python
"""Near-duplicate linking as the store grows: milliseconds per new document at 10 ... N stored.

A channel's forwards: a few hundred distinct statements (synthetic sentences of the seed
articles' words), each stored again and again with a different header and footer, so every new
document has near-duplicates among the stored ones. For each store size the store is filled
(untimed) and then `--batch` new reposts are added one at a time through `Store.add_documents`
(the same path ingest takes: exact copies, band keys, candidates, links), and their mean wall
time per document is reported. Flat (a ratio near 1.0 from the smallest size) is the goal.

Example:
    python bench/near_duplicates.py --sizes 10 100 1000 10000 --format json
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from speed import DEFAULT_SEEDS, load_seeds  # noqa: E402

STATEMENTS = 300


def statements(words: list[str], rng: random.Random) -> list[str]:
    return [" ".join(rng.choice(words) for _ in range(rng.randint(60, 160))) for _ in range(STATEMENTS)]


def repost(text: str, n: int, rng: random.Random) -> str:
    return f"Forwarded from channel {rng.randint(1, 999)} #{n}\n{text}\nJoin us: https://t.me/example_{n}"


def per_document_ms(size: int, batch: int, base: list[str], seed: int) -> float:
    from rivalwatch.ingest import make_document
    from rivalwatch.store import Store

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="rw-neardup-") as tmp:
        store = Store(Path(tmp) / "n.db")
        try:
            filler = [make_document(repost(base[k % len(base)], k, rng), source=f"stored-{k}.txt") for k in range(size)]
            for start in range(0, len(filler), 500):
                store.add_documents(filler[start:start + 500])
            new = [make_document(repost(rng.choice(base), size + k, rng), source=f"new-{k}.txt") for k in range(batch)]
            started = time.perf_counter()
            for document in new:
                store.add_documents([document])
            return (time.perf_counter() - started) * 1000 / batch
        finally:
            store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--batch", type=int, default=50, help="new reposts timed at each size")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--format", choices=["table", "json"], default="table")
    args = parser.parse_args()
    words = " ".join(load_seeds(args.seeds)).split()
    base = statements(words, random.Random(args.seed))
    rows = [{"stored": size, "ms_per_document": round(per_document_ms(size, args.batch, base, args.seed), 2)}
            for size in args.sizes]
    for row in rows:
        row["over_smallest"] = round(row["ms_per_document"] / rows[0]["ms_per_document"], 2)
    if args.format == "json":
        print(json.dumps(rows, indent=1))
    else:
        print(f"{'stored':>8} {'ms/document':>12} {'over smallest':>14}")
        for row in rows:
            print(f"{row['stored']:>8} {row['ms_per_document']:>12} {row['over_smallest']:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
