"""Vulnerable places and notices in the demo county.

Care homes follow the population; children's homes and semi-independent accommodation sit in
ordinary streets, more often where housing is cheap; hotels and B&Bs gather in town centres
and on the roads in; every town has a bus station and most a railway station. A few notices:
child abduction warning notices, closure notices on premises and fire safety enforcement
notices on hotels, B&Bs and flats over shops.
"""

from datetime import date, timedelta

import numpy as np
import shapely

from safereach.demo.deprivation import Deprivation
from safereach.demo.geography import Geography, random_points_in
from safereach.demo.incidents import SnapPoints
from safereach.demo.names import STREET_WORDS, street_name

# kind, how many, where: weight over LSOAs from (urban, town centre, deprivation).
PLACE_KINDS = [
    ("Care home", 36, lambda u, c, z: 0.6 + 0.4 * u),
    ("Children's home", 14, lambda u, c, z: (0.3 + u) * np.exp(0.5 * z)),
    ("Semi-independent accommodation", 10, lambda u, c, z: u * np.exp(0.8 * z)),
    ("Hotel", 16, lambda u, c, z: 0.15 + 4 * c + 0.5 * u),
    ("B&B", 12, lambda u, c, z: 0.4 + 3 * c),
]
CARE_HOME_WORDS = ["House", "Lodge", "Court", "Manor", "Grange", "Gardens", "View"]
HOTEL_WORDS = ["Royal", "George", "Crown", "Station", "Swan", "White Hart", "Bell", "Wheatsheaf",
               "Park", "Riverside", "Premier", "Market"]


def build_places(rng: np.random.Generator, geo: Geography, dep: Deprivation) -> list[dict]:
    inner = geo.eroded(10.0)
    rows: list[dict] = []
    z = np.clip(dep.z, -2, 3)
    used_names: set[str] = set()
    for kind, count, weight_of in PLACE_KINDS:
        weight = weight_of(geo.urban, geo.town_centre, z)
        lsoas = rng.choice(len(weight), size=count, replace=False, p=weight / weight.sum())
        for lsoa in lsoas:
            e, n = random_points_in(rng, inner[lsoa], 1, near=geo.seeds[lsoa], spread_m=400.0)[0]
            place = geo.settlement_near(e, n)
            street = street_name(rng)
            name = _unique(_place_name(rng, kind, street, len(rows) + 1), used_names, place)
            rows.append(_row(kind, name, len(rows) + 1, street, place, e, n, geo, int(lsoa)))
    for t, town in enumerate(geo.towns):
        hubs = [("Bus station", f"{town.name} Bus Station", 150.0)]
        if t < 4 or rng.random() < 0.5:
            hubs.append(("Rail station", f"{town.name} railway station", 700.0))
        for kind, name, reach in hubs:
            e, n, lsoa = _near_point(rng, inner, town.easting, town.northing, reach)
            rows.append(_row(kind, name, len(rows) + 1, "Station Road", town.name, e, n, geo, lsoa))
    for v in rng.choice(len(geo.villages), size=3, replace=False):  # stations on the line
        village = geo.villages[v]
        e, n, lsoa = _near_point(rng, inner, village.easting, village.northing, 400.0)
        rows.append(_row("Rail station", f"{village.name} railway station", len(rows) + 1,
                         "Station Road", village.name, e, n, geo, lsoa))
    return rows


def _near_point(rng, inner: np.ndarray, e: float, n: float, reach: float):
    """A point near (e, n), with the LSOA that holds it."""
    for _ in range(200):
        x, y = np.round(rng.normal(e, reach)), np.round(rng.normal(n, reach))
        hit = np.flatnonzero(shapely.contains_xy(inner, x, y))
        if hit.size:
            return float(x), float(y), int(hit[0])
    raise RuntimeError("no point found near a town centre")


def _place_name(rng, kind: str, street: str, number: int) -> str:
    if kind == "Care home":
        return f"{rng.choice(STREET_WORDS)} {rng.choice(CARE_HOME_WORDS)} Care Home"
    if kind == "Children's home":  # Ofsted does not publish their addresses or names
        return f"Children's home {number:03d}"
    if kind == "Semi-independent accommodation":
        return f"Supported lodgings, {street}"
    if kind == "Hotel":
        return f"The {rng.choice(HOTEL_WORDS)} Hotel"
    return f"{rng.choice(STREET_WORDS)} Guest House"


def _unique(name: str, used: set[str], place: str) -> str:
    if name in used:
        name = f"{name}, {place}"
    n = 2
    base = name
    while name in used:
        name = f"{base} ({n})"
        n += 1
    used.add(name)
    return name


def _row(kind, name, number, street, place, e, n, geo: Geography, lsoa: int) -> dict:
    return {
        "kind": kind,
        "name": name,
        "reference": f"DEMO-PLACE-{number:04d}",
        "address": f"{(number * 7) % 140 + 1} {street}, {place}",
        "postcode": "",
        "easting": float(e),
        "northing": float(n),
        "lsoa_code": geo.lsoa_codes[lsoa],
    }


def build_notices(rng: np.random.Generator, geo: Geography, dep: Deprivation,
                  places: list[dict], snaps: SnapPoints, last_month: date) -> list[dict]:
    rows: list[dict] = []
    start = date(last_month.year - 2, last_month.month, 1)
    span = (last_month - start).days + 27

    def issued() -> date:
        return start + timedelta(days=int(rng.integers(0, span)))

    # Child abduction warning notices: served on a person, mapped to the street they
    # frequent (a snap point in a deprived urban LSOA), never an address.
    z = np.clip(dep.z, -2, 3)[snaps.lsoa]
    weight = np.exp(1.2 * z) * geo.urban[snaps.lsoa]
    for k, s in enumerate(rng.choice(len(weight), size=6, replace=False, p=weight / weight.sum())):
        on = issued()
        rows.append({
            "kind": "Child abduction warning notice",
            "reference": f"CAWN/{on.year}/{k + 1:03d}",
            "premises": "",
            "address": snaps.label[s].removeprefix("On or near "),
            "issued_on": on,
            "expires_on": on + timedelta(days=730),
            "easting": float(snaps.easting[s]),
            "northing": float(snaps.northing[s]),
            "lsoa_code": geo.lsoa_codes[int(snaps.lsoa[s])],
        })
    # Closure notices (Anti-social Behaviour, Crime and Policing Act 2014): 48 hours at most.
    for k, s in enumerate(rng.choice(len(weight), size=5, replace=False, p=weight / weight.sum())):
        on = issued()
        street = snaps.label[s].removeprefix("On or near ")
        rows.append({
            "kind": "Closure notice",
            "reference": f"CN/{on.year}/{k + 1:03d}",
            "premises": f"Flat {int(rng.integers(1, 9))}, {int(rng.integers(1, 120))} {street}",
            "address": street,
            "issued_on": on,
            "expires_on": on + timedelta(days=2),
            "easting": float(snaps.easting[s]),
            "northing": float(snaps.northing[s]),
            "lsoa_code": geo.lsoa_codes[int(snaps.lsoa[s])],
        })
    # Fire safety enforcement notices: on hotels and B&Bs, open until the work is done.
    lodgings = [p for p in places if p["kind"] in ("Hotel", "B&B")]
    for k, i in enumerate(rng.choice(len(lodgings), size=8, replace=False)):
        place = lodgings[int(i)]
        on = issued()
        rows.append({
            "kind": "Fire safety enforcement notice",
            "reference": f"FSEN/{on.year}/{k + 1:03d}",
            "premises": place["name"],
            "address": place["address"],
            "issued_on": on,
            "expires_on": None,
            "easting": place["easting"],
            "northing": place["northing"],
            "lsoa_code": place["lsoa_code"],
        })
    rows.sort(key=lambda r: (r["kind"], r["reference"]))
    return rows
