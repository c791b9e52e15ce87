"""The demo county's partners: agencies, their stations and offices, officers, and sign-ins."""

import numpy as np
import shapely

from safereach.demo.geography import Geography
from safereach.demo.names import COUNTY_NAME, FICTIONAL, person_name

DEMO_EMAIL_DOMAIN = "demo.safereach.test"  # .test is reserved: no mail can ever go there
# Printed by `safereach demo` and in the README: it is a demo, not a secret.
DEMO_PASSWORD = "marshwold-demo"

FIRE = "demo-marshwold-fire-rescue"
POLICE = "demo-marshwold-police"
COUNCIL = "demo-marshwold-county-council"
CHARITY = "demo-marshwold-youth-safety-trust"

AGENCIES = [
    {"slug": FIRE, "name": f"{COUNTY_NAME} Fire and Rescue Service {FICTIONAL}",
     "kind": "fire_rescue"},
    {"slug": POLICE, "name": f"{COUNTY_NAME} Police {FICTIONAL}", "kind": "police"},
    {"slug": COUNCIL, "name": f"{COUNTY_NAME} County Council {FICTIONAL}", "kind": "council"},
    {"slug": CHARITY, "name": f"{COUNTY_NAME} Youth Safety Trust {FICTIONAL}", "kind": "charity"},
]
AGENCY_NAME = {a["slug"]: a["name"] for a in AGENCIES}
OPERATOR_CODE = {FIRE: "X31000001", POLICE: "X23000001"}  # in the style of ONS FRA / PFA codes

# role, agency of the demo user with that role
DEMO_USERS = [
    ("administrator", COUNCIL),
    ("analyst", POLICE),
    ("coordinator", FIRE),
    ("officer", FIRE),
    ("partner", CHARITY),
    ("protection_officer", FIRE),
    ("protection_manager", FIRE),
]
# agency, officers
OFFICERS = [(FIRE, 12), (POLICE, 8), (COUNCIL, 2), (CHARITY, 3)]
WORKING_PATTERNS = [("12345", 0.6), ("1234", 0.1), ("2345", 0.1), ("1235", 0.1), ("135", 0.1)]


def build_stations(rng: np.random.Generator, geo: Geography) -> list[dict]:
    """Fire stations in every town (three in the city) and some villages; police stations in
    the towns; the council's offices and the charity's in the city and a town."""
    plan: list[tuple[str, str, str, float, float]] = []  # service, agency, name, e, n
    for t in geo.towns:
        if t.is_city:
            plan.append(("fire", FIRE, f"{t.name} Central Fire Station", t.easting, t.northing))
            plan.append(("fire", FIRE, f"{t.name} North Fire Station", t.easting,
                         t.northing + 1.6 * t.spread_m))
            plan.append(("fire", FIRE, f"{t.name} South Fire Station", t.easting,
                         t.northing - 1.6 * t.spread_m))
            plan.append(("police", POLICE, f"{t.name} Police Station", t.easting, t.northing))
            plan.append(("police", POLICE, f"{t.name} East Police Station",
                         t.easting + 1.5 * t.spread_m, t.northing))
            plan.append(("other", COUNCIL, f"County Hall, {t.name}", t.easting, t.northing))
        else:
            plan.append(("fire", FIRE, f"{t.name} Fire Station", t.easting, t.northing))
            plan.append(("police", POLICE, f"{t.name} Police Station", t.easting, t.northing))
    second = geo.towns[1]
    plan.append(("other", CHARITY, f"Youth Safety Trust office, {second.name}",
                 second.easting, second.northing))
    for v in rng.choice(len(geo.villages), size=4, replace=False):  # on-call stations
        village = geo.villages[int(v)]
        plan.append(("fire", FIRE, f"{village.name} Fire Station", village.easting,
                     village.northing))
    inner = geo.eroded(10.0)
    rows = []
    for service, agency, name, e, n in plan:
        x, y, lsoa = _point_near(rng, inner, e, n)
        street = "Market Street" if service == "other" else "Station Road"
        rows.append({
            "service": service,
            "name": name,
            "operator": AGENCY_NAME[agency],
            "operator_code": OPERATOR_CODE.get(agency, ""),
            "address": f"{int(rng.integers(1, 80))} {street}, {geo.settlement_near(x, y)}",
            "postcode": "",
            "easting": x,
            "northing": y,
            "lsoa_code": geo.lsoa_codes[lsoa],
            "agency_slug": agency,
        })
    return rows


def _point_near(rng, inner: np.ndarray, e: float, n: float) -> tuple[float, float, int]:
    for spread in (250.0, 500.0, 1000.0, 2000.0):
        for _ in range(50):
            x, y = np.round(rng.normal(e, spread)), np.round(rng.normal(n, spread))
            hit = np.flatnonzero(shapely.contains_xy(inner, x, y))
            if hit.size:
                return float(x), float(y), int(hit[0])
    raise RuntimeError("no site found for a station")


def build_officers(rng: np.random.Generator, stations: list[dict]) -> list[dict]:
    used: set[str] = set()
    rows = []
    patterns = [p for p, _ in WORKING_PATTERNS]
    shares = np.array([s for _, s in WORKING_PATTERNS])
    for agency, count in OFFICERS:
        bases = [s["name"] for s in stations if s["agency_slug"] == agency]
        if agency == FIRE:  # education officers work from the whole-time stations in towns
            bases = [b for b in bases if any(b.startswith(t) for t in _town_prefixes(stations))]
        for k in range(count):
            while True:
                first, last = person_name(rng)
                if f"{first} {last}" not in used:
                    used.add(f"{first} {last}")
                    break
            start = [(8, 0), (8, 30), (9, 0)][int(rng.integers(0, 3))]
            length = [450, 480, 510][int(rng.integers(0, 3))]
            end_minutes = start[0] * 60 + start[1] + length
            rows.append({
                "agency_slug": agency,
                "first_name": first,
                "last_name": last,
                "name": f"{first} {last}",
                "base_name": bases[k % len(bases)],
                "working_days": patterns[rng.choice(len(patterns), p=shares / shares.sum())],
                "day_starts": f"{start[0]:02d}:{start[1]:02d}",
                "day_ends": f"{end_minutes // 60:02d}:{end_minutes % 60:02d}",
                "max_visits_per_day": 2 if agency == CHARITY else int(rng.integers(2, 5)),
            })
    return rows


def _town_prefixes(stations: list[dict]) -> set[str]:
    return {s["name"].removesuffix(" Police Station") for s in stations
            if s["service"] == "police" and not s["name"].endswith("East Police Station")}


# The people behind the other demo sign-ins, so pages greet them as they would a colleague.
STAFF_NAMES = {
    "administrator": ("Sam", "Okafor"),
    "analyst": ("Priya", "Lindqvist"),
    "coordinator": ("Jo", "Brennan"),
    "partner": ("Chris", "Adeyemi"),
    "protection_officer": ("Ellis", "Marsh"),
    "protection_manager": ("Rowan", "Achterberg"),
}


def build_users(officers: list[dict]) -> list[dict]:
    """One demo sign-in per role; the officer's is the first fire officer's own account."""
    users = []
    officer = next(o for o in officers if o["agency_slug"] == FIRE)
    for role, agency in DEMO_USERS:
        if role == "officer":
            first, last, officer_name = officer["first_name"], officer["last_name"], officer["name"]
        else:
            first, last = STAFF_NAMES[role]
            officer_name = None
        users.append({
            "email": f"{role}@{DEMO_EMAIL_DOMAIN}",
            "first_name": first,
            "last_name": last,
            "roles": [role],
            "agency_slug": agency,
            "officer_name": officer_name,
        })
    return users
