"""Charts as inline SVG strings: no plotting library, no external resource.

Every label is escaped (actor names may come from ingested text), so the SVG can
be pasted into an HTML page as it is.

Example:
    svg = timeline_svg(["2024-Q1", "2024-Q2"], {"TTP": [2.0, 9.0]}, title="Hostility")
    svg = network_svg("ISKP", [("ISKP", "TTP", -1, 12.0)])
"""
from __future__ import annotations

import math
from html import escape
from typing import Mapping, Sequence

__all__ = ["timeline_svg", "network_svg", "PALETTE"]

# Colour-blind-safe (Okabe-Ito), then greys.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")
HOSTILE, ALLIED, NEUTRAL = "#C0392B", "#1E8449", "#7F8C8D"
FONT = 'font-family="Helvetica, Arial, sans-serif"'


def _text(x: float, y: float, label: str, *, size: int = 12, anchor: str = "start", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {FONT}{extra}>'
            f"{escape(label)}</text>")


def timeline_svg(periods: Sequence[str], series: Mapping[str, Sequence[float]], *, title: str = "",
                 width: int = 720, height: int = 300, y_label: str = "hostility") -> str:
    """A line per series over the periods (same length each); a legend on the right."""
    left, right, top, bottom = 56, 150, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for vs in series.values() for v in vs]
    low, high = min([0.0, *values]), max([1.0, *values])
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
    for tick in _ticks(low, high):
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" '
                     f'stroke="#e5e5e5" stroke-width="1"/>')
        parts.append(_text(left - 6, y(tick) + 4, f"{tick:g}", size=10, anchor="end"))
    if low < 0 < high:
        parts.append(f'<line x1="{left}" y1="{y(0):.1f}" x2="{left + plot_w}" y2="{y(0):.1f}" stroke="#888" stroke-width="1"/>')
    step = max(1, math.ceil(len(periods) / 8))
    for i, p in enumerate(periods):
        if i % step == 0 or i == len(periods) - 1:
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


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    return [round(first + i * step, 6) for i in range(count + 2) if first + i * step <= high + 1e-9]


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def network_svg(centre: str, edges: Sequence[tuple[str, str, int, float]], *, title: str = "",
                width: int = 720, height: int = 460) -> str:
    """The centre actor's neighbourhood: `edges` are (source, target, sign, weight); red hostile, green allied."""
    others = sorted({n for s, t, _, _ in edges for n in (s, t)} - {centre})
    cx, cy = width / 2, height / 2 + 10
    radius = min(width, height) / 2 - 70
    position = {centre: (cx, cy)}
    for i, name in enumerate(others):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(others))
        position[name] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    heaviest = max([w for *_, w in edges] or [1.0]) or 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title or centre)}">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    if title:
        parts.append(_text(16, 22, title, size=14, extra=' font-weight="bold"'))
    for source, target, sign, weight in edges:
        (x1, y1), (x2, y2) = position[source], position[target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        # stop short of the node circles; offset both directions of a pair a little
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        ox, oy = -uy * 4, ux * 4
        colour = HOSTILE if sign < 0 else ALLIED if sign > 0 else NEUTRAL
        stroke = 1 + 5 * weight / heaviest
        parts.append(f'<line x1="{x1 + ux * 24 + ox:.1f}" y1="{y1 + uy * 24 + oy:.1f}" '
                     f'x2="{x2 - ux * 26 + ox:.1f}" y2="{y2 - uy * 26 + oy:.1f}" stroke="{colour}" '
                     f'stroke-width="{stroke:.1f}" stroke-opacity="0.8" marker-end="url(#arrow)"/>')
    for name, (x, y) in position.items():
        fill = "#1F3A5F" if name == centre else "#F4F6F8"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="22" fill="{fill}" stroke="#1F3A5F" stroke-width="1.5"/>')
        below = y + 38 if y >= cy - 1 else y - 30
        parts.append(_text(x, below, _short(name), size=11, anchor="middle",
                           extra=' font-weight="bold"' if name == centre else ""))
    legend_y = height - 14
    parts.append(f'<line x1="16" y1="{legend_y - 4}" x2="40" y2="{legend_y - 4}" stroke="{HOSTILE}" stroke-width="3"/>')
    parts.append(_text(46, legend_y, "hostile", size=11))
    parts.append(f'<line x1="110" y1="{legend_y - 4}" x2="134" y2="{legend_y - 4}" stroke="{ALLIED}" stroke-width="3"/>')
    parts.append(_text(140, legend_y, "co-operative", size=11))
    parts.append(_text(230, legend_y, "line width: weight of evidence", size=11))
    parts.append("</svg>")
    return "".join(parts)
