"""Deprivation for the demo county, shaped like the English Indices of Deprivation 2019.

Each LSOA gets a latent "how deprived" value built from space: estates in parts of the towns
where deprivation clusters, a town-centre effect, a smooth county-wide field, and a little
noise of its own; the country is mostly comfortable, with a couple of poorer villages. Every
domain follows the latent value as closely as it does in the real indices (income and
employment closely, barriers to housing hardly at all). Ranks and deciles are national-style
(1 = most deprived of 32,844 LSOAs in England) and follow each measure's own score.
"""

import math
from dataclasses import dataclass

import numpy as np

from safereach.demo.geography import Geography

NATIONAL_LSOAS = 32_844

# Domain: (how closely it follows overall deprivation, score from the national z value).
DOMAINS = {
    "income": (0.95, lambda z: np.round(0.105 * np.exp(0.62 * z), 3)),
    "employment": (0.90, lambda z: np.round(0.088 * np.exp(0.55 * z), 3)),
    "education": (0.82, lambda z: np.round(15.0 * np.exp(0.80 * z), 3)),
    "health": (0.85, lambda z: np.round(0.80 * z - 0.05, 3)),
    "crime": (0.65, lambda z: np.round(0.80 * z, 3)),
    "housing": (0.15, lambda z: np.round(20.0 * np.exp(0.42 * z), 3)),
    "living_environment": (0.45, lambda z: np.round(17.0 * np.exp(0.62 * z), 3)),
}


@dataclass
class Deprivation:
    z: np.ndarray  # latent deprivation (national standard normal scale), per LSOA
    fields: list[dict]  # one dict of Deprivation model fields per LSOA
    idaci: np.ndarray
    population: np.ndarray
    children: np.ndarray


def build_deprivation(rng: np.random.Generator, geo: Geography) -> Deprivation:
    seeds = geo.seeds
    n = len(seeds)
    z = -0.9 + 0.45 * geo.urban + 0.3 * geo.town_centre
    # Estates where deprivation clusters: pockets in every town, more in the city, with
    # comfortable suburbs between them.
    for town in geo.towns:
        # Pockets spread round the town, comfortable suburbs in between.
        turn = rng.uniform(0, 2 * np.pi)
        step = 2 * np.pi / town.deprived_pockets
        for k in range(town.deprived_pockets):
            angle = turn + k * step + rng.uniform(-0.25, 0.25) * step
            dist = rng.uniform(0.5, 1.3) * town.spread_m
            width = rng.uniform(0.28, 0.42) * town.spread_m
            z += _bump(seeds, town.easting + dist * np.cos(angle),
                       town.northing + dist * np.sin(angle), width, rng.uniform(1.8, 2.5))
            angle += step / 2
            dist = rng.uniform(1.0, 1.6) * town.spread_m
            z += _bump(seeds, town.easting + dist * np.cos(angle),
                       town.northing + dist * np.sin(angle), 0.4 * town.spread_m, -0.7)
        if town.is_city:  # the inner city around the old centre
            z += _bump(seeds, town.easting + 0.25 * town.spread_m, town.northing,
                       0.3 * town.spread_m, 1.3)
    # A couple of villages that lost their pit or their factory.
    for v in rng.choice(len(geo.villages), size=2, replace=False):
        village = geo.villages[v]
        z += _bump(seeds, village.easting, village.northing, 1000.0, 0.9)
    z += 0.35 * _smooth_field(rng, seeds, geo.outline.bounds) * (0.6 + 0.4 * geo.urban)
    z += 0.30 * rng.normal(size=n)

    population = np.clip(np.round(rng.normal(1620, 230, n)), 1000, 3200).astype(int)
    domain_z = {name: rho * z + math.sqrt(1 - rho**2) * rng.normal(size=n)
                for name, (rho, _) in DOMAINS.items()}
    # Crime follows town centres as well; barriers to housing are worst far from services.
    domain_z["crime"] += 0.9 * geo.town_centre
    domain_z["housing"] += 0.9 * (1 - geo.urban) - 0.3
    domain_z["living_environment"] += 0.7 * geo.town_centre + 0.3 * (1 - geo.urban)
    idaci_z = 0.9 * domain_z["income"] + math.sqrt(1 - 0.9**2) * rng.normal(size=n)
    idaci = np.round(np.clip(0.125 * np.exp(0.66 * idaci_z), 0.005, 0.85), 3)
    child_share = np.clip(0.165 + 0.03 * idaci_z + rng.normal(0, 0.018, n), 0.08, 0.32)
    children = np.round(population * child_share).astype(int)

    imd_score = np.round(16.5 * np.exp(0.79 * z), 3)
    columns: dict[str, np.ndarray] = {
        "imd_score": imd_score,
        "imd_rank": national_ranks(z),
    }
    for name, (_, score_of) in DOMAINS.items():
        score = score_of(domain_z[name])
        columns[f"{name}_score"] = score
        columns[f"{name}_rank"] = national_ranks(domain_z[name])
    columns["idaci_score"] = idaci
    columns["idaci_rank"] = national_ranks(idaci_z)
    for name in ["imd", *DOMAINS, "idaci"]:
        columns[f"{name}_decile"] = decile(columns[f"{name}_rank"])

    district = geo.lsoa_district
    fields = []
    for i in range(n):
        row = {
            "lsoa_code": geo.lsoa_codes[i],
            "lsoa_name": geo.lsoa_names[i],
            "district_code": geo.district_codes[district[i]],
            "vintage": 2019,
        }
        for key, values in columns.items():
            row[key] = values[i].item()
        row["population"] = int(population[i])
        row["children_population"] = int(children[i])
        fields.append(row)
    return Deprivation(z=z, fields=fields, idaci=idaci, population=population, children=children)


def national_ranks(z: np.ndarray) -> np.ndarray:
    """Rank among England's LSOAs (1 = most deprived) for values on the national normal scale.

    Every score here is an increasing function of its z value, so a higher score never has
    a higher (less deprived) rank; ties are broken so that no two LSOAs share a rank.
    """
    z = np.asarray(z, dtype=float)
    p_less_deprived = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z])
    rank = np.clip(np.ceil(NATIONAL_LSOAS * (1 - p_less_deprived)), 1, NATIONAL_LSOAS)
    order = np.argsort(-z, kind="stable")
    ranks = rank[order].astype(int)
    for i in range(1, len(ranks)):  # strictly increasing down the list
        ranks[i] = max(ranks[i], ranks[i - 1] + 1)
    result = np.empty(len(z), dtype=int)
    result[order] = ranks
    return result


def decile(rank: np.ndarray) -> np.ndarray:
    """Decile 1 is the most deprived tenth of England, as in the published indices."""
    return 1 + (np.asarray(rank) - 1) * 10 // NATIONAL_LSOAS


def _bump(points: np.ndarray, e: float, n: float, width: float, height: float) -> np.ndarray:
    r2 = (points[:, 0] - e) ** 2 + (points[:, 1] - n) ** 2
    return height * np.exp(-r2 / (2 * width**2))


def _smooth_field(rng, points: np.ndarray, bounds) -> np.ndarray:
    """A smooth random surface over the county, scaled to unit spread across the LSOAs."""
    minx, miny, maxx, maxy = bounds
    field = np.zeros(len(points))
    for _ in range(40):
        e, n = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        field += rng.normal() * _bump(points, e, n, 5000.0, 1.0)
    return (field - field.mean()) / (field.std() or 1.0)
