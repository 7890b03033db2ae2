"""Sankey-style charts of defection flows, as standalone SVG or HTML (no script, no network).

One panel per period: the groups fighters leave on the left, the groups they
join on the right, and a band per flow as wide as its number of events. Every
band and node carries a `<title>` tooltip; all text is escaped.

Example:
    Path("flows.svg").write_text(sankey_svg(report.flows, title="Defections by year"))
"""
from __future__ import annotations

from html import escape
from typing import Iterable, Sequence

from ..analysis.defections import Flow

__all__ = ["sankey_svg", "sankey_html", "CHART_SUFFIXES"]

CHART_SUFFIXES = (".svg", ".html")
WIDTH = 760
NODE_W = 14
MARGIN = 170          # room for the labels either side
GAP = 10              # between nodes of one column
MAX_COLUMN = 320      # tallest column, in pixels
MAX_UNIT = 22         # pixels per event at most
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")


def _totals(flows: Iterable[Flow], end: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in flows:
        name = getattr(f, end)
        out[name] = out.get(name, 0) + f.events
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _column(totals: dict[str, int], top: float, unit: float) -> dict[str, float]:
    """Top y of each node of a column."""
    out, y = {}, top
    for name, n in totals.items():
        out[name] = y
        y += n * unit + GAP
    return out


def _panel(flows: Sequence[Flow], label: str, top: float, unit: float, colours: dict[str, str]) -> tuple[list[str], float]:
    sources, targets = _totals(flows, "source"), _totals(flows, "target")
    body_top = top + 28
    left, right = _column(sources, body_top, unit), _column(targets, body_top, unit)
    x0, x1 = MARGIN, WIDTH - MARGIN - NODE_W
    parts = [f'<text class="period" x="{WIDTH / 2:.0f}" y="{top + 16:.1f}" text-anchor="middle">{escape(label)}</text>']
    out_at, in_at = dict(left), dict(right)
    for f in sorted(flows, key=lambda f: (list(sources).index(f.source), list(targets).index(f.target))):
        h = f.events * unit
        ys, yt = out_at[f.source], in_at[f.target]
        out_at[f.source] += h
        in_at[f.target] += h
        xa, xb = x0 + NODE_W, x1
        xm = (xa + xb) / 2
        path = (f"M{xa},{ys:.1f} C{xm:.1f},{ys:.1f} {xm:.1f},{yt:.1f} {xb},{yt:.1f} "
                f"L{xb},{yt + h:.1f} C{xm:.1f},{yt + h:.1f} {xm:.1f},{ys + h:.1f} {xa},{ys + h:.1f} Z")
        tip = f"{f.source} \u2192 {f.target}: {f.events} event{'s' if f.events != 1 else ''}, {f.documents} document{'s' if f.documents != 1 else ''}"
        parts.append(f'<path class="flow" d="{path}" fill="{colours[f.source]}"><title>{escape(tip)}</title></path>')
    for names, ys, x, anchor, dx in ((sources, left, x0, "end", -6), (targets, right, x1, "start", NODE_W + 6)):
        for name, n in names.items():
            h = n * unit
            parts.append(f'<rect class="node" x="{x}" y="{ys[name]:.1f}" width="{NODE_W}" height="{h:.1f}" '
                         f'fill="{colours.get(name, "#888")}"><title>{escape(f"{name}: {n}")}</title></rect>')
            parts.append(f'<text x="{x + dx}" y="{ys[name] + h / 2 + 4:.1f}" text-anchor="{anchor}">'
                         f'{escape(name)} ({n})</text>')
    bottom = max(max(left.values()) + sources[list(sources)[-1]] * unit, max(right.values()) + targets[list(targets)[-1]] * unit)
    return parts, bottom + 24


def sankey_svg(flows: Sequence[Flow], *, title: str = "Defections") -> str:
    """An SVG document: one Sankey panel per period of `flows` (in their order)."""
    periods = list(dict.fromkeys(f.period for f in flows))
    groups = list(dict.fromkeys(sorted({f.source for f in flows} | {f.target for f in flows})))
    colours = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    tallest = max([sum(f.events for f in flows if f.period == p) for p in periods] + [1])  # a column's events
    unit = min(MAX_UNIT, MAX_COLUMN / tallest)
    parts = [f'<text class="title" x="{WIDTH / 2:.0f}" y="24" text-anchor="middle">{escape(title)}</text>']
    y = 40.0
    if not flows:
        parts.append(f'<text x="{WIDTH / 2:.0f}" y="64" text-anchor="middle">No defections in this window.</text>')
        y = 90.0
    quarters = any("-Q" in (p or "") for p in periods)
    for period in periods:
        label = period or "undated"
        if quarters and period and len(period) == 4:
            label = f"{period} (dated to the year only)"
        panel, y = _panel([f for f in flows if f.period == period], label, y, unit, colours)
        parts.extend(panel)
    style = ("text{font-family:sans-serif;font-size:12px;fill:#222}.title{font-size:16px;font-weight:bold}"
             ".period{font-size:13px;font-weight:bold}.flow{fill-opacity:.45}.flow:hover{fill-opacity:.8}")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y:.0f}" '
            f'viewBox="0 0 {WIDTH} {y:.0f}" role="img"><title>{escape(title)}</title>'
            f'<style>{style}</style>' + "".join(parts) + "</svg>\n")


def sankey_html(flows: Sequence[Flow], *, title: str = "Defections") -> str:
    """A standalone HTML page: the SVG chart and the table of flows."""
    rows = "".join(
        f"<tr><td>{escape(f.period or 'undated')}</td><td>{escape(f.source)}</td><td>{escape(f.target)}</td>"
        f"<td>{f.events}</td><td>{f.documents}</td></tr>" for f in flows)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:2px 8px}</style></head><body>\n"
            + sankey_svg(flows, title=title)
            + "<table><tr><th>Period</th><th>From</th><th>To</th><th>Events</th><th>Documents</th></tr>"
            + rows + "</table>\n</body></html>\n")
