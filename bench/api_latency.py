#!/usr/bin/env python
"""Latency of the JSON API under concurrent clients: the dyad and relations endpoints.

It serves a store with `rivalwatch serve` in a subprocess on 127.0.0.1 (a free
port), then `--clients` asyncio clients (httpx, one connection each) send
`--requests` requests in all (stopping after `--seconds` at most) and it reports
p50/p95/p99 latency per endpoint and overall, requests per second and errors.
Each client is one kept-alive HTTP/1.1 connection driven by plain asyncio streams
(uvloop when installed): an httpx client costs more CPU per request than the
server does, and on a 2-core machine the load generator would be what is measured.

What is asked is drawn at random (fixed seed) the way the store is made up: actor
pairs in proportion to their relations (the 200 busiest pairs, group level) and
sources in proportion to theirs (the 100 busiest), so the busy ISKP-TTP dyad of
`generate_relations.py` comes up often and rare pairs now and then:

  dyad       50%  /api/dyads/{a}/{b}?by=quarter|year (75/25): the timeline (periods, counts per
                  type, hostility per direction), without the event lists (`events=true`)
  relations  50%  /api/relations?limit=50&offset=0..150 with source (40%),
                  source and target (30%), no filter (20%), source and type (10%)

The server starts with a cold cache (answers are cached until the database
changes), so by default the run measures first computations and cache hits
mixed as the plan orders them; `--warm` first asks every distinct request of the
plan once (not timed), as a dashboard in use for a while would have; `--no-cache`
computes every request afresh. Clients ask again as soon as they are answered
(a closed loop, the hardest case); `--think 1` makes each wait a second between
requests, like a person clicking through the dashboard. Only loopback traffic; the run is bounded in
requests and time.

Example:
    python bench/generate_relations.py --n 1000000 --db /tmp/rw-1m.db
    python bench/api_latency.py --db /tmp/rw-1m.db --clients 50 --requests 5000
    python bench/api_latency.py --db /tmp/rw-1m.db --no-cache --requests 1000
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import func, select  # noqa: E402

from rivalwatch.api import RELATION_TYPES, Workspace  # noqa: E402
from rivalwatch.store import schema as s  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _population(ws: Workspace) -> tuple[list[tuple[str, str]], list[int], list[str], list[int]]:
    """The busiest group pairs and sources, with their relation counts as weights."""
    r = s.relations
    n = func.count().label("n")
    with ws.store.engine.connect() as conn:
        pairs = conn.execute(select(r.c.source_group, r.c.target_group, n)
                             .where(r.c.version == ws.version, r.c.source_group != r.c.target_group)
                             .group_by(r.c.source_group, r.c.target_group).order_by(n.desc()).limit(200)).all()
        sources = conn.execute(select(r.c.source, n).where(r.c.version == ws.version)
                               .group_by(r.c.source).order_by(n.desc()).limit(100)).all()
    if not pairs or not sources:
        sys.exit("error: the store holds no relations of the current extractor version")
    return [(a, b) for a, b, _ in pairs], [k for *_, k in pairs], [a for a, _ in sources], [k for _, k in sources]


def _requests(count: int, seed: int, population: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(endpoint, path, params) for every request, drawn in advance."""
    pairs, pair_weights, sources, source_weights = population
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        if rng.random() < 0.5:
            a, b = rng.choices(pairs, weights=pair_weights)[0]
            out.append(("dyad", f"/api/dyads/{a}/{b}", {"by": "quarter" if rng.random() < 0.75 else "year"}))
            continue
        params: dict[str, Any] = {"limit": 50, "offset": 50 * rng.randrange(4)}
        kind = rng.random()
        if kind < 0.4:
            params["source"] = rng.choices(sources, weights=source_weights)[0]
        elif kind < 0.7:
            params["source"], params["target"] = rng.choices(pairs, weights=pair_weights)[0]
        elif kind < 0.9:
            pass
        else:
            params["source"] = rng.choices(sources, weights=source_weights)[0]
            params["type"] = rng.choice(RELATION_TYPES)
        out.append(("relations", "/api/relations", params))
    return out


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, int]:
    """One GET on a kept-alive HTTP/1.1 connection: (status, body bytes)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
    await reader.readexactly(length)
    return int(lines[0].split(" ", 2)[1]), length


async def _run(port: int, token: str, plan: list[tuple[str, str, dict[str, Any]]], clients: int,
               seconds: float, think: float = 0.0) -> tuple[list[tuple[str, float, int, int]], float]:
    """`clients` connections, each asking the next request of the plan `think` seconds after its last one
    was answered (at once by default)."""
    queue: asyncio.Queue[tuple[str, str, dict[str, Any]]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    results: list[tuple[str, float, int, int]] = []
    deadline = time.monotonic() + seconds

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < deadline:
                try:
                    endpoint, path, params = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                request = (f"GET {path}?{urlencode(params)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           f"Authorization: Bearer {token}\r\n\r\n").encode("ascii")
                started = time.perf_counter()
                try:
                    status, size = await _get(reader, writer, request)
                except (OSError, asyncio.IncompleteReadError, ValueError, StopIteration):
                    results.append((endpoint, time.perf_counter() - started, 0, 0))
                    return
                results.append((endpoint, time.perf_counter() - started, status, size))
                if think:
                    await asyncio.sleep(think)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return results, time.perf_counter() - started


def _loop_run(coroutine: Any) -> Any:
    """Run on uvloop when it is installed (the server uses it too), else on asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"n": len(ordered), "p50_ms": round(pick(0.50) * 1000, 1), "p95_ms": round(pick(0.95) * 1000, 1),
            "p99_ms": round(pick(0.99) * 1000, 1), "max_ms": round(ordered[-1] * 1000, 1),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="SQLite file or PostgreSQL URL to serve (e.g. made by bench/generate_relations.py)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=5000, help="requests in all")
    parser.add_argument("--seconds", type=float, default=300, help="stop after this long in any case")
    parser.add_argument("--seed", type=int, default=11, help="random seed of the request mix")
    parser.add_argument("--no-cache", action="store_true", help="serve without the answer cache")
    parser.add_argument("--warm", action="store_true", help="ask every distinct request once before timing")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each client waits after an answer before its next request (default 0: at once)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args()
    if "://" not in args.db and not Path(args.db).is_file():  # a file path must exist; a URL is tried
        sys.exit(f"error: {args.db} does not exist; make one with bench/generate_relations.py")

    with Workspace(args.db) as ws:  # also brings an older store up to date before the clock starts
        population = _population(ws)
        name = f"bench-{os.getpid()}"
        _, token = ws.create_token(name=name, role="viewer", by="bench")
        relations = ws.store.counts(version=ws.version)["relations"]
    port = _free_port()
    command = [sys.executable, "-m", "rivalwatch", "--db", args.db, "serve", "--port", str(port)]
    server = subprocess.Popen(command + (["--no-cache"] if args.no_cache else []), cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("error: the server did not start")
            time.sleep(0.2)
        plan = _requests(args.requests, args.seed, population)
        distinct = list({(e, p, tuple(sorted(q.items()))): (e, p, q) for e, p, q in plan}.values())
        if args.warm:
            _loop_run(_run(port, token, distinct, args.clients, args.seconds))
        cpu_before, client_before = _cpu_seconds(server.pid), time.process_time()
        results, elapsed = _loop_run(_run(port, token, plan, args.clients, args.seconds, args.think))
        server_cpu, client_cpu = _cpu_seconds(server.pid) - cpu_before, time.process_time() - client_before
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        with Workspace(args.db) as ws:
            ws.revoke_token(name, by="bench")

    report: dict[str, Any] = {
        "relations_in_store": relations, "clients": args.clients, "think_seconds": args.think, "requests": len(results),
        "distinct_requests": len(distinct), "cache": not args.no_cache, "warm": args.warm,
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(results) / elapsed, 1) if elapsed else 0,
        "errors": sum(1 for _, _, status, _ in results if status != 200),
        # CPU the server spent per request: what an idle machine would need, whatever else runs now
        "server_cpu_ms_per_request": round(server_cpu * 1000 / len(results), 2) if results else None,
        # ... and the clients (one Python process): when near `seconds`, the clients are the bottleneck
        "client_cpu_seconds": round(client_cpu, 1),
        "bytes_per_request": round(sum(n for *_, n in results) / len(results)) if results else None,
        "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
        "overall": _percentiles([t for _, t, _, _ in results]),
    }
    for endpoint in ("dyad", "relations"):
        report[endpoint] = _percentiles([t for e, t, _, _ in results if e == endpoint])
    if args.format == "json":
        print(json.dumps(report, indent=2))
        return
    state = ("on, warmed" if args.warm else "on, cold start") if report["cache"] else "off"
    pause = f" pausing {args.think:g} s" if args.think else ""
    print(f"{report['requests']} requests ({len(distinct)} distinct), {args.clients} clients{pause}, {relations:,} relations, "
          f"cache {state}: {report['seconds']} s, "
          f"{report['requests_per_second']} req/s, {report['errors']} errors, server CPU "
          f"{report['server_cpu_ms_per_request']} ms/request, client CPU {report['client_cpu_seconds']} s, "
          f"{report['bytes_per_request']} bytes/request, load {report['load_average']} on {report['cpus']} CPUs")
    for key in ("overall", "dyad", "relations"):
        p = report[key]
        if p:
            print(f"  {key:<10} n={p['n']:<6} p50 {p['p50_ms']:>8} ms  p95 {p['p95_ms']:>8} ms  "
                  f"p99 {p['p99_ms']:>8} ms  max {p['max_ms']:>8} ms")


if __name__ == "__main__":
    main()
