"""The demo county's geography, in British National Grid metres.

A county outline; a city and four towns where LSOAs are small and dense, villages in the
countryside between; LSOAs as the Voronoi cells of seed points clipped to the outline (so they
tile the county without gaps or overlaps); wards grown from adjacent LSOAs and districts grown
from adjacent wards, so every level nests exactly in the one above.
"""

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Polygon

from safereach.demo.names import FICTIONAL, NamePool

# Inland England, between the Midlands cities: every coordinate is well inside Great Britain.
CENTRE = (438_000.0, 292_000.0)
RADIUS = 24_000.0
N_LSOAS = 350
N_WARDS = 40
N_VILLAGES = 24
VILLAGE_WEIGHT = 0.8  # a village holds most of one LSOA's people
GRID_M = 1.0  # boundaries are snapped to a 1 m grid so every shared edge is exactly shared


@dataclass(frozen=True)
class TownPlan:
    name: str
    district: str
    offset: tuple[float, float]  # from the county centre, in county radii
    lsoas: int  # LSOAs the town's population fills
    spread_m: float  # standard deviation of its LSOA seeds around the centre
    deprived_pockets: int  # estates where deprivation clusters
    district_share: float  # the district's share of the county's LSOAs


TOWN_PLANS = [
    TownPlan("Wexbury", "Wexbury", (-0.06, 0.05), 115, 2300.0, 4, 0.30),
    TownPlan("Fenmarket", "Fenmarket", (0.56, 0.40), 42, 1400.0, 3, 0.175),
    TownPlan("Hollinford", "Hollinford Vale", (0.50, -0.48), 34, 1250.0, 2, 0.175),
    TownPlan("Calderstow", "Calderstow", (-0.60, -0.36), 28, 1100.0, 2, 0.175),
    TownPlan("Brackenham", "Brackenham and the Wolds", (-0.46, 0.58), 22, 1000.0, 1, 0.175),
]


@dataclass
class Town:
    name: str
    district_name: str
    easting: float
    northing: float
    spread_m: float
    lsoas: int
    deprived_pockets: int
    district_share: float
    is_city: bool


@dataclass
class Village:
    name: str
    easting: float
    northing: float


@dataclass
class Geography:
    """Everything the rest of the county is placed on. Arrays are indexed by LSOA."""

    outline: Polygon
    towns: list[Town]
    villages: list[Village]
    seeds: np.ndarray  # (n, 2) LSOA seed points: where each LSOA's people mostly live
    lsoa_polygons: np.ndarray  # shapely polygons, BNG
    lsoa_ward: np.ndarray  # ward index of each LSOA
    ward_district: np.ndarray  # district index of each ward
    ward_polygons: np.ndarray
    district_polygons: np.ndarray
    neighbours: list[np.ndarray]  # LSOAs sharing an edge with each LSOA
    urban: np.ndarray  # 0 (open country) … 1 (town core)
    town_centre: np.ndarray  # 0 … 1: closeness to the nearest town centre, by town size
    nearest_town: np.ndarray  # index into towns
    lsoa_codes: list[str] = field(default_factory=list)
    lsoa_names: list[str] = field(default_factory=list)
    ward_codes: list[str] = field(default_factory=list)
    ward_names: list[str] = field(default_factory=list)
    district_codes: list[str] = field(default_factory=list)
    district_names: list[str] = field(default_factory=list)

    @property
    def lsoa_district(self) -> np.ndarray:
        return self.ward_district[self.lsoa_ward]

    def eroded(self, metres: float) -> np.ndarray:
        """LSOA polygons shrunk by `metres`: points drawn inside stay inside after rounding."""
        inner = shapely.buffer(self.lsoa_polygons, -metres)
        return np.where(shapely.is_empty(inner), self.lsoa_polygons, inner)

    def settlement_near(self, easting: float, northing: float) -> str:
        """The name of the town or village nearest a point."""
        best, best_d = "", np.inf
        for place in [*self.towns, *self.villages]:
            d = np.hypot(place.easting - easting, place.northing - northing)
            if isinstance(place, Town):
                d -= 2.0 * place.spread_m  # a town reaches further than its centre
            if d < best_d:
                best, best_d = place.name, d
        return best


def build_geography(rng: np.random.Generator, names: NamePool) -> Geography:
    outline = _outline(rng)
    towns = _towns(rng, outline)
    for town in towns:
        names.take(town.name)
    villages = _villages(rng, outline, towns, names)
    seeds = _lsoa_seeds(rng, outline, towns, villages)
    polygons = _voronoi_cells(seeds, outline)
    neighbours = _neighbours(polygons)
    urban, centre, nearest = _urbanity(seeds, towns)
    lsoa_ward = _grow_wards(rng, seeds, neighbours)
    ward_neighbours = _group_neighbours(lsoa_ward, neighbours, N_WARDS)
    ward_district = _grow_districts(seeds, lsoa_ward, ward_neighbours, towns)
    ward_polygons = np.array([shapely.coverage_union_all(polygons[lsoa_ward == w])
                              for w in range(N_WARDS)])
    district_polygons = np.array([shapely.coverage_union_all(ward_polygons[ward_district == d])
                                  for d in range(len(towns))])
    geo = Geography(outline=outline, towns=towns, villages=villages, seeds=seeds,
                    lsoa_polygons=polygons, lsoa_ward=lsoa_ward, ward_district=ward_district,
                    ward_polygons=ward_polygons, district_polygons=district_polygons,
                    neighbours=neighbours, urban=urban, town_centre=centre, nearest_town=nearest)
    _name_areas(geo, names)
    return geo


def _outline(rng: np.random.Generator) -> Polygon:
    """A wobbly, slightly elongated county shape (star-shaped, so always a valid polygon)."""
    theta = np.linspace(0.0, 2 * np.pi, 480, endpoint=False)
    r = np.ones_like(theta)
    for k in range(2, 40):  # broad bulges, then the smaller wiggles of rivers and parish lines
        amplitude = 0.09 * k**-1.4 * abs(rng.normal())
        r += amplitude * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    x = CENTRE[0] + RADIUS * 1.15 * r * np.cos(theta)
    y = CENTRE[1] + RADIUS * 0.90 * r * np.sin(theta)
    return shapely.set_precision(Polygon(np.column_stack([x, y])), GRID_M)


def _towns(rng: np.random.Generator, outline: Polygon) -> list[Town]:
    towns = []
    for i, plan in enumerate(TOWN_PLANS):
        e = CENTRE[0] + plan.offset[0] * RADIUS * 1.1 + rng.normal(0, 1200)
        n = CENTRE[1] + plan.offset[1] * RADIUS * 0.9 + rng.normal(0, 1200)
        # Pull the town towards the centre until its built-up area sits inside the county.
        while not outline.buffer(-2.5 * plan.spread_m).contains(shapely.Point(e, n)):
            e = CENTRE[0] + 0.9 * (e - CENTRE[0])
            n = CENTRE[1] + 0.9 * (n - CENTRE[1])
        towns.append(Town(plan.name, plan.district, round(e), round(n), plan.spread_m,
                          plan.lsoas, plan.deprived_pockets, plan.district_share, i == 0))
    return towns


def _villages(rng, outline, towns, names: NamePool) -> list[Village]:
    inner = outline.buffer(-1500)
    minx, miny, maxx, maxy = inner.bounds
    villages: list[Village] = []
    while len(villages) < N_VILLAGES:
        e, n = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not inner.contains(shapely.Point(e, n)):
            continue
        if any(np.hypot(t.easting - e, t.northing - n) < 2.8 * t.spread_m + 1800 for t in towns):
            continue
        if any(np.hypot(v.easting - e, v.northing - n) < 3800 for v in villages):
            continue
        villages.append(Village(names.place(), round(e), round(n)))
    return villages


def _density(points: np.ndarray, towns, villages, rural_per_m2: float) -> np.ndarray:
    """Expected LSOA seeds per m² at each point: towns, villages, and thinly between."""
    d = np.full(len(points), rural_per_m2)
    for t in towns:
        r2 = (points[:, 0] - t.easting) ** 2 + (points[:, 1] - t.northing) ** 2
        d += t.lsoas * np.exp(-r2 / (2 * t.spread_m**2)) / (2 * np.pi * t.spread_m**2)
    for v in villages:
        r2 = (points[:, 0] - v.easting) ** 2 + (points[:, 1] - v.northing) ** 2
        d += VILLAGE_WEIGHT * np.exp(-r2 / (2 * 500.0**2)) / (2 * np.pi * 500.0**2)
    return d



def _lsoa_seeds(rng, outline, towns, villages) -> np.ndarray:
    """N_LSOAS seed points: dense in towns, sparse in the country, never too close together.

    Candidates come from the mixture of towns, villages and open country; a candidate is kept
    only if it is far enough from every kept point, measured in the local spacing, so LSOAs
    come out roughly equal in population (small in towns, large in the country).
    """
    rural = N_LSOAS - sum(t.lsoas for t in towns) - VILLAGE_WEIGHT * len(villages)
    rural_per_m2 = rural / outline.area
    minx, miny, maxx, maxy = outline.bounds
    weights = np.array([t.lsoas for t in towns] + [VILLAGE_WEIGHT] * len(villages) + [rural])
    weights = weights / weights.sum()
    centres = [(t.easting, t.northing, t.spread_m) for t in towns]
    centres += [(v.easting, v.northing, 500.0) for v in villages]
    kept = np.empty((0, 2))
    kept_r = np.empty(0)
    spacing = 0.72
    tries = 0
    while len(kept) < N_LSOAS:
        comp = rng.choice(len(weights), size=4000, p=weights)
        cand = np.empty((4000, 2))
        for i, c in enumerate(comp):
            if c < len(centres):
                e, n, s = centres[c]
                cand[i] = rng.normal(e, s), rng.normal(n, s)
            else:
                cand[i] = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        inside = shapely.contains_xy(outline.buffer(-150), cand[:, 0], cand[:, 1])
        cand = cand[inside]
        radius = 1.0 / np.sqrt(_density(cand, towns, villages, rural_per_m2))
        for point, r in zip(cand, radius, strict=True):
            if len(kept):
                dist = np.hypot(kept[:, 0] - point[0], kept[:, 1] - point[1])
                if np.any(dist < spacing * (kept_r + r) / 2):
                    continue
            kept = np.vstack([kept, point])
            kept_r = np.append(kept_r, r)
            if len(kept) == N_LSOAS:
                break
        tries += 1
        if tries % 20 == 0:  # saturated somewhere: relax the spacing a little
            spacing *= 0.95
    return np.round(kept)


def _voronoi_cells(seeds: np.ndarray, outline: Polygon) -> np.ndarray:
    cells = shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(seeds), extend_to=outline.buffer(10_000), ordered=True))
    cells = shapely.set_precision(shapely.intersection(cells, outline), GRID_M)
    # A cell cut by a bend of the outline can fall into pieces; keep the piece with its seed
    # and give the others to the neighbours they touch most, so every LSOA is one polygon.
    cells = np.array(cells)
    for i, cell in enumerate(cells):
        if shapely.get_type_id(cell) != 6:  # MultiPolygon
            continue
        parts = shapely.get_parts(cell)
        keep = next(p for p in parts if p.covers(shapely.Point(seeds[i])))
        cells[i] = keep
        for part in parts:
            if part is keep:
                continue
            shared = [shapely.length(shapely.intersection(part.boundary, cells[j].boundary))
                      if j != i else 0.0 for j in range(len(cells))]
            j = int(np.argmax(shared))
            cells[j] = shapely.set_precision(shapely.union(cells[j], part), GRID_M)
    return cells


def _neighbours(polygons: np.ndarray) -> list[np.ndarray]:
    tree = shapely.STRtree(polygons)
    left, right = tree.query(polygons, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(polygons[left]),
                                                 shapely.boundary(polygons[right])))
    edge = shared > 1.0  # touching at a corner is not a shared border
    result: list[list[int]] = [[] for _ in polygons]
    for a, b in zip(left[edge], right[edge], strict=True):
        result[a].append(int(b))
        result[b].append(int(a))
    return [np.array(sorted(r), dtype=int) for r in result]


def _urbanity(seeds: np.ndarray, towns: list[Town]):
    urban = np.zeros(len(seeds))
    centre = np.zeros(len(seeds))
    best = np.full(len(seeds), np.inf)
    nearest = np.zeros(len(seeds), dtype=int)
    for i, t in enumerate(towns):
        r2 = (seeds[:, 0] - t.easting) ** 2 + (seeds[:, 1] - t.northing) ** 2
        urban = np.maximum(urban, np.exp(-r2 / (2 * (1.6 * t.spread_m) ** 2)))
        centre = np.maximum(centre, town_centre_closeness(r2, t))
        scaled = np.sqrt(r2) / t.spread_m
        closer = scaled < best
        best[closer] = scaled[closer]
        nearest[closer] = i
    return urban, centre, nearest


def town_centre_closeness(r2: np.ndarray, town: Town) -> np.ndarray:
    """1 at a town's centre, falling off over its high street (wider in the city)."""
    reach = 0.22 * town.spread_m + 250.0
    size = 1.0 if town.is_city else 0.55 + 0.45 * town.lsoas / 50.0
    return size * np.exp(-r2 / (2 * reach**2))


def _kmeans(rng, points: np.ndarray, k: int, iterations: int = 25) -> np.ndarray:
    centres = points[rng.choice(len(points), size=1)]
    while len(centres) < k:  # k-means++ start
        d2 = np.min(((points[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
        centres = np.vstack([centres, points[rng.choice(len(points), p=d2 / d2.sum())]])
    for _ in range(iterations):
        label = np.argmin(((points[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
        for j in range(k):
            if np.any(label == j):
                centres[j] = points[label == j].mean(axis=0)
    return centres


def _grow(targets: np.ndarray, sizes: np.ndarray, starts: list[int], neighbours,
          distance) -> np.ndarray:
    """Grow contiguous groups from their seed items over the adjacency graph.

    At each step the group furthest below its target size takes the unassigned neighbour
    nearest its centre; groups are contiguous by construction.
    """
    group = np.full(len(sizes), -1)
    size = np.zeros(len(starts))
    for g, item in enumerate(starts):
        group[item] = g
        size[g] = sizes[item]
    while np.any(group < 0):
        order = np.lexsort((np.arange(len(size)), size / targets))
        for g in order:
            members = np.flatnonzero(group == g)
            frontier = {int(n) for m in members for n in neighbours[m] if group[n] < 0}
            if not frontier:
                continue
            cands = np.array(sorted(frontier))
            pick = cands[np.argmin(distance(g, cands))]
            group[pick] = g
            size[g] += sizes[pick]
            break
        else:  # unreachable items (should not happen): join the nearest group
            for item in np.flatnonzero(group < 0):
                group[item] = int(np.argmin([distance(g, np.array([item]))[0]
                                             for g in range(len(size))]))
    return group


def _grow_wards(rng, seeds: np.ndarray, neighbours) -> np.ndarray:
    centres = _kmeans(rng, seeds, N_WARDS)
    starts: list[int] = []
    for c in centres:
        d = np.hypot(*(seeds - c).T)
        d[starts] = np.inf
        starts.append(int(np.argmin(d)))
    def distance(g, items):
        return np.hypot(*(seeds[items] - centres[g]).T)

    return _grow(np.ones(N_WARDS), np.ones(len(seeds)), starts, neighbours, distance)


def _group_neighbours(groups: np.ndarray, neighbours, n_groups: int) -> list[np.ndarray]:
    result: list[set[int]] = [set() for _ in range(n_groups)]
    for item, ns in enumerate(neighbours):
        for n in ns:
            if groups[n] != groups[item]:
                result[groups[item]].add(int(groups[n]))
    return [np.array(sorted(r), dtype=int) for r in result]


def _grow_districts(seeds, lsoa_ward, ward_neighbours, towns) -> np.ndarray:
    n_wards = len(ward_neighbours)
    ward_centre = np.array([seeds[lsoa_ward == w].mean(axis=0) for w in range(n_wards)])
    ward_size = np.bincount(lsoa_ward, minlength=n_wards).astype(float)
    starts: list[int] = []
    for t in towns:
        d = np.hypot(ward_centre[:, 0] - t.easting, ward_centre[:, 1] - t.northing)
        d[starts] = np.inf
        starts.append(int(np.argmin(d)))
    shares = np.array([t.district_share for t in towns])

    def distance(g, items):
        t = towns[g]
        return np.hypot(ward_centre[items, 0] - t.easting, ward_centre[items, 1] - t.northing)

    return _grow(shares, ward_size, starts, ward_neighbours, distance)


def _name_areas(geo: Geography, names: NamePool) -> None:
    n_districts = len(geo.towns)
    # Districts: named after their towns; codes in alphabetical order, as ONS does.
    short = [t.district_name for t in geo.towns]
    d_order = sorted(range(n_districts), key=lambda d: short[d])
    geo.district_codes = [""] * n_districts
    for rank, d in enumerate(d_order, start=1):
        geo.district_codes[d] = f"X07{rank:06d}"
    geo.district_names = [f"{s} {FICTIONAL}" for s in short]

    # Wards: the town centre ward is "<Town> Central"; other town wards get neighbourhood
    # names; country wards take the names of the villages in them.
    ward_names = []
    used_villages: set[str] = set()
    for w, poly in enumerate(geo.ward_polygons):
        members = np.flatnonzero(geo.lsoa_ward == w)
        town_i = np.bincount(geo.nearest_town[members]).argmax()
        town = geo.towns[town_i]
        if poly.contains(shapely.Point(town.easting, town.northing)):
            ward_names.append(f"{town.name} Central")
            continue
        if geo.urban[members].mean() > 0.35:
            ward_names.append(names.neighbourhood())
            continue
        inside = [v.name for v in geo.villages if v.name not in used_villages
                  and poly.contains(shapely.Point(v.easting, v.northing))]
        used_villages.update(inside[:2])
        if len(inside) >= 2:
            ward_names.append(f"{inside[0]} and {inside[1]}")
        elif inside:
            ward_names.append(inside[0])
        else:
            ward_names.append(names.place())
    geo.ward_names = ward_names

    # Ward codes by district, then name.
    w_order = sorted(range(N_WARDS), key=lambda w: (geo.district_codes[geo.ward_district[w]],
                                                    ward_names[w]))
    geo.ward_codes = [""] * N_WARDS
    for rank, w in enumerate(w_order, start=1):
        geo.ward_codes[w] = f"X05{rank:06d}"

    # LSOA names follow the ONS pattern "<district> 004B": a number per ward within the
    # district counted from north to south, a letter per LSOA within the ward.
    lsoa_names = [""] * len(geo.seeds)
    for d in range(n_districts):
        wards = np.flatnonzero(geo.ward_district == d)
        north = [geo.seeds[geo.lsoa_ward == w][:, 1].mean() for w in wards]
        for number, w in enumerate(wards[np.argsort(-np.array(north), kind="stable")], start=1):
            members = np.flatnonzero(geo.lsoa_ward == w)
            members = members[np.argsort(-geo.seeds[members, 1], kind="stable")]
            for j, m in enumerate(members):
                lsoa_names[m] = f"{short[d]} {number:03d}{_letters(j)}"
    geo.lsoa_names = lsoa_names
    l_order = sorted(range(len(lsoa_names)), key=lambda i: lsoa_names[i])
    geo.lsoa_codes = [""] * len(lsoa_names)
    for rank, i in enumerate(l_order, start=1):
        geo.lsoa_codes[i] = f"X01{rank:06d}"


def _letters(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def random_points_in(rng: np.random.Generator, polygon, n: int, near=None,
                     spread_m: float = 600.0) -> np.ndarray:
    """`n` points inside `polygon`, rounded to whole metres: spread evenly, or gathered
    normally around `near` (where people live) when it is given.

    Pass an eroded polygon so that rounding, and the move to WGS84, cannot carry a point
    across the border.
    """
    shapely.prepare(polygon)
    minx, miny, maxx, maxy = polygon.bounds
    found = np.empty((0, 2))
    attempts = 0
    while len(found) < n:
        k = max(4 * (n - len(found)), 16)
        if near is not None and attempts < 30:
            x, y = rng.normal(near[0], spread_m, k), rng.normal(near[1], spread_m, k)
        else:
            x, y = rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)
        x, y = np.round(x), np.round(y)
        inside = shapely.contains_xy(polygon, x, y)
        found = np.vstack([found, np.column_stack([x[inside], y[inside]])])
        attempts += 1
    return found[:n]
