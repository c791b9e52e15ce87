"""The fictional demo county, generated from a seed: pure computation, no database.

`generate(seed)` returns every row the demo writes, as plain dicts keyed by model field names
(foreign keys given by code or name, resolved by `build`), with one SHA-256 checksum per kind of
data over exactly those rows. The same seed gives the same county, byte for byte.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import shapely
from shapely.geometry import mapping

from safereach.areas.coordinates import to_wgs84
from safereach.demo.bookings import SESSIONS
from safereach.demo.deprivation import build_deprivation
from safereach.demo.geography import Geography, build_geography
from safereach.demo.incidents import (
    build_area_rates,
    build_incidents,
    build_snap_points,
    month_list,
    number_fire_incidents,
)
from safereach.demo.names import COUNTY_NAME, FICTIONAL, NamePool
from safereach.demo.partners import AGENCIES, build_officers, build_stations, build_users
from safereach.demo.places import build_notices, build_places
from safereach.demo.rollout import plan_rollout, respond
from safereach.demo.schools import build_schools

DEFAULT_SEED = 4242
DEFAULT_LAST_MONTH = date(2026, 9, 1)
COUNTY = f"{COUNTY_NAME} {FICTIONAL}"
PUBLISHER = "SafeReach demo generator"
LICENCE = "Fictional data, no licence needed"

# kind → what the dataset holds, as a person reads it
DATASET_TITLES = {
    "boundaries": "LSOA (2011), ward and district boundaries",
    "deprivation": "indices of deprivation by LSOA",
    "schools": "schools",
    "crime": "street-level crime",
    "fire-incidents": "fire incidents",
    "places": "vulnerable places",
    "notices": "notices",
    "stations": "fire and police stations and partner offices",
    "area-rates": "dwelling fires per LSOA (area-level rates)",
}


@dataclass
class DemoCounty:
    seed: int
    last_month: date
    geography: Geography
    areas: list[dict]
    deprivation: list[dict]
    schools: list[dict]
    incidents: list[dict]
    places: list[dict]
    notices: list[dict]
    stations: list[dict]
    agencies: list[dict]
    officers: list[dict]
    users: list[dict]
    area_rates: list[dict] = field(default_factory=list)  # evidence.AreaRate fields
    rollout: list[dict] = field(default_factory=list)  # past delivered visits (demo.rollout)
    datasets: dict[str, dict] = field(default_factory=dict)

    @property
    def months(self) -> list[date]:
        return month_list(self.last_month)

    def checksums(self) -> dict[str, str]:
        return {kind: d["checksum"] for kind, d in self.datasets.items()}


def generate(seed: int = DEFAULT_SEED, last_month: date = DEFAULT_LAST_MONTH) -> DemoCounty:
    """Build the whole county from `seed`; crime and fire run for 24 months to `last_month`."""
    # A ninth stream for area rates leaves the first eight, and so the rest of the county, as
    # they were before it (a seed sequence's children do not depend on how many are spawned);
    # a tenth plans the history of delivery.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(10)]
    names = NamePool(streams[0])
    geo = build_geography(streams[0], names)
    dep = build_deprivation(streams[1], geo)
    schools = build_schools(streams[2], geo, dep, names)
    snaps = build_snap_points(streams[3], geo)
    incidents = build_incidents(streams[4], geo, dep, snaps, last_month)
    # Some programmes delivered over those months prevented incidents near their schools.
    rollout = plan_rollout(streams[9], schools, SESSIONS, month_list(last_month)[0], last_month)
    incidents = respond(streams[9], incidents, schools, rollout)
    number_fire_incidents(incidents)
    places = build_places(streams[5], geo, dep)
    notices = build_notices(streams[6], geo, dep, places, snaps, last_month)
    stations = build_stations(streams[7], geo)
    officers = build_officers(streams[7], stations)
    users = build_users(officers)
    for rows in (schools, incidents, places, notices, stations):
        _add_lonlat(rows)
    county = DemoCounty(
        seed=seed, last_month=last_month, geography=geo, areas=_areas(geo),
        deprivation=dep.fields, schools=schools, incidents=incidents, places=places,
        notices=notices, stations=stations, agencies=[dict(a) for a in AGENCIES],
        officers=officers, users=users,
        area_rates=build_area_rates(streams[8], dep, geo.lsoa_codes), rollout=rollout,
    )
    county.datasets = _datasets(county)
    return county


def _add_lonlat(rows: list[dict]) -> None:
    if not rows:
        return
    e = np.array([r["easting"] for r in rows])
    n = np.array([r["northing"] for r in rows])
    lon, lat = to_wgs84(e, n)
    for r, x, y in zip(rows, np.round(lon, 6), np.round(lat, 6), strict=True):
        r["lon"] = float(x)
        r["lat"] = float(y)


def _wgs84(geometry):
    def convert(coords: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([lon, lat]), 7)

    return shapely.transform(geometry, convert)


def _area_row(code, name, level, vintage, parent, district, polygon) -> dict:
    wgs = _wgs84(polygon)
    min_lon, min_lat, max_lon, max_lat = wgs.bounds
    centroid = polygon.centroid
    c_lon, c_lat = to_wgs84(centroid.x, centroid.y)
    return {
        "code": code,
        "name": name,
        "level": level,
        "vintage": vintage,
        "parent_code": parent,
        "district_code": district,
        "geometry": json.dumps(mapping(wgs), separators=(",", ":")),
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "centroid_lon": round(float(c_lon), 6),
        "centroid_lat": round(float(c_lat), 6),
        "centroid_easting": round(centroid.x, 1),
        "centroid_northing": round(centroid.y, 1),
        "area_km2": round(polygon.area / 1e6, 4),
    }


def _areas(geo: Geography) -> list[dict]:
    rows = []
    for d, polygon in enumerate(geo.district_polygons):
        rows.append(_area_row(geo.district_codes[d], geo.district_names[d], "district", 2019,
                              None, None, polygon))
    for w, polygon in enumerate(geo.ward_polygons):
        district = geo.district_codes[geo.ward_district[w]]
        rows.append(_area_row(geo.ward_codes[w], geo.ward_names[w], "ward", 2019, district,
                              district, polygon))
    for i, polygon in enumerate(geo.lsoa_polygons):
        w = geo.lsoa_ward[i]
        rows.append(_area_row(geo.lsoa_codes[i], geo.lsoa_names[i], "lsoa", 2011,
                              geo.ward_codes[w], geo.district_codes[geo.ward_district[w]],
                              polygon))
    level_order = {"district": 0, "ward": 1, "lsoa": 2}
    rows.sort(key=lambda r: (level_order[r["level"]], r["code"]))
    return rows


def checksum(rows: list[dict]) -> str:
    """SHA-256 over the rows exactly as written, in a canonical JSON form."""
    text = json.dumps(rows, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _datasets(county: DemoCounty) -> dict[str, dict]:
    months = county.months
    last = county.last_month
    after = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    period = (months[0], after - timedelta(days=1))
    police = [r for r in county.incidents if r["source"] == "police"]
    fire = [r for r in county.incidents if r["source"] == "fire"]
    notice_days = [r["issued_on"] for r in county.notices]
    content = {
        "boundaries": (county.areas, (None, None)),
        "deprivation": (county.deprivation, (None, None)),
        "schools": (county.schools, (None, None)),
        "crime": (police, period),
        "fire-incidents": (fire, period),
        "places": (county.places, (None, None)),
        "notices": (county.notices, (min(notice_days), max(notice_days))),
        "stations": (county.stations, (None, None)),
        "area-rates": (county.area_rates, (None, None)),
    }
    datasets = {}
    for kind, (rows, (start, stop)) in content.items():
        datasets[kind] = {
            "kind": kind,
            "name": f"Fictional demo county: {COUNTY_NAME} {DATASET_TITLES[kind]}",
            "source_file": f"{COUNTY_NAME.lower()}-demo-seed-{county.seed}-{kind}",
            "publisher": PUBLISHER,
            "licence": LICENCE,
            "period_start": start,
            "period_end": stop,
            "classification": "OFFICIAL",
            "row_count": len(rows),
            "checksum": checksum(rows),
        }
    return datasets
