"""Indicators per school, computed over arrays in British National Grid metres.

Every function here takes plain numpy arrays and knows nothing of Django, so it can be tested
on small hand-made cases and benchmarked at national size. Distances come from
scipy.spatial.cKDTree: pairs of (school, thing) within a radius are found in C, and the sums
per school are `np.bincount`s over those pairs, never a Python loop over schools × incidents.
"""

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

# How many incidents the pairs of one pass may cover: bounds memory at national size
# (a month of national crime at once is about 6 million pairs, 150 MB).
CHUNK = 400_000

PRIMARY = "primary"
SECONDARY = "secondary"
OTHER = "special and other"
PHASE_GROUPS = (PRIMARY, SECONDARY, OTHER)

# GIAS "PhaseOfEducation (name)" values, grouped as prevention teams plan sessions.
_PHASE_GROUP = {
    "nursery": PRIMARY,
    "primary": PRIMARY,
    "middle deemed primary": PRIMARY,
    "secondary": SECONDARY,
    "middle deemed secondary": SECONDARY,
    "all-through": SECONDARY,
    "primary and secondary": SECONDARY,
    "16 plus": SECONDARY,
}


def phase_group(phase: str) -> str:
    """The planning group of a GIAS phase: primary, secondary, or special and other."""
    return _PHASE_GROUP.get((phase or "").strip().lower(), OTHER)


def month_index(year: int, month: int) -> int:
    """Months as consecutive integers, so windows are simple ranges."""
    return year * 12 + (month - 1)


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _pairs(tree: cKDTree, points: np.ndarray, max_radius: float):
    """(school index, point index, distance) for every pair within max_radius."""
    if len(points) == 0 or tree.n == 0:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty, np.empty(0)
    other = cKDTree(points)
    found = tree.sparse_distance_matrix(other, max_radius, output_type="ndarray")
    return found["i"].astype(np.intp), found["j"].astype(np.intp), found["v"]


@dataclass
class IncidentCounts:
    """Counts per school (rows) and category (columns) within each school's radius."""

    total: np.ndarray  # plain count over the window
    weighted: np.ndarray  # weighted by distance and age as the profile asks (= total otherwise)
    recent: np.ndarray  # later half of the window
    earlier: np.ndarray  # earlier half of the window


def incident_counts(school_xy: np.ndarray, radius: np.ndarray, incident_xy: np.ndarray,
                    incident_month: np.ndarray, incident_category: np.ndarray, n_categories: int,
                    *, until: int, window: int, distance_decay: bool = False,
                    half_life: float | None = None, chunk: int = CHUNK) -> IncidentCounts:
    """Incidents of each category within `radius[i]` metres of school i, in the `window` months
    ending with month `until` (inclusive).

    With `distance_decay` an incident counts 1 - d/r (1 at the gate, 0 at the edge); with
    `half_life` (months) an incident `half_life` months before `until` counts a half.
    """
    n = len(school_xy)
    shape = (n, n_categories)
    total = np.zeros(n * n_categories)
    weighted = np.zeros(n * n_categories)
    recent = np.zeros(n * n_categories)
    start = until - window + 1
    middle = start + window // 2  # the recent half starts here
    keep = (incident_month >= start) & (incident_month <= until)
    xy, months, cats = incident_xy[keep], incident_month[keep], incident_category[keep]
    if n == 0 or len(xy) == 0:
        zero = np.zeros(shape)
        return IncidentCounts(zero, zero.copy(), zero.copy(), zero.copy())
    if not distance_decay and not half_life:
        # Plain counts need no pairs at all: the tree counts points in each ball in C.
        # One tree per category and half of the window gives totals and the trend together.
        total, recent = total.reshape(shape), recent.reshape(shape)
        for category in np.unique(cats):
            for later in (False, True):
                chosen = (cats == category) & ((months >= middle) == later)
                if chosen.any():
                    found = cKDTree(xy[chosen]).query_ball_point(school_xy, radius, return_length=True)
                    total[:, category] += found
                    if later:
                        recent[:, category] += found
        return IncidentCounts(total, total.copy(), recent, total - recent)
    tree = cKDTree(school_xy)
    max_radius = float(np.max(radius))
    for at in range(0, len(xy), chunk):
        i, j, d = _pairs(tree, xy[at:at + chunk], max_radius)
        inside = d <= radius[i]
        i, j, d = i[inside], j[inside] + at, d[inside]
        cell = i * n_categories + cats[j]
        total += np.bincount(cell, minlength=n * n_categories)
        weight = np.ones(len(i))
        if distance_decay:
            weight *= 1.0 - d / radius[i]
        if half_life:
            weight *= 0.5 ** ((until - months[j]) / half_life)
        weighted += np.bincount(cell, weights=weight, minlength=n * n_categories)
        recent += np.bincount(cell[months[j] >= middle], minlength=n * n_categories)
    total, weighted, recent = total.reshape(shape), weighted.reshape(shape), recent.reshape(shape)
    return IncidentCounts(total, weighted, recent, total - recent)


def shrunk_trend(recent: np.ndarray, earlier: np.ndarray, prior: float = 5.0) -> np.ndarray:
    """Ratio of the recent half to the earlier half, shrunk towards 1 (no change) when counts
    are small: (recent + prior) / (earlier + prior). 2 → 3 reads as 1.14, not +50%; 200 → 300
    stays close to 1.5."""
    return (np.asarray(recent, float) + prior) / (np.asarray(earlier, float) + prior)


def catchment_mean(school_xy: np.ndarray, radius: np.ndarray, area_xy: np.ndarray,
                   area_value: np.ndarray, area_weight: np.ndarray,
                   own_area: np.ndarray) -> np.ndarray:
    """Weighted mean of area values over the areas whose centroid lies within radius[i] of
    school i, always including the school's own area (`own_area[i]`, -1 when unknown).
    Areas without a value are left out; NaN where nothing is left."""
    n = len(school_xy)
    valid = ~np.isnan(area_value)
    weight = np.where(valid, np.nan_to_num(area_weight, nan=0.0), 0.0)
    value = np.where(valid, area_value, 0.0)
    sums = np.zeros(n)
    weights = np.zeros(n)
    if len(area_xy) and n:
        i, j, d = _pairs(cKDTree(school_xy), area_xy, float(np.max(radius)))
        inside = d <= radius[i]
        # The own area is added below, once, so it is not counted twice here.
        inside &= j != own_area[i]
        i, j = i[inside], j[inside]
        sums += np.bincount(i, weights=weight[j] * value[j], minlength=n)
        weights += np.bincount(i, weights=weight[j], minlength=n)
    has_own = own_area >= 0
    own = own_area[has_own]
    sums[has_own] += weight[own] * value[own]
    weights[has_own] += weight[own]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weights > 0, sums / weights, np.nan)


def catchment_total(school_xy: np.ndarray, radius: np.ndarray, area_xy: np.ndarray,
                    area_value: np.ndarray, own_area: np.ndarray) -> np.ndarray:
    """Sum of area values (say, residents) over the areas whose centroid lies within
    radius[i] of school i, always including the school's own area; areas without a value
    count 0."""
    value = np.nan_to_num(np.asarray(area_value, float), nan=0.0)
    n = len(school_xy)
    total = np.zeros(n)
    if len(area_xy) and n:
        i, j, d = _pairs(cKDTree(school_xy), area_xy, float(np.max(radius)))
        inside = (d <= radius[i]) & (j != own_area[i])
        total += np.bincount(i[inside], weights=value[j[inside]], minlength=n)
    has_own = own_area >= 0
    total[has_own] += value[own_area[has_own]]
    return total


def area_value(own_area: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The value of each school's own area (NaN when the school has none)."""
    out = np.full(len(own_area), np.nan)
    has = own_area >= 0
    out[has] = values[own_area[has]]
    return out


def rank_to_deprivation(rank: np.ndarray, of: int) -> np.ndarray:
    """A national rank (1 = most deprived of `of`) as the share of areas in England that are
    less deprived, in per cent: rank 1 of 32,844 → 100, the median → 50."""
    rank = np.asarray(rank, float)
    return 100.0 * (of - rank) / (of - 1)


def places_within(school_xy: np.ndarray, radius: np.ndarray, place_xy: np.ndarray,
                  place_kind: np.ndarray, n_kinds: int) -> np.ndarray:
    """Places of each kind within radius[i] of school i: an array schools × kinds."""
    n = len(school_xy)
    out = np.zeros(n * n_kinds)
    if n and len(place_xy):
        i, j, d = _pairs(cKDTree(school_xy), place_xy, float(np.max(radius)))
        inside = d <= radius[i]
        out += np.bincount(i[inside] * n_kinds + place_kind[j[inside]], minlength=n * n_kinds)
    return out.reshape(n, n_kinds)


# The areas a figure published per area can reach a school through, finest first: the
# school's LSOA, the MSOA the LSOA lies in, its ward, its district.
AREA_LEVELS = ("lsoa", "msoa", "ward", "district")


def attach_by_area(school_codes: dict[str, np.ndarray], area_codes: np.ndarray,
                   area_values: np.ndarray,
                   levels: tuple[str, ...] = AREA_LEVELS) -> tuple[np.ndarray, np.ndarray]:
    """The value of each school's finest area that has one.

    `school_codes[level]` holds each school's area code at that level ('' when unknown);
    `area_codes` are distinct codes of any level with `area_values` (NaN when not published).
    Returns (value per school, NaN when none of its areas has one; index into `levels` of the
    area it came from, -1 when none). One sorted search per level, no loop over schools."""
    n = len(next(iter(school_codes.values()))) if school_codes else 0
    value = np.full(n, np.nan)
    level_used = np.full(n, -1, int)
    codes = np.asarray(area_codes, dtype=str)
    values = np.asarray(area_values, float)
    keep = ~np.isnan(values)
    codes, values = codes[keep], values[keep]
    if n == 0 or len(codes) == 0:
        return value, level_used
    order = np.argsort(codes)
    codes, values = codes[order], values[order]
    for k, level in enumerate(levels):
        if level not in school_codes:
            continue
        wanted = np.asarray(school_codes[level], dtype=str)
        at = np.clip(np.searchsorted(codes, wanted), 0, len(codes) - 1)
        found = (codes[at] == wanted) & (wanted != "") & np.isnan(value)
        value[found] = values[at[found]]
        level_used[found] = k
    return value, level_used
