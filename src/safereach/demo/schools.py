"""Schools of the demo county, shaped like rows of DfE's Get Information About Schools.

Phases, establishment types and type groups use GIAS's own words, so code that works on the
demo works on real data: special schools and pupil referral units have the phase "Not
applicable" in GIAS and are told apart by their type. Primary schools follow the children,
secondary schools are spread out, and % free school meals follows the deprivation (IDACI) of
the neighbourhood a school serves.
"""

from dataclasses import dataclass

import numpy as np

from safereach.demo.deprivation import Deprivation
from safereach.demo.geography import Geography, random_points_in
from safereach.demo.names import COUNTY_NAME, FICTIONAL, SAINTS, NamePool

LA_CODE = "990"  # no real local authority uses it
LA_NAME = f"{COUNTY_NAME} {FICTIONAL}"
URN_RANGE = (900_000, 999_999)  # far above every URN GIAS has issued

LA = "Local authority maintained schools"
ACADEMIES = "Academies"
FREE = "Free Schools"
SPECIAL = "Special schools"


@dataclass(frozen=True)
class Kind:
    key: str
    phase: str
    count: int
    types: tuple[tuple[str, str, float], ...]  # (type of establishment, type group, share)
    ages: tuple[tuple[int, int, float], ...]  # (low, high, share)
    pupils: tuple[int, int]
    fsm_reach_m: float  # how far the neighbourhood a school serves reaches
    fsm_extra: float  # special schools and AP serve more disadvantaged children


KINDS = [
    Kind("nursery", "Nursery", 8, (("Local authority nursery school", LA, 1.0),),
         ((2, 5, 1.0),), (45, 140), 800, 0.0),
    Kind("primary", "Primary", 221, (
        ("Community school", LA, 0.34), ("Academy converter", ACADEMIES, 0.24),
        ("Voluntary controlled school", LA, 0.12), ("Voluntary aided school", LA, 0.12),
        ("Academy sponsor led", ACADEMIES, 0.09), ("Foundation school", LA, 0.05),
        ("Free schools", FREE, 0.04)),
        ((4, 11, 0.84), (4, 7, 0.08), (7, 11, 0.08)), (30, 650), 1000, 0.0),
    Kind("middle-primary", "Middle deemed primary", 1,
         (("Community school", LA, 0.6), ("Academy converter", ACADEMIES, 0.4)),
         ((8, 12, 1.0),), (280, 520), 2500, 0.0),
    Kind("middle-secondary", "Middle deemed secondary", 2,
         (("Academy converter", ACADEMIES, 0.7), ("Community school", LA, 0.3)),
         ((9, 13, 1.0),), (350, 650), 3000, 0.0),
    Kind("secondary", "Secondary", 40, (
        ("Academy converter", ACADEMIES, 0.45), ("Academy sponsor led", ACADEMIES, 0.25),
        ("Community school", LA, 0.10), ("Voluntary aided school", LA, 0.08),
        ("Foundation school", LA, 0.05), ("Free schools", FREE, 0.07)),
        ((11, 18, 0.6), (11, 16, 0.4)), (600, 1800), 3000, 0.0),
    Kind("all-through", "All-through", 3, (
        ("Academy sponsor led", ACADEMIES, 0.5), ("Free schools", FREE, 0.3),
        ("Academy converter", ACADEMIES, 0.2)),
        ((4, 18, 1.0),), (1100, 2100), 3000, 0.0),
    Kind("sixteen-plus", "16 plus", 5, (
        ("Academy 16-19 converter", ACADEMIES, 0.6), ("Free schools 16 to 19", FREE, 0.4)),
        ((16, 19, 1.0),), (250, 1400), 6000, 0.0),
    Kind("special", "Not applicable", 14, (
        ("Community special school", SPECIAL, 0.5), ("Academy special converter", SPECIAL, 0.25),
        ("Free schools special", SPECIAL, 0.15), ("Foundation special school", SPECIAL, 0.10)),
        ((3, 19, 0.4), (11, 19, 0.35), (4, 11, 0.25)), (60, 260), 6000, 0.15),
    Kind("alternative-provision", "Not applicable", 6, (
        ("Pupil referral unit", LA, 0.5),
        ("Academy alternative provision converter", ACADEMIES, 0.3),
        ("Free schools alternative provision", FREE, 0.2)),
        ((11, 16, 0.7), (5, 16, 0.3)), (15, 90), 6000, 0.25),
]

STEM_WORDS = ["Oak", "Ash", "Beech", "Elm", "Willow", "Meadow", "Hazel", "Holly", "Cherry",
              "Orchard", "Fair", "Green", "Spring", "Mill", "Rose", "Lark", "Thorn", "Maple",
              "Birch", "Church", "Castle", "Heath", "Kings", "Queens", "Rowan", "Alder"]
STEM_ENDINGS = ["field", "brook", "lands", "mead", "dale", "hill", "wood", "croft", "gate",
                "lea", "ridge", "bank"]


def build_schools(rng: np.random.Generator, geo: Geography, dep: Deprivation,
                  names: NamePool) -> list[dict]:
    urns = np.sort(rng.choice(np.arange(URN_RANGE[0], URN_RANGE[1] + 1),
                              size=sum(k.count for k in KINDS), replace=False))
    urns = rng.permutation(urns)
    inner = geo.eroded(20.0)
    schools: list[dict] = []
    for kind in KINDS:
        for lsoa in _sites(rng, kind, geo, dep):
            rural = geo.urban[lsoa] < 0.3
            e, n = random_points_in(rng, inner[lsoa], 1, near=geo.seeds[lsoa] if rural else None,
                                    spread_m=500.0)[0]
            type_name, type_group = _pick(rng, [(t[0], t[1]) for t in kind.types],
                                          [t[2] for t in kind.types])
            low, high = _pick(rng, [(a[0], a[1]) for a in kind.ages], [a[2] for a in kind.ages])
            place = geo.settlement_near(e, n)
            name = _school_name(rng, names, kind, type_name, low, high, place, geo, lsoa)
            pupils = _pupils(rng, kind, geo.urban[lsoa])
            fsm = _percent_fsm(rng, kind, geo, dep, e, n)
            schools.append({
                "urn": int(urns[len(schools)]),
                "name": name,
                "type_name": type_name,
                "type_group": type_group,
                "phase": kind.phase,
                "status": "Open",
                "low_age": low,
                "high_age": high,
                "postcode": "",
                "town": place,
                "la_code": LA_CODE,
                "la_name": LA_NAME,
                "district_code": geo.district_codes[geo.lsoa_district[lsoa]],
                "easting": float(e),
                "northing": float(n),
                "lsoa_code": geo.lsoa_codes[lsoa],
                "pupils": pupils,
                "percent_fsm": fsm,
                "need_tier": _need_tier(rng, kind, fsm),
            })
    schools.sort(key=lambda s: s["urn"])
    return schools


def _pick(rng, options, shares):
    shares = np.asarray(shares, dtype=float)
    return options[rng.choice(len(options), p=shares / shares.sum())]


def _sites(rng, kind: Kind, geo: Geography, dep: Deprivation) -> list[int]:
    """The LSOA of each school of a kind: where its pupils are, spread out as schools are."""
    n = len(geo.seeds)
    children = dep.children.astype(float)
    deprived = np.exp(0.6 * np.clip(dep.z, -2, 3))
    if kind.key == "primary":  # one per LSOA at most; villages keep their small schools
        weight = children * (1 + 0.8 * (1 - geo.urban))
        return list(rng.choice(n, size=kind.count, replace=False, p=weight / weight.sum()))
    if kind.key == "sixteen-plus":  # a sixth-form college in each town
        return [int(np.argmax(np.where(geo.nearest_town == t, geo.town_centre, -1)))
                for t in range(kind.count)]
    weight, gap_urban, gap_rural = {
        "nursery": (children * deprived * geo.urban, 1500, 8000),
        "middle-primary": (children * (1 - geo.urban) ** 2, 4000, 9000),
        "middle-secondary": (children * (1 - geo.urban) ** 2, 4000, 9000),
        "secondary": (children * (0.3 + geo.urban), 1400, 5500),
        "all-through": (children * geo.urban, 3000, 9000),
        "special": (children * (0.3 + geo.urban), 2500, 8000),
        "alternative-provision": (children * deprived * geo.urban, 2500, 9000),
    }[kind.key]
    p = weight / weight.sum()
    chosen: list[int] = []
    shrink = 1.0
    for attempt in range(1, 50_001):
        i = int(rng.choice(n, p=p))
        gap = shrink * (gap_urban + (gap_rural - gap_urban) * (1 - geo.urban[i]))
        if chosen and np.any(np.hypot(*(geo.seeds[chosen] - geo.seeds[i]).T) < gap):
            if attempt % 1000 == 0:  # crowded: let schools sit a little closer
                shrink *= 0.9
            continue
        chosen.append(i)
        if len(chosen) == kind.count:
            return chosen
    raise RuntimeError(f"could not place {kind.count} {kind.key} schools")


def _stem(rng, names: NamePool, place: str, geo: Geography, lsoa: int) -> str:
    roll = rng.random()
    if roll < 0.35:
        ward = geo.ward_names[geo.lsoa_ward[lsoa]].removesuffix(" Central")
        return ward.split(" and ")[0]
    if roll < 0.6:
        return place
    while True:
        word, ending = str(rng.choice(STEM_WORDS)), str(rng.choice(STEM_ENDINGS))
        if word[-1] != ending[0]:  # no "Milllea"
            return word + ending


def _school_name(rng, names: NamePool, kind: Kind, type_name: str, low: int, high: int,
                 place: str, geo: Geography, lsoa: int) -> str:
    for attempt in range(200):
        stem = _stem(rng, names, place, geo, lsoa)
        saint = f"St {rng.choice(SAINTS)}'s"
        if kind.key == "nursery":
            options = [f"{stem} Nursery School"]
        elif kind.key == "primary":
            level = {(4, 7): "Infant", (7, 11): "Junior"}.get((low, high), "Primary")
            options = {
                "Voluntary controlled school": [f"{stem} Church of England {level} School"],
                "Voluntary aided school": [f"{saint} Catholic {level} School",
                                           f"{saint} Church of England {level} School"],
                "Academy converter": [f"{stem} {level} School", f"{stem} {level} Academy"],
                "Academy sponsor led": [f"{stem} {level} Academy", f"{stem} Academy"],
                "Free schools": [f"{stem} {level} Free School"],
            }.get(type_name, [f"{stem} {level} School", f"{stem} Community {level} School"])
        elif kind.key.startswith("middle"):
            options = [f"{stem} Middle School"]
        elif kind.key == "secondary":
            options = {
                "Voluntary aided school": [f"{saint} Catholic High School",
                                           f"{saint} Church of England Academy"],
                "Academy converter": [f"{stem} School", f"{stem} Academy", f"{stem} High School"],
                "Academy sponsor led": [f"{stem} Academy"],
                "Free schools": [f"{stem} Free School"],
            }.get(type_name, [f"{stem} High School", f"{stem} Community College"])
        elif kind.key == "all-through":
            options = [f"{stem} All-through Academy", f"{stem} School"]
        elif kind.key == "sixteen-plus":
            options = [f"{place} Sixth Form College"]
        elif kind.key == "special":
            options = [f"{stem} School", f"{stem} Academy", f"{stem} Special School"]
        else:
            options = ([f"{place} Pupil Referral Unit"] if type_name == "Pupil referral unit"
                       else [f"{stem} Learning Centre", f"{stem} Alternative Provision Academy"])
        name = str(rng.choice(options))
        if attempt > 20:
            name = f"{name} ({place})"
        if names.take(name):
            return name
    raise RuntimeError("ran out of school names")


def _pupils(rng, kind: Kind, urban: float) -> int:
    low, high = kind.pupils
    if kind.key == "primary":  # village schools are small
        low, high = low + urban * 170, 220 + urban * (high - 220)
    return int(round(rng.uniform(low, high)))


def _percent_fsm(rng, kind: Kind, geo: Geography, dep: Deprivation, e: float, n: float):
    if kind.key in ("nursery", "sixteen-plus"):  # GIAS often has none for these
        return None
    d = np.hypot(geo.seeds[:, 0] - e, geo.seeds[:, 1] - n)
    near = d <= max(kind.fsm_reach_m, d.min())
    catchment = np.average(dep.idaci[near], weights=dep.children[near])
    share = np.clip(1.1 * catchment + kind.fsm_extra + rng.normal(0, 0.025), 0.01, 0.8)
    return round(float(share) * 100, 1)


def _need_tier(rng, kind: Kind, fsm) -> int | None:
    """The school's own view of its pupils' need; about a third have not said yet."""
    if kind.key in ("special", "alternative-provision"):
        return 3
    if fsm is None or rng.random() < 0.35:
        return None
    tier = 1 if fsm < 15 else 2 if fsm < 32 else 3
    if rng.random() < 0.2:
        tier = int(np.clip(tier + rng.choice([-1, 1]), 1, 3))
    return tier
