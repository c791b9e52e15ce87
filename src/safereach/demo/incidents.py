"""Police crimes and fire incidents for the demo county, over 24 months.

Like data.police.uk, crimes are given by month and snapped to a fixed set of anonymous "snap
points" (a street or a landmark, never an address); fire incidents have a date, a time and a
location near an address. Where they happen follows the patterns seen in real data: most in
deprived urban neighbourhoods, shoplifting and public order in town centres, anti-social
behaviour and deliberate fires in deprived estates, a few hotspot streets that take many, and
the seasons (ASB in summer evenings, deliberate grass and rubbish fires in spring and around
Bonfire Night, burglary in the dark months).
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import shapely

from safereach.demo.deprivation import Deprivation
from safereach.demo.geography import Geography, random_points_in, town_centre_closeness
from safereach.demo.names import COUNTY_NAME, FICTIONAL, TOWN_CENTRE_PLACES, street_name

MONTHS = 24
POLICE_FORCE = f"{COUNTY_NAME} Police {FICTIONAL}"
FIRE_SERVICE = f"{COUNTY_NAME} Fire and Rescue Service {FICTIONAL}"
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Category:
    name: str
    source: str  # "police" or "fire"
    total: int  # expected over the 24 months
    deprived: float  # how strongly it follows deprivation
    centre: float  # how strongly it gathers in town centres
    urban: float  # how much more it happens in towns than in the country
    peak_month: int
    seasonality: float


CATEGORIES = [
    Category("Violence and sexual offences", "police", 15_600, 0.44, 1.3, 0.36, 7, 0.12),
    Category("Anti-social behaviour", "police", 8_000, 0.6, 0.9, 0.3, 7, 0.22),
    Category("Public order", "police", 4_200, 0.36, 1.9, 0.3, 7, 0.10),
    Category("Criminal damage and arson", "police", 3_800, 0.52, 0.3, 0.24, 10, 0.10),
    Category("Shoplifting", "police", 3_400, 0.16, 3.6, 0.3, 12, 0.10),
    Category("Other theft", "police", 3_100, 0.16, 1.6, 0.18, 8, 0.08),
    Category("Vehicle crime", "police", 2_900, 0.28, 0.6, 0.18, 11, 0.10),
    Category("Burglary", "police", 2_500, 0.36, 0.2, 0.12, 12, 0.15),
    Category("Drugs", "police", 1_300, 0.68, 1.3, 0.3, 3, 0.08),
    Category("Possession of weapons", "police", 560, 0.64, 1.3, 0.36, 6, 0.10),
    Category("Robbery", "police", 560, 0.56, 1.9, 0.48, 12, 0.12),
    Category("Deliberate secondary fire", "fire", 1_500, 0.84, 0.2, 0.18, 4, 0.45),
    Category("Deliberate primary fire", "fire", 360, 0.72, 0.3, 0.18, 7, 0.15),
    Category("Accidental dwelling fire", "fire", 620, 0.32, 0.0, 0.06, 1, 0.12),
    Category("Malicious false alarm", "fire", 260, 0.64, 0.6, 0.24, 7, 0.20),
]

POLICE_OUTCOMES = [
    ("Investigation complete; no suspect identified", 0.38),
    ("Unable to prosecute suspect", 0.30),
    ("Court result unavailable", 0.06),
    ("Local resolution", 0.06),
    ("Offender given a caution", 0.03),
    ("Awaiting court outcome", 0.05),
    ("Further investigation is not in the public interest", 0.04),
    ("Formal action is not in the public interest", 0.03),
    ("Action to be taken by another organisation", 0.05),
]
FIRE_PROPERTY = {
    "Deliberate secondary fire": [("Refuse/rubbish", 0.45),
                                  ("Grassland, woodland and crops", 0.30),
                                  ("Outdoor structures", 0.10),
                                  ("Other outdoors (including land)", 0.15)],
    "Deliberate primary fire": [("Road vehicle", 0.55), ("Dwelling", 0.20),
                                ("Non-residential building", 0.20), ("Other residential", 0.05)],
    "Accidental dwelling fire": [("Dwelling", 1.0)],
    "Malicious false alarm": [("Dwelling", 0.35), ("Non-residential building", 0.35),
                              ("Outdoors", 0.30)],
}


@dataclass
class SnapPoints:
    """The anonymous map points police.uk snaps crimes to, with what draws crime to each."""

    easting: np.ndarray
    northing: np.ndarray
    lsoa: np.ndarray
    label: list[str]
    centre: np.ndarray  # closeness to a town centre
    hot: np.ndarray  # a few points take many crimes (a car park, a parade of shops)


def month_list(last_month: date) -> list[date]:
    months = []
    y, m = last_month.year, last_month.month
    for _ in range(MONTHS):
        months.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months[::-1]


def build_snap_points(rng: np.random.Generator, geo: Geography) -> SnapPoints:
    inner = geo.eroded(5.0)
    areas_km2 = np.asarray(shapely.area(geo.lsoa_polygons)) / 1e6
    xs, ys, owners, labels = [], [], [], []
    for i, polygon in enumerate(inner):
        count = int(np.clip(round(9 + 2.2 * areas_km2[i]), 9, 60))
        rural = geo.urban[i] < 0.3
        # In the country most streets are in the villages, a few out along the lanes.
        near = rng.random(count) < (0.75 if rural else 0.0)
        points = np.vstack([
            random_points_in(rng, polygon, int(near.sum()), near=geo.seeds[i], spread_m=450.0),
            random_points_in(rng, polygon, int((~near).sum())),
        ])
        xs.append(points[:, 0])
        ys.append(points[:, 1])
        owners.append(np.full(len(points), i))
    easting, northing = np.concatenate(xs), np.concatenate(ys)
    lsoa = np.concatenate(owners)
    centre = np.zeros(len(easting))
    for town in geo.towns:
        r2 = (easting - town.easting) ** 2 + (northing - town.northing) ** 2
        centre = np.maximum(centre, town_centre_closeness(r2, town))
    for k in range(len(easting)):
        if centre[k] > 0.3 and rng.random() < 0.45:
            labels.append(f"On or near {rng.choice(TOWN_CENTRE_PLACES)}")
        else:
            labels.append(f"On or near {street_name(rng)}")
    hot = rng.lognormal(0.0, 0.9, len(easting))
    return SnapPoints(easting, northing, lsoa, labels, centre, hot)


def build_incidents(rng: np.random.Generator, geo: Geography, dep: Deprivation,
                    snaps: SnapPoints, last_month: date) -> list[dict]:
    months = month_list(last_month)
    month_numbers = np.array([m.month for m in months])
    population = dep.population[snaps.lsoa]
    points_in_lsoa = np.bincount(snaps.lsoa)[snaps.lsoa]
    z = np.clip(dep.z, -2.5, 3.5)[snaps.lsoa]
    urban = geo.urban[snaps.lsoa]
    inner = geo.eroded(5.0)
    rows: list[dict] = []
    for cat in CATEGORIES:
        intensity = (population / points_in_lsoa) * np.exp(
            cat.deprived * z + cat.centre * snaps.centre + cat.urban * urban) * snaps.hot
        p = intensity / intensity.sum()
        season = 1 + cat.seasonality * np.cos(2 * np.pi * (month_numbers - cat.peak_month) / 12)
        if cat.name == "Deliberate secondary fire":
            season = season + 0.8 * (month_numbers == 11)  # Bonfire Night
        expected = cat.total * season / season.sum()
        counts = rng.poisson(expected)
        month_index = np.repeat(np.arange(MONTHS), counts)
        where = rng.choice(len(p), size=len(month_index), p=p)
        if cat.source == "police":
            rows.extend(_police_rows(rng, cat, months, month_index, where, snaps, geo))
        else:
            rows.extend(_fire_rows(rng, cat, months, month_index, where, snaps, geo, inner))
    return rows


def _police_rows(rng, cat: Category, months, month_index, where, snaps, geo) -> list[dict]:
    outcomes = [o for o, _ in POLICE_OUTCOMES]
    shares = np.array([s for _, s in POLICE_OUTCOMES])
    picked = rng.choice(len(outcomes), size=len(where), p=shares / shares.sum())
    ids = rng.integers(0, 2**63, size=(len(where), 4), dtype=np.int64)
    rows = []
    for k, (m, s) in enumerate(zip(month_index, where, strict=True)):
        lsoa = int(snaps.lsoa[s])
        asb = cat.name == "Anti-social behaviour"
        # Recent crimes are still open, as on police.uk.
        outcome = "" if asb else ("Under investigation" if m >= MONTHS - 2 and rng.random() < 0.6
                                  else outcomes[picked[k]])
        rows.append({
            "source": "police",
            "category": cat.name,
            "month": months[m],
            "occurred_at": None,
            "reference": "" if asb else hashlib.sha256(ids[k].tobytes()).hexdigest(),
            "easting": float(snaps.easting[s]),
            "northing": float(snaps.northing[s]),
            "location": snaps.label[s],
            "reported_lsoa_code": geo.lsoa_codes[lsoa],
            "lsoa_code": geo.lsoa_codes[lsoa],
            "outcome": outcome,
            "property_type": "",
            "deliberate": None,
            "reported_by": POLICE_FORCE,
        })
    return rows


def _fire_rows(rng, cat: Category, months, month_index, where, snaps, geo, inner) -> list[dict]:
    # Fire services record where it happened, near an address: a few tens of metres from
    # the snap point, kept inside its LSOA.
    e = np.round(snaps.easting[where] + rng.normal(0, 40, len(where)))
    n = np.round(snaps.northing[where] + rng.normal(0, 40, len(where)))
    lsoa = snaps.lsoa[where]
    inside = shapely.contains_xy(inner[lsoa], e, n)
    e = np.where(inside, e, snaps.easting[where])
    n = np.where(inside, n, snaps.northing[where])
    options = FIRE_PROPERTY[cat.name]
    shares = np.array([s for _, s in options])
    prop = rng.choice(len(options), size=len(where), p=shares / shares.sum())
    # Deliberate fires and hoax calls come in the afternoon and evening.
    evening = cat.name != "Accidental dwelling fire"
    hours = (rng.normal(18.5, 3.5, len(where)) if evening
             else rng.uniform(0, 24, len(where))) % 24
    rows = []
    for k, m in enumerate(month_index):
        month = months[m]
        days = (date(month.year + month.month // 12, month.month % 12 + 1, 1) - month).days
        when = datetime(month.year, month.month, 1, tzinfo=LONDON) + timedelta(
            days=int(rng.integers(0, days)), minutes=int(hours[k] * 60))
        rows.append({
            "source": "fire",
            "category": cat.name,
            "month": month,
            "occurred_at": when,
            "reference": "",  # numbered after all are made, in time order
            "easting": float(e[k]),
            "northing": float(n[k]),
            "location": snaps.label[where[k]].removeprefix("On or near "),
            "reported_lsoa_code": "",
            "lsoa_code": geo.lsoa_codes[int(lsoa[k])],
            "outcome": "",
            "property_type": options[prop[k]][0],
            "deliberate": None if cat.name == "Malicious false alarm"
            else cat.name.startswith("Deliberate"),
            "reported_by": FIRE_SERVICE,
        })
    return rows


def number_fire_incidents(rows: list[dict]) -> None:
    """Give fire incidents references like a fire service's incident numbers: in time order."""
    fires = sorted((r for r in rows if r["source"] == "fire"), key=lambda r: r["occurred_at"])
    per_year: dict[int, int] = {}
    for r in fires:
        year = r["occurred_at"].year
        per_year[year] = per_year.get(year, 0) + 1
        r["reference"] = f"MFRS-{year}-{per_year[year]:05d}"


DWELLING_FIRES = "dwelling fires"


def build_area_rates(rng: np.random.Generator, dep: Deprivation, codes: list[str]) -> list[dict]:
    """Fictional dwelling fires per LSOA, as sources that publish only per area give them (the
    Home Office low-level fire statistics): a three-year average a year and per 1,000 people,
    higher where deprivation is higher (about 0.5 per 1,000 in the most comfortable tenth of
    the county, twice that in the most deprived), with some noise of each area's own."""
    rate = 0.85 * np.exp(0.3 * dep.z + rng.normal(0, 0.2, len(dep.z)))
    count = rate * dep.population / 1000
    return [{"measure": DWELLING_FIRES, "level": "lsoa", "area_code": code,
             "count": round(float(c), 2), "rate_per_1000": round(float(r), 3),
             "period": "three-year average"}
            for code, c, r in zip(codes, count, rate, strict=True)]
