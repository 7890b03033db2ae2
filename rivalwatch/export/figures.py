"""The dashboard's two larger figures as inline SVG: the whole signed network, and a map of places.

Pure writers, like `charts.py`: no plotting library, nothing loaded at run time,
every label and link escaped, so the SVG can be pasted into a page as it is.

- `graph_svg`: nodes laid out by a seeded spring layout (networkx), so the same
  network is drawn the same way every time; edges red (hostile) or green
  (co-operative), as wide as their weight, both directions of a pair side by side.
- `map_svg`: proportional circles at province points over country outlines
  (Natural Earth 1:50m, simplified; `data/countries.json`, built by
  `scripts/build_outlines.py`), in an equirectangular projection fitted to the points.

Example:
    svg = graph_svg([GraphNode("ISKP", "ISKP", "armed_group", 3.0)], [GraphEdge("ISKP", "TTP", -1, 2.0)])
    svg = map_svg([MapPoint("Nangarhar", 34.3, 70.4, 5, 31.0)])
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Callable, Sequence

import networkx as nx

from .charts import ALLIED, FONT, HOSTILE, NEUTRAL

__all__ = ["GraphNode", "GraphEdge", "MapPoint", "graph_svg", "map_svg", "load_outlines", "OUTLINES_FILE"]

OUTLINES_FILE = Path(__file__).parent / "data" / "countries.json"
KIND_FILL = {"armed_group": "#1F3A5F", "state": "#8E6C2F", "political_party": "#6C3483", "media_outlet": "#117A65",
             "person": "#5D6D7E", "community": "#A04000", "organization": "#2E4053"}
Link = Callable[[str], "str | None"]


@dataclass(frozen=True)
class GraphNode:
    """A node: its id (what links use), label, kind (colour) and size (weighted degree)."""

    id: str
    label: str
    kind: str
    size: float


@dataclass(frozen=True)
class GraphEdge:
    """A signed, weighted edge from `source` to `target`."""

    source: str
    target: str
    sign: int
    weight: float


@dataclass(frozen=True)
class MapPoint:
    """A circle on the map: `value` sets its area, the sign of `hostility` its colour."""

    label: str
    lat: float
    lon: float
    value: float
    hostility: float
    href: str | None = None
    detail: str = ""


def _text(x: float, y: float, label: str, *, size: int = 11, anchor: str = "middle", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {FONT}{extra}>'
            f"{escape(label)}</text>")


def _open(width: int, height: int, label: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{escape(label)}">', f'<rect width="{width}" height="{height}" fill="#ffffff"/>']


def _link(href: str | None, inner: str, title: str = "") -> str:
    tip = f"<title>{escape(title)}</title>" if title else ""
    return f'<a href="{escape(href)}">{tip}{inner}</a>' if href else f"<g>{tip}{inner}</g>"


def _colour(sign: float) -> tuple[str, str]:
    return (HOSTILE, "hostile") if sign < 0 else (ALLIED, "allied") if sign > 0 else (NEUTRAL, "neutral")


def _component(graph: "nx.Graph", seed: int) -> dict[str, tuple[float, float]]:
    """One connected component in [0, 1]^2: a circle for up to three nodes, else a seeded spring layout."""
    if graph.number_of_nodes() == 1:
        return {next(iter(graph.nodes)): (0.5, 0.5)}
    if graph.number_of_nodes() <= 3:
        raw = nx.circular_layout(graph)
    else:
        raw = nx.spring_layout(graph, k=1.8 / math.sqrt(graph.number_of_nodes()), seed=seed, iterations=300,
                               weight="weight")
    xs, ys = [float(p[0]) for p in raw.values()], [float(p[1]) for p in raw.values()]
    (x0, x1), (y0, y1) = (min(xs), max(xs)), (min(ys), max(ys))
    return {n: (0.1 + 0.8 * (float(p[0]) - x0) / ((x1 - x0) or 1.0), 0.1 + 0.8 * (float(p[1]) - y0) / ((y1 - y0) or 1.0))
            for n, p in raw.items()}


def layout(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge], *, seed: int = 7,
           aspect: float = 1.5) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1] x [0, 1]: each connected component laid out alone, then packed in rows
    (biggest first), each in a square cell whose side grows with the square root of its size."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted(n.id for n in nodes))
    for e in edges:
        if e.source != e.target:
            graph.add_edge(e.source, e.target, weight=1.0 + math.log1p(abs(e.weight)))
    parts = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c))
    sides = [math.sqrt(len(c)) for c in parts]
    row_width = max(max(sides, default=1.0), math.sqrt(sum(s * s for s in sides) * aspect))
    placed, x, y, row_height = [], 0.0, 0.0, 0.0
    for part, side in zip(parts, sides):
        if x > 0 and x + side > row_width + 1e-9:
            x, y, row_height = 0.0, y + row_height, 0.0
        placed.append((part, x, y, side))
        x, row_height = x + side, max(row_height, side)
    width = max((px + side for _, px, _, side in placed), default=1.0)
    height = max((py + side for _, _, py, side in placed), default=1.0)
    out: dict[str, tuple[float, float]] = {}
    for part, px, py, side in placed:
        for n, (u, v) in _component(graph.subgraph(part), seed).items():
            out[n] = ((px + u * side) / width, (py + v * side) / height)
    return out


def graph_svg(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge], *, title: str = "", width: int = 960,
              height: int | None = None, node_link: Link = lambda _: None, edge_link: Callable[[GraphEdge], "str | None"] = lambda _: None) -> str:
    """The whole network; nodes and edges link where `node_link` / `edge_link` give an address.

    Without `height`, the drawing grows with the number of nodes (560 to 1400 pixels).
    """
    height = height or int(min(1400, max(560, 200 + 14 * len(nodes))))
    parts = _open(width, height, title or "network")
    if not nodes:
        parts.append(_text(width / 2, height / 2, "No relations in this slice.", size=14))
        return "".join(parts + ["</svg>"])
    margin_x, margin_top, margin_bottom = 90, 40, 40
    unit = layout(nodes, edges)
    pos = {n: (margin_x + x * (width - 2 * margin_x), margin_top + y * (height - margin_top - margin_bottom))
           for n, (x, y) in unit.items()}
    biggest = max(n.size for n in nodes) or 1.0
    radius = {n.id: 6 + 10 * math.sqrt(max(n.size, 0.0) / biggest) for n in nodes}
    heaviest = max([abs(e.weight) for e in edges] or [1.0]) or 1.0
    parts.append("<defs>")
    for name, colour in (("hostile", HOSTILE), ("allied", ALLIED), ("neutral", NEUTRAL)):
        parts.append(f'<marker id="net-arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
                     f'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
                     f'fill="{colour}"/></marker>')
    parts.append("</defs>")
    if title:
        parts.append(_text(16, 22, title, size=14, anchor="start", extra=' font-weight="bold"'))
    for e in sorted(edges, key=lambda e: abs(e.weight)):
        if e.source == e.target or e.source not in pos or e.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        ox, oy = -uy * 3, ux * 3
        colour, kind = _colour(e.sign)
        stroke = 1 + 5 * abs(e.weight) / heaviest
        line = (f'<line x1="{x1 + ux * (radius[e.source] + 2) + ox:.1f}" y1="{y1 + uy * (radius[e.source] + 2) + oy:.1f}" '
                f'x2="{x2 - ux * (radius[e.target] + 3) + ox:.1f}" y2="{y2 - uy * (radius[e.target] + 3) + oy:.1f}" '
                f'stroke="{colour}" stroke-width="{stroke:.1f}" stroke-opacity="0.7" marker-end="url(#net-arrow-{kind})"/>')
        parts.append(_link(edge_link(e), line, f"{e.source} \u2192 {e.target}: {kind}, weight {e.weight:g}"))
    for n in sorted(nodes, key=lambda n: n.id):
        x, y = pos[n.id]
        r = radius[n.id]
        fill = KIND_FILL.get(n.kind, "#7F8C8D")
        inner = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="#ffffff" stroke-width="1.5"/>'
                 + _text(x, y + r + 12, n.label if len(n.label) <= 24 else n.label[:23] + "\u2026",
                         extra=' class="node-label"'))
        parts.append(_link(node_link(n.id), inner, f"{n.label} ({n.kind.replace('_', ' ')})"))
    legend_y = height - 12
    parts.append(f'<line x1="16" y1="{legend_y - 4}" x2="40" y2="{legend_y - 4}" stroke="{HOSTILE}" stroke-width="3"/>')
    parts.append(_text(46, legend_y, "hostile", anchor="start"))
    parts.append(f'<line x1="110" y1="{legend_y - 4}" x2="134" y2="{legend_y - 4}" stroke="{ALLIED}" stroke-width="3"/>')
    parts.append(_text(140, legend_y, "co-operative", anchor="start"))
    parts.append(_text(236, legend_y, "arrow: source to target; width: weight; circle: weighted degree", anchor="start"))
    parts.append("</svg>")
    return "".join(parts)


@lru_cache(maxsize=1)
def load_outlines() -> tuple[tuple[str, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    """(country name, rings of (lon, lat)) for every country in `data/countries.json`."""
    data = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    return tuple((c["name"], tuple(tuple((float(x), float(y)) for x, y in ring) for ring in c["rings"]))
                 for c in data["countries"])


def _view(points: Sequence[MapPoint], min_span: float) -> tuple[float, float, float, float]:
    """(west, south, east, north) around the points, at least `min_span` degrees each way."""
    lons, lats = [p.lon for p in points], [p.lat for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    pad_x = max((east - west) * 0.12, (min_span - (east - west)) / 2, 1.0)
    pad_y = max((north - south) * 0.12, (min_span - (north - south)) / 2, 1.0)
    return west - pad_x, max(-85.0, south - pad_y), east + pad_x, min(85.0, north + pad_y)


def map_svg(points: Sequence[MapPoint], *, title: str = "", width: int = 960, height: int = 600,
            min_span: float = 8.0, labels: int = 12) -> str:
    """Proportional circles (area ~ value; red hostile, green co-operative) over country outlines."""
    parts = _open(width, height, title or "map")
    if not points:
        parts.append(_text(width / 2, height / 2, "No placed relations.", size=14))
        return "".join(parts + ["</svg>"])
    west, south, east, north = _view(points, min_span)
    mid = math.cos(math.radians((south + north) / 2))
    scale = min((width - 20) / ((east - west) * mid), (height - 50) / (north - south))
    cx, cy = (west + east) / 2, (south + north) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return width / 2 + (lon - cx) * mid * scale, 16 + (height - 34) / 2 - (lat - cy) * scale

    parts.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#EAF2F8"/>')
    parts.append(f'<clipPath id="map-clip"><rect x="0" y="0" width="{width}" height="{height}"/></clipPath>'
                 '<g clip-path="url(#map-clip)">')
    names: list[str] = []
    for name, rings in load_outlines():
        shown = [ring for ring in rings if _overlaps(ring, west, south, east, north)]
        if not shown:
            continue
        d = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (xy(lon, lat) for lon, lat in ring)) + " Z"
                     for ring in shown)
        parts.append(f'<path d="{d}" fill="#FBFAF5" stroke="#9AA5B1" stroke-width="0.8"><title>{escape(name)}</title></path>')
        biggest_ring = max(shown, key=lambda ring: abs(_area(ring)))
        x, y = xy(*_centroid(biggest_ring))
        if abs(_area(biggest_ring)) * mid * scale * scale > 6000 and 30 < x < width - 30 and 20 < y < height - 30:
            names.append(_text(x, y, name.upper(), size=10, extra=' fill="#8A96A3" letter-spacing="1"'))
    parts.append("</g>")
    parts.extend(names)
    biggest = max(p.value for p in points) or 1.0
    ranked = sorted(points, key=lambda p: (-p.value, p.label))
    for p in sorted(points, key=lambda p: -p.value):  # small circles on top
        x, y = xy(p.lon, p.lat)
        r = 4 + 22 * math.sqrt(p.value / biggest)
        colour, _ = _colour(-p.hostility)
        tip = f"{p.label}: {p.detail}" if p.detail else p.label
        circle = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" fill-opacity="0.55" '
                  f'stroke="{colour}" stroke-width="1.2" class="place"/>')
        parts.append(_link(p.href, circle, tip))
    taken: list[tuple[float, float, float, float]] = []
    for p in ranked:
        if len(taken) >= labels:
            break
        x, y = xy(p.lon, p.lat)
        r = 4 + 22 * math.sqrt(p.value / biggest)
        box = (x - 3.3 * len(p.label), y - r - 14, x + 3.3 * len(p.label), y - r)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
            continue  # would overlap a bigger place's label: its circle's tooltip names it
        taken.append(box)
        parts.append(_text(x, y - r - 3, p.label, size=11, extra=' class="place-label"'))
    parts.append(_text(12, height - 10, "Circle area: relations placed there; red hostile, green co-operative. "
                       "Outlines: Natural Earth (public domain).", size=10, anchor="start"))
    parts.append("</svg>")
    return "".join(parts)


def _area(ring: Sequence[tuple[float, float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]])) / 2


def _centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The area centroid of a ring (its first point's mean when degenerate)."""
    area = _area(ring)
    if abs(area) < 1e-12:
        return sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring)
    pairs = list(zip(ring, [*ring[1:], ring[0]]))
    cx = sum((x1 + x2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in pairs) / (6 * area)
    cy = sum((y1 + y2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in pairs) / (6 * area)
    return cx, cy


def _overlaps(ring: Sequence[tuple[float, float]], west: float, south: float, east: float, north: float) -> bool:
    lons, lats = [x for x, _ in ring], [y for _, y in ring]
    return min(lons) <= east and max(lons) >= west and min(lats) <= north and max(lats) >= south
