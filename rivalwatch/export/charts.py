"""Charts as inline SVG strings: no plotting library, no external resource.

Every label is escaped (actor names may come from ingested text), so the SVG can
be pasted into an HTML page as it is.

Example:
    svg = timeline_svg(["2024-Q1", "2024-Q2"], {"TTP": [2.0, 9.0]}, title="Hostility")
    svg = shares_svg(["2024-Q1", "2024-Q2"], {"1 apostasy": [0.8, 0.2], "2 puppet": [0.2, 0.8]})
    svg = network_svg("ISKP", [("ISKP", "TTP", -1, 12.0)])
"""
from __future__ import annotations

import math
from html import escape
from typing import Mapping, Sequence

__all__ = ["timeline_svg", "shares_svg", "network_svg", "PALETTE"]

# Colour-blind-safe (Okabe-Ito), then greys.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")
HOSTILE, ALLIED, NEUTRAL = "#C0392B", "#1E8449", "#7F8C8D"
FONT = 'font-family="Helvetica, Arial, sans-serif"'


def _text(x: float, y: float, label: str, *, size: int = 12, anchor: str = "start", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {FONT}{extra}>'
            f"{escape(label)}</text>")


def timeline_svg(periods: Sequence[str], series: Mapping[str, Sequence[float]], *, title: str = "",
                 width: int = 760, height: int = 300, y_label: str = "hostility") -> str:
    """A line per series over the periods (same length each); a legend on the right."""
    left, right, top, bottom = 56, 190, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for vs in series.values() for v in vs]
    ticks = _ticks(min([0.0, *values]), max([1.0, *values]))
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1.0

    def x(i: int) -> float:
        return left + (plot_w * i / (len(periods) - 1) if len(periods) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / span)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title or y_label)}">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    if title:
        parts.append(_text(left, 20, title, size=14, extra=' font-weight="bold"'))
    for tick in ticks:
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" '
                     f'stroke="#e5e5e5" stroke-width="1"/>')
        parts.append(_text(left - 6, y(tick) + 4, f"{tick:g}", size=10, anchor="end"))
    if low < 0 < high:
        parts.append(f'<line x1="{left}" y1="{y(0):.1f}" x2="{left + plot_w}" y2="{y(0):.1f}" stroke="#888" stroke-width="1"/>')
    step = max(1, math.ceil(len(periods) / 8))
    for i, p in enumerate(periods):
        if (i % step == 0 and len(periods) - 1 - i >= step / 2) or i == len(periods) - 1:  # no label crowds the last
            parts.append(_text(x(i), top + plot_h + 16, p, size=10, anchor="middle"))
    parts.append(_text(14, top + plot_h / 2, y_label, size=10, anchor="middle",
                       extra=f' transform="rotate(-90 14 {top + plot_h / 2:.1f})"'))
    for n, (name, vs) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vs))
        if len(vs) > 1:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, v in enumerate(vs):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>')
        ly = top + 8 + 18 * n
        parts.append(f'<line x1="{left + plot_w + 14}" y1="{ly}" x2="{left + plot_w + 32}" y2="{ly}" '
                     f'stroke="{colour}" stroke-width="3"/>')
        parts.append(_text(left + plot_w + 38, ly + 4, _short(name), size=11))
    parts.append("</svg>")
    return "".join(parts)


def shares_svg(periods: Sequence[str], series: Mapping[str, Sequence[float]], *, title: str = "",
               counts: Sequence[int] = (), width: int = 760, height: int = 280) -> str:
    """One stacked bar per period, each series its share (0..1) of the period; `counts` printed above the bars."""
    left, right, top, bottom = 48, 230, 46, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(1, len(periods))
    bar = min(56.0, slot * 0.7)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title or "shares")}">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    if title:
        parts.append(_text(left, 20, title, size=14, extra=' font-weight="bold"'))
    for tick in (0, 0.5, 1):
        y = top + plot_h * (1 - tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(_text(left - 6, y + 4, f"{round(100 * tick)}%", size=10, anchor="end"))
    for i, p in enumerate(periods):
        x = left + slot * i + (slot - bar) / 2
        base = 0.0
        for n, values in enumerate(series.values()):
            share = max(0.0, float(values[i]))
            if share > 0:
                y = top + plot_h * (1 - base - share)
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{plot_h * share:.1f}" '
                             f'fill="{PALETTE[n % len(PALETTE)]}"/>')
            base += share
        parts.append(_text(x + bar / 2, top + plot_h + 15, p, size=10, anchor="middle"))
        if i < len(counts):
            parts.append(_text(x + bar / 2, top - 4, f"n={counts[i]}", size=9, anchor="middle"))
    for n, name in enumerate(series):
        ly = top + 8 + 18 * n
        parts.append(f'<rect x="{left + plot_w + 16}" y="{ly - 8}" width="14" height="12" fill="{PALETTE[n % len(PALETTE)]}"/>')
        parts.append(_text(left + plot_w + 36, ly + 2, _short(name, 30), size=11))
    parts.append("</svg>")
    return "".join(parts)


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values from at or below `low` to at or above `high`."""
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 6) for i in range(first, last + 1)]


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def network_svg(centre: str, edges: Sequence[tuple[str, str, int, float]], *, title: str = "",
                width: int = 760, height: int = 560) -> str:
    """The centre actor's neighbourhood: `edges` are (source, target, sign, weight); red hostile, green allied.

    Neighbours sit on a circle, labelled outside it; edges between two neighbours
    are drawn thinner and lighter than the centre's own.
    """
    others = sorted({n for s, t, _, _ in edges for n in (s, t)} - {centre})
    cx, cy = width / 2, height / 2 + 6
    radius = min(width, height) / 2 - 95
    position = {centre: (cx, cy)}
    angles = {}
    for i, name in enumerate(others):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(others))
        angles[name] = angle
        position[name] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    heaviest = max([w for *_, w in edges] or [1.0]) or 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title or centre)}">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>', "<defs>"]
    for name, colour in (("hostile", HOSTILE), ("allied", ALLIED), ("neutral", NEUTRAL)):
        parts.append(f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
                     f'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
                     f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    parts.append("</defs>")
    if title:
        parts.append(_text(16, 22, title, size=14, extra=' font-weight="bold"'))
    node_r = {name: (20 if name == centre else 12) for name in position}
    for source, target, sign, weight in sorted(edges, key=lambda e: (centre in (e[0], e[1]), e[3])):
        (x1, y1), (x2, y2) = position[source], position[target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        ox, oy = -uy * 3, ux * 3  # the two directions of a pair side by side
        kind = "hostile" if sign < 0 else "allied" if sign > 0 else "neutral"
        colour = HOSTILE if sign < 0 else ALLIED if sign > 0 else NEUTRAL
        own = centre in (source, target)
        stroke = (1 + 4 * weight / heaviest) if own else 1.0
        parts.append(f'<line x1="{x1 + ux * (node_r[source] + 2) + ox:.1f}" y1="{y1 + uy * (node_r[source] + 2) + oy:.1f}" '
                     f'x2="{x2 - ux * (node_r[target] + 3) + ox:.1f}" y2="{y2 - uy * (node_r[target] + 3) + oy:.1f}" '
                     f'stroke="{colour}" stroke-width="{stroke:.1f}" stroke-opacity="{0.85 if own else 0.35}" '
                     f'marker-end="url(#arrow-{kind})"/>')
    for name, (x, y) in position.items():
        fill = "#1F3A5F" if name == centre else "#F4F6F8"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{node_r[name]}" fill="{fill}" stroke="#1F3A5F" stroke-width="1.5"/>')
        if name == centre:
            parts.append(_text(x, y + 36, name, size=12, anchor="middle", extra=' font-weight="bold"'))
            continue
        angle = angles[name]
        lx, ly = x + 20 * math.cos(angle), y + 20 * math.sin(angle) + 4
        anchor = "middle" if abs(math.cos(angle)) < 0.3 else "start" if math.cos(angle) > 0 else "end"
        parts.append(_text(lx, ly + (8 if math.sin(angle) > 0.7 else 0), _short(name), size=11, anchor=anchor))
    legend_y = height - 14
    parts.append(f'<line x1="16" y1="{legend_y - 4}" x2="40" y2="{legend_y - 4}" stroke="{HOSTILE}" stroke-width="3"/>')
    parts.append(_text(46, legend_y, "hostile", size=11))
    parts.append(f'<line x1="110" y1="{legend_y - 4}" x2="134" y2="{legend_y - 4}" stroke="{ALLIED}" stroke-width="3"/>')
    parts.append(_text(140, legend_y, "co-operative", size=11))
    parts.append(_text(236, legend_y, "arrow: source to target; width: weight of evidence", size=11))
    parts.append("</svg>")
    return "".join(parts)
