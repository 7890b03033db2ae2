"""Dyad commands: `dyad` (how the relationship between two actors moves) and `alerts`
(which dyads changed), with their tables and text charts."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import click
from rich.table import Table
from rich.text import Text

from .. import render
from .base import format_option, main, pass_workspace

if TYPE_CHECKING:
    from ..api import Workspace

BY = click.Choice(["month", "quarter", "year"], case_sensitive=False)
SPARKS = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 24


@main.command()
@click.argument("x", metavar="ACTOR")
@click.argument("y", metavar="OTHER")
@click.option("--by", type=BY, default="quarter", show_default=True, help="Period length of the timeline.")
@click.option("--since", metavar="DATE", help="Only events dated in or after this ISO date (2024, 2024-07); drops undated ones.")
@click.option("--until", metavar="DATE", help="Only events dated in or before this ISO date; drops undated ones.")
@click.option("--actors-as-written", is_flag=True,
              help="Keep persons and media outlets as written instead of rolling them up to their group.")
@click.option("--evidence", is_flag=True, help="List every event with the sentences that report it (JSON: add them).")
@format_option
@pass_workspace
def dyad(ws: Workspace, x: str, y: str, by: str, since: str | None, until: str | None, actors_as_written: bool,
         evidence: bool, fmt: str) -> None:
    """How the relationship between two actors moves: per period and direction, events per type
    and quad class, and hostility, with a text chart.

    An event is one (source, type, target, date) however many documents report it.
    Hostility = type weight x modality factor (knowledge/hostility.yaml): FIGHT 10,
    ASSAULT 9, COERCE 7, THREATEN 5, REJECT 3, ACCUSE 2, DEFECT 1, CONSULT -1,
    PLEDGE -6, COOPERATE -6, SUPPORT -7; asserted x1, alleged x0.5; negated and
    hypothetical relations are not events. FIGHT counts in both directions and once
    for the dyad. Actors: ids or any alias; persons and outlets count for their group.

    Example: rivalwatch dyad ISKP TTP --by quarter --since 2023
    """
    timeline = ws.dyad(x, y, by=by, since=since, until=until, as_written=actors_as_written, evidence=evidence)
    if fmt == "json":
        render.print_json(timeline.as_dict())
    else:
        dyad_report(timeline, evidence=evidence)


@main.command()
@click.option("--since", metavar="DATE", help="Alerts in periods from this ISO date on (default: the latest periods, "
                                               "`recent` in knowledge/alerts.yaml).")
@click.option("--by", type=BY, default="quarter", show_default=True, help="Period length the dyads are compared by.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Show at most this many alerts.")
@format_option
@pass_workspace
def alerts(ws: Workspace, since: str | None, by: str, limit: int, fmt: str) -> None:
    """Which dyads changed: escalations and shifts per directed dyad, ranked, each citing its evidence.

    Rules (thresholds in knowledge/alerts.yaml), each period against the preceding
    window: escalation (hostility above the window's mean + k x std), cooperation to
    conflict and back (net hostility changes sign), denunciation after silence
    (verbal conflict after a window without any), first relation of a type. Score:
    the change over the window's standard deviation (floored). The first query after
    the store changed rebuilds the dyad series (seconds on a million relations).

    Example: rivalwatch alerts --since 2024 --by quarter --limit 10
    """
    report = ws.alerts(by=by, since=since, limit=limit)
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        alerts_report(report)


# --- presentation -----------------------------------------------------------------------

def _number(value: float) -> str:
    return f"{value:+g}" if value else "0"


def _types(stats: Any) -> Text:
    kinds = " ".join(f"{t}×{n}" if n > 1 else t for t, n in sorted(stats.types.items()))
    quad = " · ".join(f"{q.replace('_', ' ')} {n}" for q, n in sorted(stats.quad.items()))
    return Text(f"{kinds}\n{quad}" if kinds else "")


def _bar(value: float, top: float) -> Text:
    """A signed bar: hostility in red to the right, cooperation in green (as '◂')."""
    if not value or not top:
        return Text("")
    width = max(1, round(abs(value) / top * BAR_WIDTH))
    return Text("█" * width, style="red") if value > 0 else Text("◂" * width, style="green")


def sparkline(values: Sequence[float]) -> Text:
    """One character per period: ▁..█ for hostility, '·' for none, '▾' (green) for net cooperation."""
    top = max((v for v in values if v > 0), default=0.0)
    line = Text()
    for value in values:
        if value > 0:
            line.append(SPARKS[min(len(SPARKS) - 1, int(value / top * (len(SPARKS) - 1) + 0.5))], style="red")
        else:
            line.append("▾" if value < 0 else "·", style="green" if value < 0 else "dim")
    return line


def dyad_report(timeline: Any, *, evidence: bool = False) -> None:
    out = render.console()
    forward, backward = timeline.directions
    level = "actors as written" if timeline.level == "as_written" else "group level"
    table = Table(title=f"{timeline.x} and {timeline.y} by {timeline.by} ({level})", title_justify="left",
                  show_lines=True)
    for name, justify in (("Period", "left"), (forward, "right"), ("events", "left"), (backward, "right"),
                          ("events ", "left"), ("Dyad", "right"), ("", "left")):
        table.add_column(name, justify=justify, no_wrap=name in ("Period", "Dyad", ""))
    periods = [*timeline.periods, *([timeline.undated] if timeline.undated.events else [])]
    top = max((abs(p.hostility) for p in periods), default=0.0)
    for p in periods:
        f, b = p.directions[forward], p.directions[backward]
        table.add_row(Text(p.label), _number(f.hostility), _types(f), _number(b.hostility), _types(b),
                      _number(p.hostility), _bar(p.hostility, top),
                      style="dim" if p.precision != timeline.by else None)
    out.print(table)
    for label, direction in ((forward, forward), (backward, backward), ("dyad", "dyad")):
        values = [v for _, v in timeline.series(direction)]
        out.print(Text(f"{label:>{max(len(forward), len(backward))}}  ").append_text(sparkline(values)))
    weights = ", ".join(f"{t} {w:g}" for t, w in sorted(timeline.weights.items(), key=lambda kv: -kv[1]))
    factors = ", ".join(f"{m} x{f:g}" for m, f in timeline.modality_factors.items() if f)
    out.print(Text(f"hostility = type weight x modality factor, each event once: {weights}; {factors}. "
                   f"Dimmed rows: dates less precise than a {timeline.by}, and undated events.", style="dim"))
    if evidence:
        for p in periods:
            if p.events:
                out.print(Text(f"\n{p.label}", style="bold"))
            for e in p.events:
                out.print(Text(f"  {e.direction} {e.type} {e.when or 'undated'} {e.modality} "
                               f"({_number(e.hostility)}), {len(e.relation_ids)} report(s)"))
                for rid, doc, sentence in e.evidence:
                    out.print(Text(f"    [{doc[:8]} #{rid}] {sentence}"))


def alerts_report(report: Any) -> None:
    out = render.console()
    if not report.alerts:
        out.print(Text(f"No alerts by {report.by} since {report.since or '(no dated relations)'}."))
        return
    table = Table(title=f"Alerts by {report.by} since {report.since} ({len(report.alerts)})", title_justify="left",
                  show_lines=True)
    for name in ("#", "Score", "Dyad", "Period", "What changed", "Evidence"):
        table.add_column(name, justify="right" if name in ("#", "Score") else "left",
                         no_wrap=name in ("#", "Score", "Period"), ratio=3 if name == "Evidence" else None,
                         overflow="fold")
    for rank, a in enumerate(report.alerts, 1):
        lines = []
        for e in a.evidence:
            rid, doc, sentence = e.reports[0]
            more = f" (+{len(e.reports) - 1} more)" if len(e.reports) > 1 else ""
            lines.append(f"{e.type} {e.when} {e.modality} ({_number(e.hostility)}): {sentence} [{doc[:8]} #{rid}]{more}")
        table.add_row(str(rank), f"{a.score:.2f}", f"{a.source} -> {a.target}", a.period,
                      Text(", ".join(a.kinds) + "\n" + a.summary(report.by)), Text("\n".join(lines)))
    out.print(table)
    out.print(Text(f"Each period against the {report.window} preceding {report.by}s (knowledge/alerts.yaml); "
                   f"--format json lists every report of each cited event.", style="dim"))
