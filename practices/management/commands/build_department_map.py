"""Derive the committed département map (practices/data/departements.svg.json) from IGN outlines.

    python manage.py build_department_map /work/shared/data/geo/departements-avec-outre-mer.geojson

Run once, by hand, when the outlines change; the portal only reads the JSON it writes and
needs nothing of this at run time. The input is IGN Admin Express (through
gregoiredavid/france-geojson, WGS84 longitude/latitude, properties `code` and `nom`).

- Projection: Lambert-93 (EPSG:2154, the conformal conic of French official maps) for the
  mainland and Corsica; each overseas département is drawn at its own scale in an inset
  (a local equirectangular projection: a few hundred kilometres at most, no visible
  distortion), stacked in a column left of the mainland.
- Simplification: Douglas–Peucker, run once per border shared by two départements (the
  vertices where the set of départements touching a point changes are kept), so that
  neighbours keep exactly the same border: no gaps, no overlaps. Islets smaller than a few
  pixels are dropped.
- Output: SVG path data in integer coordinates with relative moves, < 150 KB in all.

Plain Python (math and json): a one-off derivation did not justify GDAL, pyproj or shapely.
"""

import json
import math
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

OUTPUT = Path(settings.BASE_DIR) / "practices" / "data" / "departements.svg.json"
OVERSEAS = ("971", "972", "973", "974", "976")

# Lambert-93 on the GRS80 ellipsoid (EPSG:2154).
GRS80_A = 6378137.0
GRS80_E = 0.0818191910428158
LAMBERT93 = {"lat1": 44.0, "lat2": 49.0, "lat0": 46.5, "lon0": 3.0}

# Output units per metre on the mainland: 2 units per kilometre (the mainland is ~2,300
# units wide), tolerance and islet threshold in output units.
MAINLAND_SCALE = 1 / 500
TOLERANCE = 1.0
MIN_ISLET_AREA = 12.0
# The home page's small map: a coarser drawing, a third of the weight.
SMALL_TOLERANCE = 4.0
SMALL_MIN_ISLET_AREA = 200.0
INSET_WIDTH = 400  # each overseas inset's box
INSET_GAP = 40
INSET_LABEL_BAND = 56  # top of each inset's box, left free for its name
MARGIN = 10


def lambert_conformal_conic(lat1, lat2, lat0, lon0):
    """(lon, lat) in degrees -> (x, y) in metres (Snyder, Map Projections, 15-1 to 15-10)."""

    def m(phi):
        return math.cos(phi) / math.sqrt(1 - (GRS80_E * math.sin(phi)) ** 2)

    def t(phi):
        e_sin = GRS80_E * math.sin(phi)
        return math.tan(math.pi / 4 - phi / 2) / ((1 - e_sin) / (1 + e_sin)) ** (GRS80_E / 2)

    phi1, phi2, phi0 = (math.radians(v) for v in (lat1, lat2, lat0))
    n = (math.log(m(phi1)) - math.log(m(phi2))) / (math.log(t(phi1)) - math.log(t(phi2)))
    big_f = m(phi1) / (n * t(phi1) ** n)
    rho0 = GRS80_A * big_f * t(phi0) ** n

    def project(lon, lat):
        rho = GRS80_A * big_f * t(math.radians(lat)) ** n
        theta = n * math.radians(lon - lon0)
        return rho * math.sin(theta), rho0 - rho * math.cos(theta)

    return project


def local_equirectangular(lon0, lat0):
    cos0 = math.cos(math.radians(lat0))

    def project(lon, lat):
        return (
            GRS80_A * math.radians(lon - lon0) * cos0,
            GRS80_A * math.radians(lat - lat0),
        )

    return project


def polygons(feature):
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def ring_area(ring):
    return abs(
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


def douglas_peucker(points, tolerance):
    """The points of the polyline `points` kept at `tolerance` (ends always kept)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy)
        farthest, distance = None, tolerance
        for i in range(first + 1, last):
            x, y = points[i]
            if length:
                d = abs(dy * (x - x0) - dx * (y - y0)) / length
            else:
                d = math.hypot(x - x0, y - y0)
            if d > distance:
                farthest, distance = i, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


class Command(BaseCommand):
    help = "Dérive la carte des départements (practices/data/) des contours IGN."

    def add_arguments(self, parser):
        parser.add_argument("source", help="departements-avec-outre-mer.geojson (IGN)")
        parser.add_argument("--output", default=str(OUTPUT))

    def handle(self, source, output, **options):
        try:
            features = json.loads(Path(source).read_text(encoding="utf-8"))["features"]
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Impossible de lire {source} : {error}") from error
        features = sorted(features, key=lambda f: f["properties"]["code"])
        if len(features) != 101:
            raise CommandError(f"101 départements attendus, {len(features)} trouvés.")

        mainland = [f for f in features if f["properties"]["code"] not in OVERSEAS]
        overseas = [f for f in features if f["properties"]["code"] in OVERSEAS]

        # Mainland: Lambert-93, scaled, y pointing down; placed right of the insets.
        lambert = lambert_conformal_conic(**LAMBERT93)
        projected = {
            f["properties"]["code"]: [
                [[lambert(lon, lat) for lon, lat in ring] for ring in polygon]
                for polygon in polygons(f)
            ]
            for f in mainland
        }
        xs = [x for p in projected.values() for poly in p for r in poly for x, _ in r]
        ys = [y for p in projected.values() for poly in p for r in poly for _, y in r]
        min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
        left = MARGIN + INSET_WIDTH + INSET_GAP
        height = (max_y - min_y) * MAINLAND_SCALE + 2 * MARGIN
        shapes = {
            code: [
                [
                    [
                        (
                            left + (x - min_x) * MAINLAND_SCALE,
                            MARGIN + (max_y - y) * MAINLAND_SCALE,
                        )
                        for x, y in ring
                    ]
                    for ring in polygon
                ]
                for polygon in polys
            ]
            for code, polys in projected.items()
        }
        width = left + (max_x - min_x) * MAINLAND_SCALE + MARGIN

        # Overseas: one box each, stacked; each drawn as large as its box allows.
        insets = []
        box_height = (height - 2 * MARGIN - INSET_GAP * (len(overseas) - 1)) / len(overseas)
        for index, feature in enumerate(overseas):
            code = feature["properties"]["code"]
            lons = [lon for poly in polygons(feature) for r in poly for lon, _ in r]
            lats = [lat for poly in polygons(feature) for r in poly for _, lat in r]
            project = local_equirectangular(
                (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
            )
            rings = [[[project(*p) for p in ring] for ring in poly] for poly in polygons(feature)]
            pxs = [x for poly in rings for r in poly for x, _ in r]
            pys = [y for poly in rings for r in poly for _, y in r]
            px0, px1, py0, py1 = min(pxs), max(pxs), min(pys), max(pys)
            box = (MARGIN, MARGIN + index * (box_height + INSET_GAP), INSET_WIDTH, box_height)
            inner = 16  # padding inside the frame
            scale = min(
                (box[2] - 2 * inner) / (px1 - px0),
                (box[3] - inner - INSET_LABEL_BAND) / (py1 - py0),
            )
            # Centred in the box, below its name.
            off_x = box[0] + (box[2] - (px1 - px0) * scale) / 2
            off_y = (
                box[1] + INSET_LABEL_BAND + (box[3] - INSET_LABEL_BAND - (py1 - py0) * scale) / 2
            )
            shapes[code] = [
                [
                    [(off_x + (x - px0) * scale, off_y + (py1 - y) * scale) for x, y in r]
                    for r in poly
                ]
                for poly in rings
            ]
            insets.append(
                {
                    "code": code,
                    "x": round(box[0]),
                    "y": round(box[1]),
                    "width": round(box[2]),
                    "height": round(box[3]),
                    "km": round(100 * 1000 * scale),  # output units per 100 km, for a scale bar
                }
            )

        paths = self.simplified_paths(shapes, TOLERANCE, MIN_ISLET_AREA)
        small = self.simplified_paths(shapes, SMALL_TOLERANCE, SMALL_MIN_ISLET_AREA)
        names = {f["properties"]["code"]: f["properties"]["nom"] for f in features}
        data = {
            "source": (
                "IGN – Admin Express COG 2018 (Licence Ouverte / Open Licence), via "
                "gregoiredavid/france-geojson 5d34ee6; derived by manage.py build_department_map"
            ),
            "width": math.ceil(width),
            "height": math.ceil(height),
            "mainland_km": round(100 * 1000 * MAINLAND_SCALE),
            "insets": insets,
            "departements": [
                {"code": code, "name": names[code], "d": paths[code], "small": small[code]}
                for code in sorted(paths)
            ],
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text + "\n", encoding="utf-8")
        size = sum(len(d["d"]) for d in data["departements"])
        size_small = sum(len(d["small"]) for d in data["departements"])
        self.stdout.write(
            f"{output} : 101 départements, tracés {size / 1024:.0f} Ko "
            f"(petite carte : {size_small / 1024:.0f} Ko)."
        )

    def simplified_paths(self, shapes, tolerance, min_islet_area):
        """{code: SVG path data}, each border between two départements simplified once."""
        # Which départements use each vertex (exact input coordinates: shared borders share
        # their vertices in Admin Express). Projected points keep that identity.
        users = {}
        for code, polys in shapes.items():
            for poly in polys:
                for ring in poly:
                    for point in ring:
                        users.setdefault(point, set()).add(code)
        simplified_runs = {}

        def simplify_run(run):
            # Same run in both directions gives the same result: simplify a canonical order.
            reverse = run[0] > run[-1]
            canonical = run[::-1] if reverse else run
            key = (canonical[0], canonical[-1], len(canonical), canonical[len(canonical) // 2])
            if key not in simplified_runs:
                simplified_runs[key] = douglas_peucker(canonical, tolerance)
            result = simplified_runs[key]
            return result[::-1] if reverse else result

        paths = {}
        for code, polys in shapes.items():
            rings_out = []
            kept_polys = []
            for poly in polys:
                outer = poly[0][:-1] if poly[0][0] == poly[0][-1] else poly[0]
                kept_polys.append((ring_area(outer), poly))
            largest = max(area for area, _ in kept_polys)
            for area, poly in kept_polys:
                if area < min_islet_area and area != largest:
                    continue
                for ring in poly:
                    ring = ring[:-1] if ring[0] == ring[-1] else ring
                    simple = self.simplify_ring(ring, users, simplify_run)
                    if len(simple) >= 3 and (ring_area(simple) >= min_islet_area / 4):
                        rings_out.append(simple)
            paths[code] = "".join(self.path_data(ring) for ring in rings_out)
        return paths

    @staticmethod
    def simplify_ring(ring, users, simplify_run):
        n = len(ring)
        fixed = [
            i
            for i in range(n)
            if users[ring[i]] != users[ring[i - 1]] or users[ring[i]] != users[ring[(i + 1) % n]]
        ]
        if not fixed:
            # An island, or a ring inside a single neighbour: anchor it at two far points.
            far = max(range(n), key=lambda i: math.dist(ring[0], ring[i]))
            fixed = [0, far]
        result = []
        for a, b in zip(fixed, fixed[1:] + fixed[:1], strict=True):
            run = ring[a : b + 1] if a < b else ring[a:] + ring[: b + 1]
            result.extend(simplify_run(run)[:-1])
        return result

    @staticmethod
    def path_data(ring):
        """`M x y l dx dy …z` in integers, relative to the rounded previous point."""
        points = []
        for x, y in ring:
            point = (round(x), round(y))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        if len(points) < 3:
            return ""
        (x0, y0), parts = points[0], []
        previous = points[0]
        for x, y in points[1:]:
            parts.append(f"{x - previous[0]} {y - previous[1]}")
            previous = (x, y)
        body = " ".join(parts).replace(" -", "-")
        return f"M{x0} {y0}l{body}z"
