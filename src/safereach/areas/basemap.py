"""What every map draws beneath its own layers, so that it reads with no background map: the
district and ward boundaries around the view, each with its name and a point to write it at,
and the tile server a site has set up, if any (SAFEREACH_TILES; none by default, so nothing is
fetched from anywhere). `areas/static/areas/basemap.js` draws it, with a scale."""

import json
from functools import lru_cache

import shapely
from django.conf import settings
from django.db.models import Count, Max, Q

from safereach.areas.models import Area

# Lines are simplified to a share of the view's width: about a pixel on a map 1,500 pixels wide
# showing the whole view, so a county of wards stays a few hundred kilobytes.
DETAIL_SHARE = 1 / 1500
SMALLEST_DETAIL = 0.00005  # degrees, about 5 m: finer than any ward boundary ONS publishes
WARD_LIMIT = 1500  # beyond this many wards in view (a region or more) only districts are drawn


def _with_tiles(drawn: dict) -> dict:
    """The basemap with the background tiles the site has set up, if any: a page with none
    says nothing about them."""
    found = getattr(settings, "SAFEREACH_TILES", {}) or {}
    if found.get("URL"):
        drawn["tiles"] = {"url": found["URL"], "attribution": found.get("ATTRIBUTION", "")}
    return drawn


def basemap(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    """The boundaries of the districts and wards that reach into the box (longitude/latitude),
    as GeoJSON features with their level, code, name and label point, and the site's tiles."""
    width = max(max_lon - min_lon, max_lat - min_lat, 0.001)
    detail = _detail_step(width * DETAIL_SHARE)
    margin = width * 0.25  # a little beyond the view, so panning a step still shows lines
    box = (min_lon - margin, min_lat - margin, max_lon + margin, max_lat + margin)
    version = _version()
    view = shapely.box(min_lon, min_lat, max_lon, max_lat)
    features = []
    for level in (Area.Level.DISTRICT, Area.Level.WARD):
        rows = _in_box(level, box)
        if level == Area.Level.WARD and len(rows) > WARD_LIMIT:
            continue
        for pk, code, name in rows:
            shape = _shape(pk, detail, version)
            if shape is None or not _meets(shape[0].bounds, box):
                continue
            geometry, label, drawn = shape
            features.append({
                "type": "Feature",
                "geometry": drawn,
                "properties": {
                    "level": level, "code": code, "name": name, "label": _label(geometry, label, view)
                },
            })
    return _with_tiles({"boundaries": {"type": "FeatureCollection", "features": features}})


def _label(geometry, label, view) -> list[float]:
    """Where to write an area's name: inside it, and inside the view when the area reaches
    beyond it (a school's map shows a corner of its district, and the corner is named)."""
    if not view.contains(label):
        try:
            seen = geometry.intersection(view)
        except shapely.errors.GEOSException:
            seen = None
        if seen is not None and not seen.is_empty and seen.area > 0:
            label = seen.point_on_surface()
    return [round(label.y, 5), round(label.x, 5)]


def basemap_around(points, at_least_m: float = 0) -> dict:
    """The basemap for a view holding these (lat, lon) points, at least `at_least_m` metres
    across; an empty view when there are none."""
    points = [(lat, lon) for lat, lon in points if lat is not None and lon is not None]
    if not points:
        return _with_tiles({"boundaries": {"type": "FeatureCollection", "features": []}})
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    half = at_least_m / 2 / 111_000  # degrees of latitude; longitude's are wider in England
    middle_lat, middle_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    return basemap(
        min(min(lons), middle_lon - half * 1.6), min(min(lats), middle_lat - half),
        max(max(lons), middle_lon + half * 1.6), max(max(lats), middle_lat + half),
    )


def _detail_step(degrees: float) -> float:
    """The detail rounded down to a power of two, so nearby views share simplified shapes."""
    step = SMALLEST_DETAIL
    while step * 2 <= degrees:
        step *= 2
    return step


def _in_box(level: str, box) -> list[tuple[int, str, str]]:
    """(id, code, name) of the areas of one level whose bounding box meets the box: real ones
    when any are loaded, else the demo's (the demo county lies in real grid space), and of one
    geography only (the newest vintage in view), so boundaries redrawn since are not doubled."""
    min_lon, min_lat, max_lon, max_lat = box
    # An area loaded with no bounding box (only tests make such rows) is checked on its shape.
    found = Area.objects.filter(level=level).exclude(geometry="").filter(
        Q(min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat)
        | Q(min_lon=None)
    )
    real = found.filter(is_fictional=False)
    if real.exists():
        found = real
    newest = found.aggregate(v=Max("vintage"))["v"]
    if newest is not None:
        found = found.filter(vintage=newest)
    return list(found.order_by("name").values_list("id", "code", "name"))


def _version() -> tuple:
    """Changes whenever areas are loaded, replaced or deleted."""
    found = Area.objects.aggregate(n=Count("id"), last=Max("id"), data=Max("dataset"))
    return found["n"], found["last"], found["data"]


@lru_cache(maxsize=4096)
def _shape(pk: int, detail: float, version: tuple):
    """An area's boundary simplified to `detail` degrees (shapely's and GeoJSON's) and the point
    inside it to write its name at; None when the boundary cannot be read."""
    geojson = Area.objects.filter(pk=pk).values_list("geometry", flat=True).first()
    try:
        geometry = shapely.from_geojson(geojson)
    except (shapely.errors.GEOSException, TypeError, ValueError):
        return None
    label = geometry.point_on_surface()
    geometry = shapely.set_precision(shapely.simplify(geometry, detail, preserve_topology=True), 0.00001)
    if geometry.is_empty:
        return None
    return geometry, label, json.loads(shapely.to_geojson(geometry))


def _meets(bounds, box) -> bool:
    return bounds[0] <= box[2] and bounds[2] >= box[0] and bounds[1] <= box[3] and bounds[3] >= box[1]
