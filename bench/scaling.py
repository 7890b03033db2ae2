#!/usr/bin/env python
"""Does ingest cost grow linearly? Words/s of one long document against the same words in many files,
and of 1x / 4x corpora of distinct documents and of reposted ones (a channel's forwards), in one run.

Corpora are the seed articles (`../shared/seeds`), copies made distinct by a "Copy N" line; a
reposted document is a seed with a channel's header and footer around it, so near-duplicate
linking has work to do. Every figure is one `Workspace.ingest` into a fresh SQLite file, the
pipeline loaded beforehand. The verdict is each figure over the first of its group: 1.0 is flat,
the issue's bar is within 20% (>= 0.8).

Example:
    python bench/scaling.py                   # 100,000 words
    python bench/scaling.py --words 20000 --format json
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from speed import DEFAULT_SEEDS, Timer, build_corpus, count_words, load_seeds  # noqa: E402


def ingest_seconds(texts: list[str]) -> tuple[float, int]:
    """Wall seconds of ingesting `texts` (one file each) into a fresh store, and relations found."""
    from rivalwatch.api import Workspace
    with tempfile.TemporaryDirectory(prefix="rw-scaling-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for n, text in enumerate(texts):
            (folder / f"{n:06d}.txt").write_text(text, encoding="utf-8")
        with Workspace(Path(tmp) / "s.db") as workspace, Timer() as timer:
            report = workspace.ingest([folder])
    if report.errors or report.extracted != len(texts):
        sys.exit(f"error: {report.errors[:3]} ({report.extracted} of {len(texts)} extracted)")
    return timer.wall, report.relations


REPOST = "Forwarded from a channel\n\n{text}\n\nJoin us, post {n}\n"  # a channel's header and footer around a seed


def measure(words: int) -> list[dict[str, Any]]:
    from rivalwatch.extract.pipeline import build_pipeline
    build_pipeline(None)
    seeds = load_seeds(DEFAULT_SEEDS)
    many = build_corpus(seeds, words)
    rows = []

    def row(group: str, name: str, texts: list[str]) -> None:
        seconds, relations = ingest_seconds(texts)
        rows.append({"group": group, "case": name, "documents": len(texts), "words": count_words(texts),
                     "seconds": round(seconds, 2), "words_per_second": round(count_words(texts) / seconds),
                     "relations": relations})

    row("length", f"{len(many)} documents", many)
    row("length", "one document of the same words", ["\n\n".join(t.rstrip() for t in many)])
    row("distinct", "1x", build_corpus(seeds, words // 4))
    row("distinct", "4x", build_corpus(seeds, words))
    row("reposted", "1x", build_corpus(seeds, words // 4, REPOST))
    row("reposted", "4x", build_corpus(seeds, words, REPOST))
    first: dict[str, float] = {}
    for r in rows:
        first.setdefault(r["group"], r["words_per_second"])
        r["vs_first"] = round(r["words_per_second"] / first[r["group"]], 2)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--format", choices=["table", "json"], default="table")
    args = parser.parse_args()
    rows = measure(args.words)
    if args.format == "json":
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'group':<9}  {'case':<32}  {'docs':>5}  {'words':>8}  {'seconds':>8}  {'words/s':>8}  vs first")
    for r in rows:
        print(f"{r['group']:<9}  {r['case']:<32}  {r['documents']:>5}  {r['words']:>8}  {r['seconds']:>8}  "
              f"{r['words_per_second']:>8}  {r['vs_first']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
