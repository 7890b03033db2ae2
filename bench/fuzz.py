#!/usr/bin/env python
"""Fuzz every reader through the real CLI: mutated inputs made from seeds of our own writing.

Each format has a seed (plain text, Markdown, HTML, JSONL, a Telegram export, an RSS feed, a
PDF, ACLED, GTD and UCDP CSVs). Each input is the seed with 1-4 mutations drawn with a fixed
random seed: byte flips, inserted or deleted spans, truncation, duplicated spans, and hostile
splices (JSON nested thousands deep, 5,000-digit numbers, non-finite numbers, lone surrogate
escapes, NUL and control bytes, invalid UTF-8, a BOM mid-file, a 200,000-character word).

Inputs go through `rivalwatch` itself (click's CliRunner, in this process, on a real SQLite file):
`ingest FILES...` in batches for documents, `feeds ingest --no-fetch FILES...` for feeds, and
`import acled|gtd|ucdp FILE` per CSV. Every batch runs under an alarm (`--timeout`). Reported:
inputs, accepted, refused with a clean one-line error (names the file, carries an RW code),
crashes (an RW900 line, a traceback or an exception out of the command), hangs (the alarm),
and error lines that do not name their file.

Example:
    python bench/fuzz.py                       # 10,000 inputs
    python bench/fuzz.py --inputs 500 --format json
"""
from __future__ import annotations

import argparse
import json
import random
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from click.testing import CliRunner  # noqa: E402

from rivalwatch.cli import main  # noqa: E402

SEEDS: dict[str, bytes] = {
    ".txt": b"Valley Monitor, 12 March 2024\n\nThe river brigade accused the hill front of shelling a market "
            b"in the old town. ISKP claimed an attack on a Taliban checkpoint in Kunar on Tuesday.\n",
    ".md": b"# Weekly note\n\n*Reported 2024-05-02.* The TTP **denounced** ISKP in a [statement](http://x.invalid).\n\n"
           b"- JNIM fighters clashed with ISGS near Menaka.\n",
    ".html": b"<!doctype html><html><head><title>Clash | Monitor</title><meta property='article:published_time' "
             b"content='2024-03-12'></head><body><article><h1>Clash</h1><p>Al-Shabaab attacked an army base near "
             b"Kismayo, officials said.</p><p>The group later threatened the government.</p></article></body></html>",
    ".jsonl": b'{"text": "Hamas and Fatah held talks in Cairo.", "published": "2023-10-02", "source": "wire"}\n'
              b'{"text": "ISWAP ambushed soldiers in Borno.", "title": "Borno", "tags": ["a", 1]}\n',
    ".json": json.dumps({"name": "Test Channel", "type": "public_channel", "id": 1700000009, "messages": [
        {"id": 1, "type": "message", "date": "2024-01-02T10:00:00", "date_unixtime": "1704189600",
         "text": ["The TTP condemned ", {"type": "hashtag", "text": "#ISKP"}, " for the attack."]},
        {"id": 2, "type": "message", "date": "2024-01-03T11:00:00", "text": "A new video was released.",
         "media_type": "video_file", "duration_seconds": 120}]}).encode(),
    ".xml": b"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed</title><item><title>Raid</title>"
            b"<link>http://x.invalid/1</link><pubDate>Tue, 12 Mar 2024 10:00:00 GMT</pubDate><description>HTS "
            b"arrested Hurras al-Din members in Idlib.</description></item></channel></rss>",
    ".pdf": (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
             b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
             b"endobj 4 0 obj<</Length 60>>stream\nBT /F1 12 Tf 20 100 Td (ISKP attacked the Taliban in Kunar.) Tj ET\n"
             b"endstream endobj 5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"),
    "acled": b"event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,admin1,fatalities,notes\n"
             b"PAK1,2024-01-02,Battles,Armed clash,TTP,Military Forces of Pakistan (2022-),Khyber Pakhtunkhwa,3,"
             b"\"TTP militants clashed with soldiers.\"\n",
    "gtd": b"eventid,iyear,imonth,iday,country_txt,provstate,gname,targtype1_txt,nkill,summary\n"
           b"201901010001,2019,1,1,Pakistan,Balochistan,Tehrik-i-Taliban Pakistan (TTP),Police,2,\"An attack.\"\n",
    "ucdp": b"id,side_a,side_b,date_start,best,country\n1,Government of Pakistan,TTP,2020-05-01,4,Pakistan\n",
}
HOSTILE = [b"[" * 3000 + b"]" * 3000, b"9" * 5000, b"Infinity", b"1e999", b"-0", b'"\\ud800"', b"\\udfff",
           b"\x00", b"\x07\x1b[2J", b"\xff\xfe\xfd", b"\xc3\x28", b"\xef\xbb\xbf", b"a" * 200_000, b"\r\r\n",
           b'"', b"<![CDATA[", b"]]>", b"<!--", b"&#0;", b"&#xD800;", b"\xe2\x80\xae", b"{\"text\": {}}",
           b"%%EOF", b"obj<</Length 99999999>>", b",,,,,,,,,,", b"\n" * 500]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """The seed with 1-4 random mutations."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(out) + 1)
        kind = rng.randrange(6)
        if kind == 0 and out:
            out[min(at, len(out) - 1)] ^= 1 << rng.randrange(8)
        elif kind == 1:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif kind == 2:
            del out[at:at + rng.randint(1, 40)]
        elif kind == 3:
            out = out[:at]
        elif kind == 4:
            out[at:at] = out[max(0, at - 30):at]
        else:
            out[at:at] = rng.choice(HOSTILE)
    return bytes(out)


class Hang(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise Hang()


def run_batch(db: Path, args: list[str], timeout: int) -> tuple[str, str | None]:
    """(stderr + stdout, failure): failure is "hang", "crash: ..." or None."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        result = CliRunner().invoke(main, ["--db", str(db), *args])
    except Hang:
        return "", "hang"
    finally:
        signal.alarm(0)
    text = (result.stderr or "") + (result.stdout or "")
    if isinstance(result.exception, Hang):
        return text, "hang"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return text, f"crash: {type(result.exception).__name__}: {result.exception}"
    if "Traceback" in text:
        return text, "crash: traceback printed"
    return text, None


def fuzz(inputs: int, seed: int, timeout: int, batch: int, progress: Callable[[int], None]) -> dict[str, Any]:
    rng = random.Random(seed)
    kinds = list(SEEDS)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {"crash": [], "hang": [], "unnamed": []}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rw-fuzz-") as tmp:
        root, db = Path(tmp), Path(tmp) / "fuzz.db"
        made: dict[str, list[Path]] = {k: [] for k in kinds}
        for n in range(inputs):
            kind = kinds[n % len(kinds)]
            suffix = ".csv" if kind in ("acled", "gtd", "ucdp") else kind
            path = root / kind.strip(".") / f"in{n:05d}{suffix}"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(mutate(SEEDS[kind], rng))
            made[kind].append(path)
        done = 0
        jobs: list[tuple[list[Path], list[str]]] = []
        for kind, paths in made.items():
            if kind in ("acled", "gtd", "ucdp"):
                jobs += [([p], ["import", kind, str(p)]) for p in paths]
            else:
                command = ["feeds", "ingest", "--no-fetch"] if kind == ".xml" else ["ingest"]
                jobs += [(paths[i:i + batch], [*command, *map(str, paths[i:i + batch])])
                         for i in range(0, len(paths), batch)]
        for paths, args in jobs:
            text, failure = run_batch(db, args, timeout)
            named = {p: [line for line in text.splitlines() if str(p) in line] for p in paths}
            for line in text.splitlines():
                if re.search(r"\[RW\d{3}\]", line) and not any(str(p) in line for p in paths) and len(paths) > 1:
                    counts["unnamed"] += 1
                    examples["unnamed"].append(line[:200])
            for p in paths:
                lines = named[p]
                if failure and (len(paths) == 1 or failure == "hang"):
                    key = "hang" if failure == "hang" else "crash"
                    counts[key] += 1
                    examples[key].append(f"{p.name}: {failure[:200]}")
                elif any("RW900" in line for line in lines):
                    counts["crash"] += 1
                    examples["crash"].append(next(line for line in lines if "RW900" in line)[:200])
                elif lines:
                    counts["refused"] += 1
                else:
                    counts["accepted"] += 1
            if failure and len(paths) > 1 and failure != "hang":
                counts["crash"] += 1
                examples["crash"].append(f"batch of {len(paths)}: {failure[:200]}")
            done += len(paths)
            progress(done)
    return {"inputs": inputs, "seconds": round(time.perf_counter() - started, 1), "accepted": counts["accepted"],
            "refused_cleanly": counts["refused"], "crashes": counts["crash"], "hangs": counts["hang"],
            "unnamed_error_lines": counts["unnamed"], "examples": {k: v[:10] for k, v in examples.items() if v}}


def main_() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=300, help="seconds a batch may take before it counts as a hang")
    parser.add_argument("--batch", type=int, default=250, help="files per ingest run")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    args = parser.parse_args()
    from rich.progress import Progress
    with Progress(transient=True) as bar:
        task = bar.add_task("fuzz", total=args.inputs)
        report = fuzz(args.inputs, args.seed, args.timeout, args.batch, lambda n: bar.update(task, completed=n))
    if args.format == "json":
        print(json.dumps(report, indent=1))
    else:
        for key, value in report.items():
            if key != "examples":
                print(f"{key:>22}: {value}")
        for key, lines in report["examples"].items():
            print(f"\n{key}:")
            for line in lines:
                print(f"  {line}")
    return 1 if report["crashes"] or report["hangs"] else 0


if __name__ == "__main__":
    sys.exit(main_())
