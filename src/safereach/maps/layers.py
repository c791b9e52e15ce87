"""The map's layers, each as features with a legend and the same figures as a table.

One function per layer takes a MapQuery (the area, months, category, programme and who is
looking) and returns a Layer. The map page draws its features, the table page lists them, the
exports write them and the map pack lays them out, so all four show the same figures under the
same rules of what the viewer may see (maps/access.py): rows of datasets withheld from the viewer
are left out and counts made without them. Nothing here knows about HTTP.
"""

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property, lru_cache

import numpy as np
import shapely
from django.core.cache import cache
from django.db.models import Count, Max

from safereach.areas.models import Area
from safereach.core.small_counts import FEWER_THAN_SMALL, NOT_SHOWN, shared_count, shared_table
from safereach.evidence.models import Deprivation, Incident, Notice, Place
from safereach.maps import counts as kept
from safereach.maps import grid
from safereach.maps.access import Viewer, is_sensitive
from safereach.maps.counts import Category
from safereach.maps.gi_star import BIN_NAMES, gi_star
from safereach.maps.map_areas import MapArea, districts
from safereach.maps.sources import withheld_note

SNAP_CAVEAT = (
    "police.uk street-level crimes are not where they happened: each is moved to the nearest of "
    "about 750,000 anonymous map points (snap points), each covering at least eight addresses, "
    "so a point stands for a street or a place, never a home, and counts near one point may come "
    "from the streets around it."
)
GI_STAR_METHOD = (
    "Getis-Ord Gi* on the grid cells covering the area: each cell with its eight neighbours "
    "(queen contiguity, binary weights, the cell included), analytic z-scores, two-sided p-values, "
    "Benjamini-Hochberg false discovery rate at 10%, 5% and 1% (the 90%, 95% and 99% bins)."
)
IMD_2019_AREAS = 32_844  # LSOAs in England ranked by the Indices of Deprivation 2019
WEEKS_AHEAD = 13  # projected visits: a school term or so ahead

# ColorBrewer schemes (colour-blind safe).
DECILE_COLOURS = [
    "#a50026",
    "#d73027",
    "#f46d43",
    "#fdae61",
    "#fee090",
    "#e0f3f8",
    "#abd9e9",
    "#74add1",
    "#4575b4",
    "#313695",
]
COUNT_COLOURS = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]
BIN_COLOURS = {
    3: "#d62f27",
    2: "#ed7551",
    1: "#fab984",
    0: "#eeeeee",
    -1: "#c0ccbe",
    -2: "#849eba",
    -3: "#4575b5",
}
KIND_COLOURS = [
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
    "#1f78b4",
    "#b15928",
]
NOT_SHOWN_COLOUR = "#b1b4b6"
COUNT_LADDER = [5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000]


def _n(n: int, word: str) -> str:
    """'1 notice', '3 notices'."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def add_months(day: date, k: int) -> date:
    months = day.year * 12 + day.month - 1 + k
    return date(months // 12, months % 12 + 1, 1)


def month_span(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def months_text(first: date, last: date) -> str:
    if first == last:
        return f"{first:%B %Y}"
    return f"{first:%B %Y} to {last:%B %Y}"


@dataclass(frozen=True)
class MapQuery:
    area: MapArea
    first: date
    last: date
    category: Category
    viewer: Viewer
    programme: str = ""
    level: str = ""  # of the choropleths: 'lsoa', 'ward' or 'district'
    today: date | None = None
    cell_size: int = 0  # of the grid; by default the finest that suits the area

    @cached_property
    def size(self) -> int:
        return self.cell_size or grid.size_for(self.area.bounds)

    @property
    def months(self) -> int:
        return month_span(self.first, self.last)

    def previous(self) -> "MapQuery":
        """The same length of time just before."""
        return replace(self, first=add_months(self.first, -self.months), last=add_months(self.first, -1))

    @property
    def choropleth_level(self) -> str:
        return self.level or self.area.parts_level


@dataclass
class Column:
    key: str
    label: str
    numeric: bool = False
    sort: str = ""  # the property sorted by, when not the shown text

    @property
    def sort_key(self) -> str:
        return self.sort or self.key


@dataclass
class Layer:
    key: str
    title: str
    legend: list[dict]
    features: list[dict]
    columns: list[Column]
    note: str = ""
    summary: str = ""
    snapped: bool = False  # holds police.uk street-level data: the snap-point caveat applies
    sensitive: list = field(default_factory=list)  # the OFFICIAL-SENSITIVE datasets of its rows
    suppressed: bool = False  # some counts are given as "fewer than 5" or "not shown"
    empty_text: str = "Nothing to show for this area and these months."
    extra: dict = field(default_factory=dict)
    withheld: str = ""  # what the page says when data behind the layer is withheld from the viewer

    @property
    def rows(self) -> list[dict]:
        return [f["properties"] for f in self.features]

    def map_features(self) -> list[dict]:
        return [f for f in self.features if f["properties"].get("_drawn", True)]


# ----------------------------------------------------------------------------------- helpers


def _point(lon, lat, properties) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": properties,
    }


def _inside(area: MapArea, easting, northing) -> np.ndarray:
    e = np.asarray(easting, dtype=float)
    n = np.asarray(northing, dtype=float)
    if len(e) == 0:
        return np.zeros(0, dtype=bool)
    return shapely.contains_xy(area.outline, e, n)


def _in_bounds(queryset, area: MapArea, e="easting", n="northing"):
    x0, y0, x1, y1 = area.bounds
    return queryset.filter(**{f"{e}__gte": x0, f"{e}__lte": x1, f"{n}__gte": y0, f"{n}__lte": y1})


def count_classes(largest: int) -> list[tuple[int, int | None]]:
    """Colour classes for counts: 1-4 always on its own, so a colour never tells a partner more
    than "fewer than 5"; then breaks from a ladder of round numbers up to the largest count."""
    breaks = [1, 5] + [b for b in COUNT_LADDER[1:] if b <= largest]
    while len(breaks) > len(COUNT_COLOURS):
        breaks = breaks[:2] + breaks[3::2] if len(breaks) > 3 else breaks
    return [(lo, hi - 1 if hi else None) for lo, hi in zip(breaks, breaks[1:] + [None])]


def _class_label(lo, hi, shared: bool) -> str:
    if lo == 1 and hi == 4:
        return FEWER_THAN_SMALL.capitalize() if shared else "1 to 4"
    return f"{lo:,} or more" if hi is None else f"{lo:,} to {hi:,}"


def counts_as_text(counts: dict, viewer: Viewer, own: set = frozenset()) -> tuple[dict, bool]:
    """Each count as the viewer may see it, and whether any was suppressed."""
    if not viewer.shared:
        return {k: f"{n:,}" for k, n in counts.items()}, False
    text = shared_table(counts, exact=own)
    return text, any(t in (FEWER_THAN_SMALL, NOT_SHOWN) for t in text.values())


def _shown_number(text: str, n: int):
    """The count to sort and colour by: none when the viewer is not given it."""
    return None if text in (FEWER_THAN_SMALL, NOT_SHOWN) else n


@lru_cache(maxsize=4096)
def _simplified(geojson: str) -> dict:
    """An outline light enough to send whole counties of them: about 10 m of detail."""
    geometry = shapely.simplify(shapely.from_geojson(geojson), 0.0001, preserve_topology=True)
    return json.loads(shapely.to_geojson(shapely.set_precision(geometry, 0.00001)))


def outline_features(rows: list[dict]) -> list[dict]:
    return [
        {
            "type": "Feature",
            "geometry": _simplified(r["geometry"]),
            "properties": {"code": r["code"], "name": r["name"], "level": r["level"]},
        }
        for r in rows
        if r.get("geometry")
    ]


@dataclass(frozen=True)
class CellShapes:
    """Each cell's outline as a GeoJSON geometry and the properties that name it, in the cells'
    order; shared between answers, so nothing may change them."""

    polygons: tuple[dict, ...]
    names: tuple[dict, ...]


@lru_cache(maxsize=32)
def _shapes(size: int, cols: bytes, rows: bytes) -> CellShapes:
    # Worked out once for a set of cells: a county has thousands, and transforming and naming
    # them took longer than counting their incidents.
    c, r = np.frombuffer(cols, dtype=np.int64).tolist(), np.frombuffer(rows, dtype=np.int64).tolist()
    rings = grid.corners_wgs84(size, c, r, decimals=5).tolist()  # about a metre
    return CellShapes(
        tuple({"type": "Polygon", "coordinates": [ring]} for ring in rings),
        tuple(
            {"cell": grid.cell_reference(size, col, row), "easting": col * size, "northing": row * size,
             "size_m": size}
            for col, row in zip(c, r)
        ),
    )


def cell_shapes(cells: grid.CellSet) -> CellShapes:
    return _shapes(
        cells.size,
        np.ascontiguousarray(cells.cols, dtype=np.int64).tobytes(),
        np.ascontiguousarray(cells.rows, dtype=np.int64).tobytes(),
    )


def _cell_features(cells: grid.CellSet, which, properties: list[dict]) -> list[dict]:
    """Features for the cells at the positions `which` (all of them when None), with their
    properties in the same order."""
    polygons = cell_shapes(cells).polygons
    chosen = polygons if which is None else [polygons[i] for i in which]
    return [{"type": "Feature", "geometry": g, "properties": p} for g, p in zip(chosen, properties)]


def _cache_key(*parts) -> str:
    return "maps:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _cells(q: MapQuery) -> grid.CellSet:
    key = _cache_key("maps-cells", q.area.code, q.area.level, q.size, q.area.bounds)
    cells = cache.get(key)
    if cells is None:
        cells = grid.covering(q.area.outline, q.size)
        cache.set(key, cells, 3600)
    return cells


def area_cell_counts(q: MapQuery) -> tuple[grid.CellSet, np.ndarray]:
    """The cells covering the area and the incidents in each over the query's months."""
    cells = _cells(q)
    if len(cells) == 0:
        return cells, np.zeros(0, dtype=np.int64)
    found = kept.counts_in_cells(
        q.size, cells.cols, cells.rows, q.first, q.last, q.category, without=q.viewer.hidden_incidents
    )
    return cells, found


def hot_spots(q: MapQuery):
    """(cells, counts, Gi*) for the query, kept a while: Gi* over thousands of cells takes a
    moment, and the same view is asked for again and again."""
    key = _cache_key(
        "maps-gi", q.area.code, q.area.level, q.size, q.first, q.last, q.category.value, kept.version(),
        sorted(q.viewer.hidden_incidents),
    )
    found = cache.get(key)
    if found is None:
        cells, counts = area_cell_counts(q)
        found = (cells, counts, gi_star(counts, cells.cols, cells.rows))
        cache.set(key, found, 3600)
    return found


# ------------------------------------------------------------------------------------ layers


def incidents_layer(q: MapQuery) -> Layer:
    cells, counts = area_cell_counts(q)
    present = np.flatnonzero(counts > 0)
    keys = list(zip(cells.cols[present].tolist(), cells.rows[present].tolist()))
    by_cell = dict(zip(keys, counts[present].tolist()))
    text, suppressed = counts_as_text(by_cell, q.viewer)
    total = int(counts.sum())
    classes = count_classes(int(counts.max()) if len(counts) else 0)
    # Classes run on from 1 without gaps, so a count's class is found by its lower bounds.
    class_of = np.searchsorted([lo for lo, _ in classes], counts[present], side="right") - 1
    names = cell_shapes(cells).names
    properties = []
    for i, key, k in zip(present.tolist(), keys, class_of.tolist()):
        n, shown = by_cell[key], text[key]
        properties.append(
            {
                **names[i],
                "incidents": shown,
                "incidents_n": _shown_number(shown, n),
                "_colour": NOT_SHOWN_COLOUR if shown == NOT_SHOWN else COUNT_COLOURS[k],
                # The popup adds the cell and the layer's note: thousands of cells, so nothing repeated.
                "_title": f"{shown} incident{'s' if shown != '1' else ''}",
            }
        )
    legend = [
        {"label": _class_label(lo, hi, q.viewer.shared), "colour": COUNT_COLOURS[i], "shape": "square"}
        for i, (lo, hi) in enumerate(classes)
    ]
    if suppressed:
        legend.append(
            {
                "label": "Not shown (would reveal a count under 5)",
                "colour": NOT_SHOWN_COLOUR,
                "shape": "square",
            }
        )
    return Layer(
        "incidents",
        "Incidents per grid cell",
        legend,
        _cell_features(cells, present, properties),
        [
            Column("cell", "Cell (south-west corner, size)"),
            Column("incidents", "Incidents", True, "incidents_n"),
        ],
        note=f"{q.category.label}, {months_text(q.first, q.last)}, counted in squares of {q.size:,} m.",
        summary=f"{shared_count(total, q.viewer.shared)} incidents in {len(present):,} cells",
        snapped=True,
        suppressed=suppressed,
    )


def hotspots_layer(q: MapQuery) -> Layer:
    cells, counts, g = hot_spots(q)
    by_cell = {(int(c), int(r)): int(n) for c, r, n in zip(cells.cols, cells.rows, counts) if n > 0}
    text, suppressed = counts_as_text(by_cell, q.viewer)
    properties, names = [], cell_shapes(cells).names
    for i, (c, r) in enumerate(zip(cells.cols.tolist(), cells.rows.tolist())):
        n = int(counts[i])
        shown = text.get((c, r), "0")
        b = int(g.bin[i])
        properties.append(
            {
                **names[i],
                "incidents": shown,
                "incidents_n": _shown_number(shown, n),
                "gi_z": round(float(g.z[i]), 3),
                "p": float(f"{g.p[i]:.4g}"),
                "p_fdr": float(f"{g.q[i]:.4g}"),
                "gi_bin": b,
                "confidence": BIN_NAMES[b],
                "_colour": BIN_COLOURS[b],
                "_drawn": b != 0,
                "_title": BIN_NAMES[b],
                "_detail": [
                    f"Gi* z-score {g.z[i]:.2f}, p (FDR) {g.q[i]:.3g}",
                    f"{shown} incidents in the cell",
                ],
            }
        )
    hot, cold = int((g.bin > 0).sum()), int((g.bin < 0).sum())
    legend = [
        {"label": BIN_NAMES[b], "colour": BIN_COLOURS[b], "shape": "square"} for b in (3, 2, 1, -1, -2, -3)
    ]
    return Layer(
        "hotspots",
        "Hot and cold spots (Gi*)",
        legend,
        _cell_features(cells, None, properties),
        [
            Column("cell", "Cell (south-west corner, size)"),
            Column("incidents", "Incidents", True, "incidents_n"),
            Column("gi_z", "Gi* z-score", True),
            Column("p_fdr", "p-value after FDR", True),
            Column("confidence", "Result", sort="gi_bin"),
        ],
        note=f"{q.category.label}, {months_text(q.first, q.last)}, cells of {q.size:,} m. {GI_STAR_METHOD}",
        summary=f"{hot:,} hot spot and {cold:,} cold spot cells of {len(cells):,}",
        snapped=True,
        suppressed=suppressed,
        extra={"hot": hot, "cold": cold, "cells": len(cells)},
    )


def street_layer(q: MapQuery) -> Layer:
    """Incidents at their own points, for the roles that may see them (street level)."""
    title = "Incidents at street level"
    if not q.viewer.street_points:
        return Layer(
            "street", title, [], [], [], empty_text="Street-level points are not shown to your role."
        )
    if q.area.level == "county":
        return Layer(
            "street",
            title,
            [],
            [],
            [],
            snapped=True,
            empty_text="Choose a district or a ward to see incidents at street level.",
        )
    incidents = _in_bounds(
        Incident.objects.filter(
            month__gte=q.first, month__lte=q.last, lon__isnull=False, **q.category.incident_filters()
        ).exclude(dataset_id__in=q.viewer.hidden_incidents),
        q.area,
    )
    grouped = (
        incidents.values("lon", "lat", "easting", "northing", "location", "source")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    rows = list(grouped[:20000])
    keep = _inside(q.area, [r["easting"] for r in rows], [r["northing"] for r in rows])
    rows = [r for r, k in zip(rows, keep) if k]
    by_point = defaultdict(Counter)
    if rows:
        detail = incidents.values_list("lon", "lat", "category").annotate(n=Count("id"))
        for lon, lat, category, n in detail:
            by_point[(lon, lat)][category] += n
    features = []
    for r in rows:
        kinds = by_point[(r["lon"], r["lat"])]
        features.append(
            _point(
                r["lon"],
                r["lat"],
                {
                    "location": r["location"] or "(no description)",
                    "source": r["source"],
                    "incidents": f"{r['n']:,}",
                    "incidents_n": r["n"],
                    "categories": "; ".join(f"{c} ({n})" for c, n in kinds.most_common()),
                    "_colour": "#d4351c" if r["source"] == "fire" else "#1d70b8",
                    "_radius": min(3 + r["n"] ** 0.5, 14),
                    "_title": r["location"] or "Incidents",
                    "_detail": [f"{c}: {n}" for c, n in kinds.most_common(6)],
                },
            )
        )
    legend = [
        {"label": "Crime (police.uk snap point)", "colour": "#1d70b8", "shape": "circle"},
        {"label": "Fire incident", "colour": "#d4351c", "shape": "circle"},
    ]
    return Layer(
        "street",
        title,
        legend,
        features,
        [
            Column("location", "Location"),
            Column("source", "Source"),
            Column("incidents", "Incidents", True, "incidents_n"),
            Column("categories", "Categories"),
        ],
        note=f"{q.category.label}, {months_text(q.first, q.last)}. Larger points have more incidents.",
        summary=f"{sum(r['n'] for r in rows):,} incidents at {len(rows):,} points",
        snapped=True,
    )


def current_scores(programme: str) -> dict[int, dict]:
    """school id → decile, rank and reasons on the programme's current list of every school."""
    from safereach.matrix.targets import current_scores as scores_of

    return {s.school_id: s for s in scores_of(programme).only("school_id", "decile", "rank", "contributions")}


def schools_layer(q: MapQuery) -> Layer:
    from safereach.schools.models import School

    schools = list(
        _in_bounds(School.objects.filter(lon__isnull=False, easting__isnull=False), q.area).order_by("name")
    )
    schools = [
        s
        for s, k in zip(schools, _inside(q.area, [s.easting for s in schools], [s.northing for s in schools]))
        if k
    ]
    scores = current_scores(q.programme) if q.programme else {}
    features = []
    for s in schools:
        score = scores.get(s.pk)
        decile = score.decile if score else None
        reasons = score.top_reasons(shared=q.viewer.shared, hidden=q.viewer.hidden_reasons) if score else []
        features.append(
            _point(
                s.lon,
                s.lat,
                {
                    "school": s.name,
                    "urn": s.urn,
                    "phase": s.phase,
                    "decile": decile,
                    "rank": score.rank if score else None,
                    "target": "Yes" if decile == 1 else "No",
                    "reasons": "; ".join(reasons),
                    "_colour": DECILE_COLOURS[decile - 1] if decile else "#ffffff",
                    "_radius": 6,
                    "_title": s.name,
                    "_url": f"/matrix/school/{s.urn}/",
                    "_detail": (
                        [
                            f"Decile {decile}, rank {score.rank}"
                            + (" (a target school)" if decile == 1 else "")
                        ]
                        if score
                        else ["Not on this programme's list"]
                    )
                    + reasons,
                },
            )
        )
    legend = [
        {
            "label": f"Decile {d}"
            + (" (most in need; the target schools)" if d == 1 else " (least in need)" if d == 10 else ""),
            "colour": DECILE_COLOURS[d - 1],
            "shape": "circle",
        }
        for d in range(1, 11)
    ]
    legend.append({"label": "Not on the list", "colour": "#ffffff", "shape": "circle"})
    return Layer(
        "schools",
        "Schools by target decile",
        legend,
        features,
        [
            Column("school", "School"),
            Column("urn", "URN", True),
            Column("phase", "Phase"),
            Column("decile", "Decile", True),
            Column("rank", "Rank", True),
            Column("target", "Target"),
            Column("reasons", "Main reasons"),
        ],
        note="Decile 1 is the tenth of schools most in need for the programme.",
        summary=f"{len(schools):,} schools, {sum(1 for f in features if f['properties']['decile'] == 1):,} "
        "in decile 1",
    )


def places_layer(q: MapQuery) -> Layer:
    places = list(
        _in_bounds(Place.objects.select_related("dataset").exclude(dataset_id__in=q.viewer.hidden), q.area)
        .order_by("kind", "name")
    )
    places = [
        p
        for p, k in zip(places, _inside(q.area, [p.easting for p in places], [p.northing for p in places]))
        if k
    ]
    kinds = sorted({p.kind for p in places})
    colours = {k: KIND_COLOURS[i % len(KIND_COLOURS)] for i, k in enumerate(kinds)}
    features = [
        _point(
            p.lon,
            p.lat,
            {
                "place": p.name,
                "kind": p.kind,
                "address": p.address,
                "postcode": p.postcode,
                "reference": p.reference,
                "_colour": colours[p.kind],
                "_radius": 3.5,
                "_kind": p.kind,
                "_title": p.name,
                "_detail": [p.kind.capitalize(), p.address],
            },
        )
        for p in places
    ]
    counts = Counter(p.kind for p in places)
    legend = [
        {"label": f"{k.capitalize()} ({counts[k]:,})", "colour": colours[k], "shape": "circle", "kind": k}
        for k in kinds
    ]
    return Layer(
        "places",
        "Vulnerable places",
        legend,
        features,
        [
            Column("place", "Place"),
            Column("kind", "Kind"),
            Column("address", "Address"),
            Column("postcode", "Postcode"),
        ],
        summary=f"{len(places):,} places of {len(kinds)} kinds",
        sensitive=sensitive_datasets(places),
    )


def notices_in_force(q: MapQuery):
    end = add_months(q.last, 1) - timedelta(days=1)
    notices = (
        Notice.objects.select_related("dataset")
        .filter(issued_on__lte=end, easting__isnull=False)
        .exclude(expires_on__lt=q.first)
        .exclude(dataset_id__in=q.viewer.hidden)
        .order_by("-issued_on")
    )
    notices = list(_in_bounds(notices, q.area))
    return [
        n
        for n, k in zip(notices, _inside(q.area, [n.easting for n in notices], [n.northing for n in notices]))
        if k
    ]


def notices_layer(q: MapQuery) -> Layer:
    notices = notices_in_force(q)
    kinds = sorted({n.kind.capitalize() for n in notices})
    colours = {k: ["#5694ca", "#912b88", "#f499be", "#6f72af", "#28a197"][i % 5] for i, k in enumerate(kinds)}
    features = [
        _point(
            n.lon,
            n.lat,
            {
                "kind": n.kind.capitalize(),
                "reference": n.reference,
                "premises": n.premises,
                "address": n.address,
                "issued": f"{n.issued_on:%Y-%m-%d}",
                "expires": f"{n.expires_on:%Y-%m-%d}" if n.expires_on else "",
                "_colour": colours[n.kind.capitalize()],
                "_radius": 6,
                "_title": f"{n.kind.capitalize()} {n.reference}",
                "_detail": [n.premises, n.address, f"Issued {n.issued_on:%d %B %Y}"],
            },
        )
        for n in notices
    ]
    legend = [{"label": k, "colour": colours[k], "shape": "circle"} for k in kinds]
    return Layer(
        "notices",
        "Notices in force",
        legend,
        features,
        [
            Column("kind", "Kind"),
            Column("reference", "Reference"),
            Column("premises", "Premises"),
            Column("address", "Address"),
            Column("issued", "Issued"),
            Column("expires", "Expires"),
        ],
        note=f"Notices in force at any time in {months_text(q.first, q.last)}.",
        summary=_n(len(notices), "notice"),
        sensitive=sensitive_datasets(notices),
    )


def bases_layer(q: MapQuery) -> Layer:
    from safereach.workforce.models import Officer, Station

    stations = list(
        _in_bounds(Station.objects.filter(officers__isnull=False).distinct(), q.area).order_by("name")
    )
    stations = [
        s
        for s, k in zip(
            stations, _inside(q.area, [s.easting for s in stations], [s.northing for s in stations])
        )
        if k
    ]
    officers = defaultdict(list)
    for base_id, agency_id in Officer.objects.filter(base__in=stations).values_list("base_id", "agency_id"):
        officers[base_id].append(agency_id)
    features = []
    for s in stations:
        agencies = officers[s.pk]
        own = q.viewer.agency_id is not None and all(a == q.viewer.agency_id for a in agencies)
        text = shared_count(len(agencies), q.viewer.shared and not own)
        features.append(
            _point(
                s.lon,
                s.lat,
                {
                    "base": s.name,
                    "service": s.get_service_display(),
                    "officers": text,
                    "officers_n": _shown_number(text, len(agencies)),
                    "_colour": "#0b0c0c",
                    "_radius": 6,
                    "_title": s.name,
                    "_detail": [s.get_service_display(), f"Officers based here: {text}"],
                },
            )
        )
    legend = [{"label": "Officers' base", "colour": "#0b0c0c", "shape": "circle"}]
    return Layer(
        "bases",
        "Officers' bases",
        legend,
        features,
        [
            Column("base", "Base"),
            Column("service", "Service"),
            Column("officers", "Officers", True, "officers_n"),
        ],
        summary=_n(len(stations), "base"),
    )


def visits_layer(q: MapQuery) -> Layer:
    from django.utils import timezone

    from safereach.bookings.models import Visit

    today = q.today or timezone.localdate()
    start = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
    upcoming = Visit.objects.filter(
        status__in=Visit.LIVE, starts_at__gte=start, starts_at__lt=start + timedelta(weeks=WEEKS_AHEAD)
    )
    end = add_months(q.last, 1)
    window = (
        timezone.make_aware(timezone.datetime(q.first.year, q.first.month, 1)),
        timezone.make_aware(timezone.datetime(end.year, end.month, 1)),
    )
    delivered = Visit.objects.filter(
        outcome__delivered=True, starts_at__gte=window[0], starts_at__lt=window[1]
    )
    features = []
    for kind, visits in (("Projected", upcoming), ("Delivered", delivered)):
        visits = list(
            _in_bounds(
                visits.select_related("school", "session__partner", "session__programme", "outcome"),
                q.area,
                "school__easting",
                "school__northing",
            )
            .exclude(school__lon__isnull=True)
            .order_by("starts_at")
        )
        keep = _inside(q.area, [v.school.easting for v in visits], [v.school.northing for v in visits])
        for v, k in zip(visits, keep):
            if not k:
                continue
            pupils = ""
            if kind == "Delivered":
                own = q.viewer.agency_id is not None and v.session.partner_id == q.viewer.agency_id
                pupils = shared_count(v.outcome.pupils_reached, q.viewer.shared and not own)
            when = timezone.localtime(v.starts_at)
            features.append(
                _point(
                    v.school.lon,
                    v.school.lat,
                    {
                        "visit": kind,
                        "date": f"{when:%Y-%m-%d}",
                        "school": v.school.name,
                        "programme": v.session.programme.name,
                        "session": v.session.title,
                        "partner": v.session.partner.name,
                        "pupils": pupils,
                        "_colour": "#00703c" if kind == "Delivered" else "#f47738",
                        "_radius": 5,
                        "_title": f"{kind}: {v.session.title}",
                        "_detail": [v.school.name, f"{when:%d %B %Y}", v.session.partner.name]
                        + ([f"Pupils reached: {pupils}"] if pupils else []),
                    },
                )
            )
    legend = [
        {"label": f"Projected (next {WEEKS_AHEAD} weeks)", "colour": "#f47738", "shape": "circle"},
        {"label": f"Delivered ({months_text(q.first, q.last)})", "colour": "#00703c", "shape": "circle"},
    ]
    counts = Counter(f["properties"]["visit"] for f in features)
    return Layer(
        "visits",
        "Projected and delivered visits",
        legend,
        features,
        [
            Column("visit", "Visit"),
            Column("date", "Date"),
            Column("school", "School"),
            Column("programme", "Programme"),
            Column("partner", "Partner"),
            Column("pupils", "Pupils reached"),
        ],
        summary=f"{counts['Projected']:,} projected, {counts['Delivered']:,} delivered",
    )


# ------------------------------------------------------------------------------ choropleths


def _level_areas(q: MapQuery) -> list[dict]:
    """The areas of the choropleth level whose centre lies in the area viewed."""
    level = q.choropleth_level
    if level == "district":
        rows = districts()
    else:
        rows = Area.objects.filter(level=level).exclude(geometry="")
        if level == "lsoa":
            # The deprivation indices and the incidents' links use 2011 LSOAs.
            rows = rows.filter(vintage__lte=2011) if rows.filter(vintage__lte=2011).exists() else rows
        elif rows.filter(children__level=Area.Level.LSOA).exists():
            rows = rows.filter(children__level=Area.Level.LSOA).distinct()
        if not q.area.fictional:
            rows = rows.filter(is_fictional=False)
    x0, y0, x1, y1 = q.area.bounds
    rows = list(
        rows.filter(
            centroid_easting__gte=x0,
            centroid_easting__lte=x1,
            centroid_northing__gte=y0,
            centroid_northing__lte=y1,
        ).values("id", "code", "name", "level", "geometry", "centroid_easting", "centroid_northing")
    )
    keep = _inside(q.area, [r["centroid_easting"] for r in rows], [r["centroid_northing"] for r in rows])
    return [r for r, k in zip(rows, keep) if k]


def _lsoas_of(areas: list[dict], level: str) -> dict[int, int]:
    """LSOA id → the id of the area (of `level`) it lies in, for the given areas."""
    ids = [a["id"] for a in areas]
    if level == "lsoa":
        return {i: i for i in ids}
    link = "parent_id" if level == "ward" else "district_id"
    return dict(Area.objects.filter(level=Area.Level.LSOA, **{f"{link}__in": ids}).values_list("id", link))


def _deprivation_by_lsoa(hidden=frozenset()) -> dict[str, tuple]:
    return {
        code: (rank, decile, population)
        for code, rank, decile, population in Deprivation.objects.exclude(dataset_id__in=hidden).values_list(
            "lsoa_code", "imd_rank", "imd_decile", "population"
        )
    }


def deprivation_layer(q: MapQuery) -> Layer:
    level = q.choropleth_level
    areas = _level_areas(q)
    by_code = _deprivation_by_lsoa(q.viewer.hidden)
    national = (
        IMD_2019_AREAS
        if Deprivation.objects.filter(vintage=2019).exists()
        else (Deprivation.objects.aggregate(m=Max("imd_rank"))["m"] or 1)
    )
    member = _lsoas_of(areas, level)
    codes = dict(Area.objects.filter(id__in=list(member)).values_list("id", "code"))
    weighted = defaultdict(lambda: [0.0, 0.0, 0])  # area id → rank × people, people, LSOAs
    for lsoa_id, area_id in member.items():
        rank, decile, population = by_code.get(codes.get(lsoa_id), (None, None, None))
        if rank is None:
            continue
        people = population or 1  # no denominators loaded: every LSOA counts alike
        weighted[area_id][0] += rank * people
        weighted[area_id][1] += people
        weighted[area_id][2] += 1
    properties = []
    for a in areas:
        total, people, n = weighted.get(a["id"], (0, 0, 0))
        decile = None
        if n:
            if level == "lsoa":
                decile = by_code[codes[a["id"]]][1]
            else:
                decile = min(10, int(np.ceil(total / people / national * 10)))
        properties.append(
            {
                "area": a["name"],
                "code": a["code"],
                "imd_decile": decile,
                "average_rank": round(total / people) if n else None,
                "lsoas": n,
                "_colour": DECILE_COLOURS[decile - 1] if decile else "#ffffff",
                "_title": a["name"],
                "_detail": [f"IMD decile {decile}" if decile else "No deprivation figures loaded"],
            }
        )
    legend = [
        {
            "label": f"Decile {d}"
            + (" (most deprived 10% in England)" if d == 1 else " (least deprived)" if d == 10 else ""),
            "colour": DECILE_COLOURS[d - 1],
            "shape": "square",
        }
        for d in range(1, 11)
    ]
    method = (
        "the decile published for each LSOA"
        if level == "lsoa"
        else f"the national decile of each {level}'s average LSOA rank, weighted by population"
    )
    return Layer(
        "deprivation",
        f"Deprivation (IMD decile) by {_level_name(level)}",
        legend,
        [
            {"type": "Feature", "geometry": _simplified(a["geometry"]), "properties": p}
            for a, p in zip(areas, properties)
        ],
        [
            Column("area", _level_name(level).capitalize()),
            Column("code", "Code"),
            Column("imd_decile", "IMD decile", True),
            Column("average_rank", "Average rank", True),
            Column("lsoas", "LSOAs", True),
        ],
        note=f"English Indices of Deprivation: {method}. Decile 1 is the most deprived.",
        summary=f"{len(areas):,} {_level_name(level, plural=True)}",
    )


def _level_name(level: str, plural: bool = False) -> str:
    name = {"lsoa": "LSOA", "ward": "ward", "district": "district"}[level]
    return name + "s" if plural else name


def area_incident_counts(q: MapQuery, areas: list[dict]) -> tuple[dict[int, int], dict[int, int]]:
    """(incidents, residents) per area of the choropleth level over the query's months."""
    level = q.choropleth_level
    member = _lsoas_of(areas, level)
    by_lsoa = kept.lsoa_counts(q.first, q.last, q.category, without=q.viewer.hidden_incidents)
    codes = dict(Area.objects.filter(id__in=list(member)).values_list("id", "code"))
    people = dict(
        Deprivation.objects.filter(lsoa_code__in=list(codes.values()), population__isnull=False)
        .exclude(dataset_id__in=q.viewer.hidden)
        .values_list(
            "lsoa_code", "population"
        )
    )
    incidents, residents = defaultdict(int), defaultdict(int)
    for lsoa_id, area_id in member.items():
        incidents[area_id] += by_lsoa.get(lsoa_id, 0)
        residents[area_id] += people.get(codes.get(lsoa_id), 0)
    return incidents, residents


def rates_layer(q: MapQuery) -> Layer:
    level = q.choropleth_level
    areas = _level_areas(q)
    incidents, residents = area_incident_counts(q, areas)
    text, suppressed = counts_as_text({a["id"]: incidents[a["id"]] for a in areas}, q.viewer)
    per_year = 12 / q.months
    rates = {
        a["id"]: incidents[a["id"]] / residents[a["id"]] * 1000 * per_year
        for a in areas
        if residents[a["id"]] and _shown_number(text[a["id"]], 1) is not None
    }
    values = sorted(rates.values())
    # Quintile breaks of the areas shown, so the map reads whatever the category and months.
    breaks = [values[int(len(values) * k / 5)] for k in range(1, 5)] if len(values) >= 5 else []
    properties = []
    for a in areas:
        rate = rates.get(a["id"])
        k = int(np.searchsorted(breaks, rate, side="right")) if rate is not None else None
        properties.append(
            {
                "area": a["name"],
                "code": a["code"],
                "incidents": text[a["id"]],
                "incidents_n": _shown_number(text[a["id"]], incidents[a["id"]]),
                "residents": residents[a["id"]] or None,
                "rate": round(rate, 1) if rate is not None else None,
                "_colour": COUNT_COLOURS[k + 1] if k is not None else NOT_SHOWN_COLOUR,
                "_title": a["name"],
                "_detail": [
                    f"{text[a['id']]} incidents",
                    f"{rate:.1f} per 1,000 residents a year" if rate is not None else "Rate not shown",
                ],
            }
        )
    legend = []
    edges = [values[0]] + breaks + [values[-1]] if values else []
    for k in range(len(edges) - 1):
        legend.append(
            {
                "label": f"{edges[k]:.1f} to {edges[k + 1]:.1f}",
                "colour": COUNT_COLOURS[k + 1],
                "shape": "square",
            }
        )
    legend.append(
        {
            "label": "No rate (no residents' figures, or a count under 5)",
            "colour": NOT_SHOWN_COLOUR,
            "shape": "square",
        }
    )
    return Layer(
        "rates",
        f"Incident rate by {_level_name(level)}",
        legend,
        [
            {"type": "Feature", "geometry": _simplified(a["geometry"]), "properties": p}
            for a, p in zip(areas, properties)
        ],
        [
            Column("area", _level_name(level).capitalize()),
            Column("code", "Code"),
            Column("incidents", "Incidents", True, "incidents_n"),
            Column("residents", "Residents", True),
            Column("rate", "Per 1,000 residents a year", True),
        ],
        note=(
            f"{q.category.label}, {months_text(q.first, q.last)}, per 1,000 residents a year "
            "(residents: the deprivation indices' population denominators). Colours are fifths of "
            "the areas shown."
        ),
        summary=f"{len(areas):,} {_level_name(level, plural=True)}",
        snapped=True,
        suppressed=suppressed,
    )


LAYERS = {
    "incidents": incidents_layer,
    "hotspots": hotspots_layer,
    "street": street_layer,
    "schools": schools_layer,
    "deprivation": deprivation_layer,
    "rates": rates_layer,
    "places": places_layer,
    "notices": notices_layer,
    "bases": bases_layer,
    "visits": visits_layer,
}
LAYER_TITLES = {
    "incidents": "Incidents per grid cell",
    "hotspots": "Hot and cold spots (Gi*)",
    "street": "Incidents at street level",
    "schools": "Schools by target decile",
    "deprivation": "Deprivation (IMD decile)",
    "rates": "Incident rate",
    "places": "Vulnerable places",
    "notices": "Notices",
    "bases": "Officers' bases",
    "visits": "Projected and delivered visits",
}
DEFAULT_LAYERS = ["hotspots", "schools", "notices"]


def layer(key: str, q: MapQuery) -> Layer:
    found = LAYERS[key](q)
    found.withheld = withheld_note([key], q.viewer)
    return found


def sensitive_datasets(rows) -> list:
    """The OFFICIAL-SENSITIVE datasets `rows` (places, notices) come from: what showing them
    asks a reason for and audits."""
    return sorted({r.dataset for r in rows if is_sensitive(r.dataset.classification)}, key=lambda d: d.pk)
