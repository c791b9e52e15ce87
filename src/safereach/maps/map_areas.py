"""The areas a map or a map pack is about: the county (every district loaded), a district or a
ward, with its outline in British National Grid metres and the areas one level down."""

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import shapely
from django.conf import settings
from django.db.models import Count, Max

from safereach.areas.coordinates import to_bng, to_wgs84
from safereach.areas.models import Area

COUNTY = "county"  # how the county is named where an area code is asked for


@dataclass
class MapArea:
    code: str  # '' for the county
    name: str
    level: str  # 'county', 'district' or 'ward'
    outline: object  # shapely geometry, BNG metres
    parts: list[dict] = field(
        default_factory=list
    )  # one level down: id, code, name, level, geometry (GeoJSON)
    district: tuple[str, str] | None = None  # (code, name) of a ward's district
    fictional: bool = False

    @cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        return tuple(float(v) for v in self.outline.bounds)

    @cached_property
    def lonlat_bounds(self) -> tuple[float, float, float, float]:
        """The bounds in longitude and latitude: the box's four corners, converted."""
        e0, n0, e1, n1 = self.bounds
        lon, lat = to_wgs84(np.array([e0, e1, e0, e1]), np.array([n0, n0, n1, n1]))
        return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())

    @property
    def title(self) -> str:
        if self.level == "ward":
            return f"{self.name} ward" + (f", {self.district[1]}" if self.district else "")
        return self.name

    @property
    def parts_level(self) -> str:
        return {"county": "district", "district": "ward", "ward": "lsoa"}[self.level]


class UnknownArea(ValueError):
    pass


def to_bng_geometry(geojson: str):
    """A GeoJSON geometry in WGS84 as a shapely geometry in BNG metres."""
    geometry = shapely.from_geojson(geojson)
    return shapely.transform(geometry, lambda xy: np.column_stack(to_bng(xy[:, 0], xy[:, 1])))


def _version() -> tuple:
    """Changes whenever areas are loaded, replaced or deleted (read from the small indexes only,
    never the boundaries themselves)."""
    found = Area.objects.aggregate(n=Count("id"), last=Max("id"), data=Max("dataset"))
    return found["n"], found["last"], found["data"]


def districts():
    """The districts with outlines that make up the county: real ones when any are loaded, else
    the demo's (the demo county lies in real grid space, so the two are never mixed)."""
    with_outline = Area.objects.filter(level=Area.Level.DISTRICT).exclude(geometry="")
    real = with_outline.filter(is_fictional=False)
    return real if real.exists() else with_outline


def county_name() -> str:
    name = getattr(settings, "SAFEREACH_MAPS", {}).get("COUNTY_NAME")
    if name:
        return name
    if districts().exists() and not districts().filter(is_fictional=False).exists():
        return "The demo county (fictional)"
    return "All districts loaded"


def map_area(code: str = "") -> MapArea:
    """The county ('' or 'county'), a district or a ward by its ONS code. Raises UnknownArea."""
    code = (code or "").strip().upper()
    if code == COUNTY.upper():
        code = ""
    return _map_area(code, _version())


@lru_cache(maxsize=64)
def _map_area(code: str, version: tuple) -> MapArea:
    if not code:
        rows = list(districts().values("id", "code", "name", "geometry", "is_fictional"))
        if not rows:
            raise UnknownArea("No district boundaries are loaded yet")
        outline = shapely.union_all([to_bng_geometry(r["geometry"]) for r in rows])
        return MapArea(
            "",
            county_name(),
            "county",
            outline,
            _parts(rows, "district"),
            fictional=all(r["is_fictional"] for r in rows),
        )
    area = (
        Area.objects.filter(code=code, level__in=[Area.Level.DISTRICT, Area.Level.WARD])
        .exclude(geometry="")
        .select_related("district", "parent")
        .first()
    )
    if area is None:
        raise UnknownArea(f"No district or ward with the code {code} has a boundary loaded")
    outline = to_bng_geometry(area.geometry)
    if area.level == Area.Level.DISTRICT:
        return MapArea(
            area.code,
            area.name,
            "district",
            outline,
            _parts(ward_rows(area), "ward"),
            fictional=area.is_fictional,
        )
    district = area.district or area.parent
    lsoas = (
        Area.objects.filter(level=Area.Level.LSOA, parent=area)
        .exclude(geometry="")
        .values("id", "code", "name", "geometry", "is_fictional")
    )
    return MapArea(
        area.code,
        area.name,
        "ward",
        outline,
        _parts(list(lsoas), "lsoa"),
        district=(district.code, district.name) if district else None,
        fictional=area.is_fictional,
    )


def ward_rows(district: Area) -> list[dict]:
    """The wards of a district: those its LSOAs are in (the lookup's vintage), or when no lookup
    is loaded, those whose boundary says they belong to it."""
    wards = Area.objects.filter(level=Area.Level.WARD).exclude(geometry="")
    linked = wards.filter(children__level=Area.Level.LSOA, children__district=district).distinct()
    chosen = linked if linked.exists() else wards.filter(parent=district) | wards.filter(district=district)
    return list(chosen.distinct().order_by("name").values("id", "code", "name", "geometry", "is_fictional"))


def _parts(rows: list[dict], level: str) -> list[dict]:
    return [
        {"id": r["id"], "code": r["code"], "name": r["name"], "level": level, "geometry": r["geometry"]}
        for r in sorted(rows, key=lambda r: r["name"])
    ]


def choices() -> list[tuple[str, str]]:
    """(code, name) of the county and each district, for the area question."""
    return [("", county_name())] + [
        (c, n) for c, n in districts().order_by("name").values_list("code", "name")
    ]
