#!/usr/bin/env python
"""Throughput of RivalWatch's ingest (read + extract + store) against bare spaCy.

One run builds a corpus from the seed articles (repeated, each copy made distinct
by a trailing "Copy N" line so ingest's content-hash dedup keeps them all), then,
for each `--n-process` value, times:

  bare        spacy.load(MODEL).pipe(texts, batch_size, n_process), every Doc consumed;
  rivalwatch  Workspace(<fresh SQLite file>, n_process=...).ingest([<folder>]):
              read the files, store the documents, extract them, store the output.

Model loading is outside both timings (it is a one-off cost of either). Words are
whitespace-split words of the texts. The ratio is rivalwatch words/s over bare
words/s (1.0 = no overhead beyond spaCy's own pipeline).

Example:
    python bench/speed.py                      # n_process 1 and 2, >= 200,000 words
    python bench/speed.py --n-process 2 --words 50000 --format json
"""
from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
SEED_SUFFIXES = (".txt", ".md")


def load_seeds(folder: Path) -> list[str]:
    """The seed texts, in name order; exits with a message when there are none."""
    if not folder.is_dir():
        sys.exit(f"error: seeds folder {folder} not found; pass --seeds DIR (a folder of .txt articles)")
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())
             if p.suffix.lower() in SEED_SUFFIXES and not p.name.startswith(".")]
    texts = [t for t in texts if t.split()]
    if not texts:
        sys.exit(f"error: no non-empty .txt/.md seed articles in {folder}")
    return texts


def build_corpus(seeds: list[str], min_words: int, template: str = "{text}\n\nCopy {n}\n") -> list[str]:
    """Seeds repeated in turn until there are at least `min_words` words; every copy is distinct
    (`template` puts its number `n` around the seed's `text`)."""
    texts: list[str] = []
    words, n = 0, 0
    while words < min_words:
        text = template.format(text=seeds[n % len(seeds)].rstrip(), n=n + 1)
        texts.append(text)
        words += len(text.split())
        n += 1
    return texts


def count_words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


class Timer:
    """Wall-clock seconds and CPU seconds (this process plus the worker processes it waited for)."""

    @staticmethod
    def _cpu() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def __enter__(self) -> "Timer":
        gc.collect()
        self.wall, self.cpu = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, self._cpu() - self.cpu


def time_bare(texts: list[str], *, n_process: int, batch_size: int) -> Timer:
    import spacy

    from rivalwatch.extract.pipeline import MODEL

    nlp = spacy.load(MODEL)
    tokens = 0
    with Timer() as timer:
        for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            tokens += len(doc)
    assert tokens > 0
    return timer


def time_rivalwatch(folder: Path, expected: int, *, n_process: int, batch_size: int) -> Timer:
    from rivalwatch.api import Workspace
    from rivalwatch.extract.pipeline import build_pipeline
    from rivalwatch.knowledge.load import load_knowledge

    build_pipeline(None)  # the cached pipeline ingest uses: load it outside the timing, as for bare
    load_knowledge(None)
    with tempfile.TemporaryDirectory(prefix="rw-bench-db-") as tmp:
        workspace = Workspace(Path(tmp) / "bench.db", n_process=n_process, batch_size=batch_size)
        with Timer() as timer:
            report = workspace.ingest([folder])
        workspace.close()
    if report.errors or report.added != expected or report.extracted != expected:
        sys.exit(f"error: ingest stored {report.added} and extracted {report.extracted} of {expected} documents; "
                 f"errors: {report.errors[:3]}")
    return timer


def measure(texts: list[str], folder: Path, *, n_process: int, batch_size: int, rounds: int) -> dict[str, Any]:
    """Both pipelines, alternating, `rounds` times; each keeps its fastest round."""
    words = count_words(texts)
    bare: list[Timer] = []
    rw: list[Timer] = []
    for _ in range(rounds):
        bare.append(time_bare(texts, n_process=n_process, batch_size=batch_size))
        rw.append(time_rivalwatch(folder, len(texts), n_process=n_process, batch_size=batch_size))
    best_bare, best_rw = min(bare, key=lambda t: t.wall), min(rw, key=lambda t: t.wall)

    def figures(timer: Timer) -> dict[str, Any]:
        return {"seconds": round(timer.wall, 2), "cpu_seconds": round(timer.cpu, 2),
                "words_per_second": round(words / timer.wall)}

    return {
        "n_process": n_process, "batch_size": batch_size, "rounds": rounds, "documents": len(texts), "words": words,
        "bare": figures(best_bare), "rivalwatch": figures(best_rw),
        "ratio": round(best_bare.wall / best_rw.wall, 3),
        "cpu_ratio": round(best_bare.cpu / best_rw.cpu, 3),  # steadier than wall time on a busy machine
    }


def print_table(results: list[dict[str, Any]], target: float, out: Callable[[str], None] = print) -> None:
    out(f"{'n_process':>9}  {'pipeline':<10}  {'docs':>5}  {'words':>8}  {'seconds':>8}  {'cpu s':>8}  "
        f"{'words/s':>8}  ratio")
    for r in results:
        for name in ("bare", "rivalwatch"):
            ratio = f"{r['ratio']:.2f}" if name == "rivalwatch" else ""
            out(f"{r['n_process']:>9}  {name:<10}  {r['documents']:>5}  {r['words']:>8}  "
                f"{r[name]['seconds']:>8.2f}  {r[name]['cpu_seconds']:>8.2f}  {r[name]['words_per_second']:>8}  {ratio}")
    worst = min(r["ratio"] for r in results)
    out(f"ratio = rivalwatch words/s / bare spaCy words/s; target >= {target}: {'met' if worst >= target else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS,
                        help=f"folder of seed articles (default: {DEFAULT_SEEDS})")
    parser.add_argument("--words", type=int, default=200_000, help="minimum corpus size in words (default: 200000)")
    parser.add_argument("--n-process", default="1,2",
                        help="worker processes for nlp.pipe, one value or a comma list measured in turn (default: 1,2)")
    parser.add_argument("--batch-size", type=int, default=16, help="nlp.pipe batch size for both (default: 16)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="times to run each pipeline (alternating); the fastest round counts (default: 1)")
    parser.add_argument("--target", type=float, default=0.5, help="ratio to meet (default: 0.5)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    try:
        n_processes = [int(v) for v in str(args.n_process).split(",") if v.strip()]
    except ValueError:
        parser.error(f"--n-process: expected numbers such as 2 or 1,2, got {args.n_process!r}")
    if not n_processes or min(n_processes) < 1 or min(args.words, args.batch_size, args.rounds) < 1:
        parser.error("--n-process, --words, --batch-size and --rounds must be positive")

    seeds = load_seeds(args.seeds)
    texts = build_corpus(seeds, args.words)
    results = []
    with tempfile.TemporaryDirectory(prefix="rw-bench-corpus-") as tmp:
        folder = Path(tmp)
        width = len(str(len(texts)))
        for i, text in enumerate(texts, 1):
            (folder / f"copy_{i:0{width}d}.txt").write_text(text, encoding="utf-8")
        for n in n_processes:
            results.append(measure(texts, folder, n_process=n, batch_size=args.batch_size, rounds=args.rounds))
            if args.format == "table":
                print(f"measured n_process={n}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps({"seeds": str(args.seeds), "target": args.target, "results": results}, indent=2))
    else:
        print_table(results, args.target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
