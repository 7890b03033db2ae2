"""Build `rivalwatch/export/data/countries.json`: simplified country outlines for the dashboard's map.

The source is Natural Earth's Admin 0 boundaries at 1:50m (public domain), as the
TopoJSON of the npm package `world-atlas` (ISC). Run once, offline afterwards:

    npm install --prefix /tmp/world-atlas world-atlas@2.0.2
    python scripts/build_outlines.py /tmp/world-atlas/node_modules/world-atlas/countries-50m.json

Arcs are decoded (delta-encoded, quantized), simplified with Douglas-Peucker at
`TOLERANCE` degrees, islands under `MIN_AREA` dropped, rounded to 0.01 degree. Output: {"source", "licence",
"countries": [{"name", "id", "rings": [[[lon, lat], ...], ...]}]}.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "rivalwatch" / "export" / "data" / "countries.json"
TOLERANCE = 0.05  # degrees, about 5 km
MIN_AREA = 0.02   # square degrees: smaller islands are left out
DIGITS = 2


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm else math.hypot(px - x1, py - y1)
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep) if k]


def _area(ring: list[tuple[float, float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])) / 2


def build(source: Path) -> dict:
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(geometry.get("type"), [])
        rings = []
        for polygon in polygons:
            for ring_arcs in polygon:
                ring = _simplify(_ring(ring_arcs, arcs), TOLERANCE)
                if len(ring) >= 4 and abs(_area(ring)) >= MIN_AREA:
                    rings.append([[round(x, DIGITS), round(y, DIGITS)] for x, y in ring])
        if rings:
            countries.append({"name": geometry.get("properties", {}).get("name", ""), "id": geometry.get("id", ""),
                              "rings": rings})
    return {"source": "Natural Earth Admin 0 countries 1:50m v4.1.0 via world-atlas 2.0.2 (countries-50m.json)",
            "licence": "Natural Earth: public domain; world-atlas packaging: ISC",
            "countries": sorted(countries, key=lambda c: c["name"])}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    data = build(Path(argv[1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data['countries'])} countries, {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
