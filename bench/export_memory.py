#!/usr/bin/env python
"""Peak memory of `rivalwatch export` on a store of a million relations, per format.

Fills a store with `bench/generate_relations.py` (synthetic relations, fixed seed)
unless `--db` already holds at least `--n` relations, then runs

    python -m rivalwatch --db DB export --format FORMAT --out OUT

once per format, each in its own child process, and reads that child's peak
resident set size from the kernel (`os.wait4` rusage, `ru_maxrss`). The bar is
`--limit-mb` (500 MB). Prints format, rows, seconds, peak RSS and output size.

Example:
    python bench/export_memory.py --db /tmp/rw-1m.db              # 1,000,000 relations, all formats
    python bench/export_memory.py --n 100000 --formats csv stix --format json
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FORMATS = ("csv", "jsonl", "graphml", "stix")
KB_PER_MB = 1024  # ru_maxrss is in kilobytes on Linux


def relations_in(db: Path) -> int:
    if not db.is_file():
        return 0
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM relations").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def ensure_store(db: Path, n: int) -> None:
    """Generate `n` relations into `db` unless it already holds that many."""
    have = relations_in(db)
    if have >= n:
        return
    if db.exists():
        sys.exit(f"error: {db} holds {have} relations, fewer than --n {n}; give a new --db file")
    print(f"generating {n:,} relations into {db} ...", file=sys.stderr)
    subprocess.run([sys.executable, str(REPO / "bench" / "generate_relations.py"), "--n", str(n), "--db", str(db)],
                   check=True)


def measure(db: Path, fmt: str, out: Path) -> dict[str, object]:
    """Run one export in a child process; its wall time, peak RSS and output size."""
    command = [sys.executable, "-m", "rivalwatch", "--db", str(db), "export", "--format", fmt, "--out", str(out)]
    with tempfile.TemporaryFile() as errors:   # a file, not a pipe: the child never blocks on it
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)   # this child's own rusage
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    if child.returncode != 0:
        sys.exit(f"error: export --format {fmt} failed ({child.returncode}): {stderr.strip()}")
    wrote = re.search(r"wrote .*?: (\d+) (?:rows|edges)", stderr)   # the command's own summary line
    rows = int(wrote.group(1)) if wrote else None
    return {"format": fmt, "rows": rows, "seconds": round(seconds, 1),
            "peak_rss_mb": round(usage.ru_maxrss / KB_PER_MB, 1),
            "output_mb": round(out.stat().st_size / 1024 / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "rw-export-1m.db",
                        help="SQLite store to export (filled with --n synthetic relations if it has fewer)")
    parser.add_argument("--n", type=int, default=1_000_000, help="relations the store must hold")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS), help="formats to measure")
    parser.add_argument("--out-dir", type=Path, help="where exports are written (default: a temporary folder)")
    parser.add_argument("--limit-mb", type=float, default=500.0, help="the bar for peak resident memory")
    parser.add_argument("--keep", action="store_true", help="keep the exported files")
    parser.add_argument("--format", dest="output", choices=("table", "json"), default="table")
    args = parser.parse_args()
    ensure_store(args.db, args.n)
    out_dir = args.out_dir or Path(tempfile.mkdtemp(prefix="rw-export-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for fmt in args.formats:
        out = out_dir / f"export.{fmt}"
        result = measure(args.db, fmt, out)
        result["ok"] = result["peak_rss_mb"] < args.limit_mb
        results.append(result)
        if not args.keep:
            out.unlink(missing_ok=True)
    report = {"db": str(args.db), "relations": relations_in(args.db), "limit_mb": args.limit_mb, "results": results}
    if args.output == "json":
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['relations']:,} relations in {args.db}; bar: peak RSS < {args.limit_mb:g} MB")
        print(f"{'format':8} {'rows':>10} {'seconds':>8} {'peak RSS MB':>12} {'output MB':>10}  ok")
        for r in results:
            rows = "" if r["rows"] is None else f"{r['rows']:,}"
            print(f"{r['format']:8} {rows:>10} {r['seconds']:>8} {r['peak_rss_mb']:>12} {r['output_mb']:>10}  "
                  f"{'yes' if r['ok'] else 'NO'}")
    if not all(r["ok"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
