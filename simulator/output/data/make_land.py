"""Rebuild ``land_110m.json`` from Natural Earth's 1:110m admin-0 countries shapefile.

Not imported by the package; kept so the data can be regenerated. Needs ``pyshp``::

    pip download --no-deps geopandas==0.14.4      # its wheel ships naturalearth_lowres
    unzip geopandas-0.14.4-py3-none-any.whl 'geopandas/datasets/naturalearth_lowres/*'
    python make_land.py geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp

Every polygon part becomes one ring of ``[lon, lat]`` pairs rounded to 0.01°, simplified
(Douglas–Peucker, tolerance 0.08°); rings with fewer than 4 points after simplification are dropped.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

TOLERANCE = 0.08


def _simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            x, y = points[i]
            d = (
                abs(dy * (x - x1) - dx * (y - y1)) / norm
                if norm
                else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            )
            if d > best:
                best, idx = d, i
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack += [(a, idx), (idx, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def main(shp: str, out: str = str(Path(__file__).with_name("land_110m.json"))) -> None:
    import shapefile  # pyshp

    rings = []
    for shape in shapefile.Reader(shp).shapes():
        parts = [*shape.parts, len(shape.points)]
        for a, b in itertools.pairwise(parts):
            ring = _simplify([tuple(p) for p in shape.points[a:b]], TOLERANCE)
            ring = [[round(x, 2), round(y, 2)] for x, y in ring]
            if len(ring) >= 4:
                rings.append(ring)
    data = {
        "source": "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (public domain), "
        "as shipped in geopandas 0.14.4 (naturalearth_lowres)",
        "crs": "EPSG:4326 (lon, lat in degrees)",
        "rings": rings,
    }
    Path(out).write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(rings)} rings, {sum(map(len, rings))} points -> {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
