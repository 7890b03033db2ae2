#!/usr/bin/env python
"""How fast `dyad` and `alerts` answer on a big store (see generate_relations.py).

One run times, through the `Workspace` methods the CLI calls (rendering excluded),
each `--rounds` times and keeps the best:

  dyad quarter / month   the busiest pair (or `--pair X Y`): every event with its
                         relation and document ids, bucketed and summed;
  alerts build           the first `alerts` after the store changed: the series of
                         every directed dyad is rebuilt (all relations read once);
  alerts recent          `alerts` as usually run: the latest periods, series kept;
  alerts history         `alerts --since <first year>`: every period of every dyad.

Also reported: relations in the store and in the pair, the pair's events, the
ratio of the build to the recent query, and the CPU seconds of each fastest run
(`cpu_s`: what a busy machine disturbs less than wall-clock time).

Example:
    python bench/generate_relations.py --n 1000000 --db /tmp/rw-1m.db
    python bench/analysis_speed.py --db /tmp/rw-1m.db
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import delete, func, select  # noqa: E402

from rivalwatch.api import Workspace  # noqa: E402
from rivalwatch.store import schema as s  # noqa: E402


CPU: dict[str, float] = {}  # measurement -> CPU seconds of its fastest run (a busy machine disturbs it less)


def best_of(name: str, rounds: int, run: Callable[[], Any], before: Callable[[], None] | None = None) -> tuple[float, Any]:
    """The fastest of `rounds` runs (wall seconds) and the last result; its CPU seconds go to `CPU[name]`."""
    times, result = [], None
    for _ in range(rounds):
        if before:
            before()
        started, cpu = time.perf_counter(), time.process_time()
        result = run()
        times.append((time.perf_counter() - started, time.process_time() - cpu))
    wall, cpu = min(times)
    CPU[name] = round(cpu, 3)
    return wall, result


def busiest_pair(ws: Workspace) -> tuple[str, str]:
    r = s.relations
    query = (select(r.c.source_group, r.c.target_group, func.count().label("n"))
             .where(r.c.version == ws.version, r.c.source_group != r.c.target_group)
             .group_by(r.c.source_group, r.c.target_group).order_by(func.count().desc()).limit(1))
    with ws.store.engine.connect() as conn:
        row = conn.execute(query).one()
    return row.source_group, row.target_group


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a store filled by generate_relations.py (or any store)")
    parser.add_argument("--pair", nargs=2, metavar=("X", "Y"), help="the dyad to time (default: the busiest pair)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per measurement; the fastest counts")
    parser.add_argument("--format", choices=["table", "json"], default="table", help="output format")
    args = parser.parse_args()
    ws = Workspace(args.db)
    try:
        x, y = args.pair or busiest_pair(ws)
        r = s.relations
        with ws.store.engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(r).where(r.c.version == ws.version))
            first = conn.scalar(select(func.min(r.c["when"])).where(r.c.version == ws.version))

        def forget_series() -> None:
            with ws.store.engine.begin() as conn:
                conn.execute(delete(s.alert_cells))
                conn.execute(delete(s.alert_series))

        out: dict[str, Any] = {"db": args.db, "relations": total, "pair": f"{x}-{y}"}
        seconds, timeline = best_of("dyad_quarter", args.rounds, lambda: ws.dyad(x, y, by="quarter"))
        out["pair_events"] = sum(len(p.events) for p in [*timeline.periods, timeline.undated])
        out["pair_relations"] = sum(len(e.relation_ids) for p in [*timeline.periods, timeline.undated] for e in p.events)
        out["dyad_quarter_s"] = round(seconds, 3)
        out["dyad_month_s"] = round(best_of("dyad_month", args.rounds, lambda: ws.dyad(x, y, by="month"))[0], 3)
        out["alerts_build_s"] = round(best_of("alerts_build", 1, lambda: ws.alerts(), before=forget_series)[0], 3)
        seconds, report = best_of("alerts_recent", args.rounds, lambda: ws.alerts())
        out["alerts_recent_s"], out["alerts_recent_since"] = round(seconds, 3), report.since
        since = (first or "2000")[:4]
        seconds, report = best_of("alerts_history", args.rounds, lambda: ws.alerts(since=since))
        out["alerts_history_s"], out["alerts_history_since"] = round(seconds, 3), report.since
        out["top_alert"] = (f"{report.alerts[0].source}->{report.alerts[0].target} {report.alerts[0].period} "
                            f"{report.alerts[0].score}") if report.alerts else None
        out["build_over_recent"] = round(out["alerts_build_s"] / max(out["alerts_recent_s"], 1e-9), 1)
        out["cpu_s"] = dict(CPU)
    finally:
        ws.close()
    if args.format == "json":
        print(json.dumps(out, indent=2))
    else:
        for key, value in out.items():
            print(f"{key:22} {value}")


if __name__ == "__main__":
    main()
