"""Which area contains each point: vectorised point-in-polygon over loaded boundaries."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db.models import Q

from safereach.areas.models import Area

_reused: ContextVar[dict | None] = ContextVar("reused_locators", default=None)


@contextmanager
def reuse_locators():
    """Within this block, boundaries are read and indexed once per level and vintage.
    Whoever changes boundaries inside it calls `forget_locators()`."""
    token = _reused.set({})
    try:
        yield
    finally:
        _reused.reset(token)


def forget_locators() -> None:
    """Boundaries have changed: the next lookup reads them afresh."""
    cache = _reused.get()
    if cache is not None:
        cache.clear()


@dataclass
class AreaLocator:
    """Polygons of one level and vintage, indexed for bulk point-in-polygon queries."""

    ids: np.ndarray
    codes: list[str]
    tree: shapely.STRtree
    # Points answered before, as sorted complex lon + i·lat, and their areas: police.uk
    # reuses the same snap points month after month, so most of a load is already known.
    seen: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=complex))
    seen_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    @classmethod
    def for_level(cls, level: str, vintage: int | None = None) -> "AreaLocator | None":
        """The locator for the boundaries loaded now. Inside `reuse_locators()` it is built
        once: a load of sixteen months of crime parses the polygons once, not sixteen times."""
        cache = _reused.get()
        if cache is not None and (level, vintage) in cache:
            return cache[(level, vintage)]
        # Real data is never placed in the fictional demo county, which lies in real grid space.
        areas = Area.objects.filter(level=level, is_fictional=False).exclude(geometry="")
        if vintage is not None:
            # Every area published in that year's set, including those unchanged since an
            # earlier one (which keep their first year's code).
            areas = areas.filter(Q(vintage=vintage) | Q(vintage__lt=vintage, last_vintage__gte=vintage))
        locator = cls._build(areas)
        if cache is not None:
            cache[(level, vintage)] = locator
        return locator

    @classmethod
    def _build(cls, areas) -> "AreaLocator | None":
        rows = list(areas.values_list("id", "code", "geometry"))
        if not rows:
            return None
        ids, codes, geojson = zip(*rows)
        polygons = shapely.from_geojson(list(geojson))
        return cls(ids=np.array(ids, dtype=np.int64), codes=list(codes),
                   tree=shapely.STRtree(polygons))

    def locate(self, lon, lat) -> np.ndarray:
        """Area id for each WGS84 point, or -1 where no polygon contains it (or no location).

        A point on a shared edge belongs to whichever polygon the index lists first, so
        the answer is stable between runs.
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        found = np.full(lon.shape, -1, dtype=np.int64)
        present = np.flatnonzero(~(np.isnan(lon) | np.isnan(lat)))
        if present.size == 0:
            return found
        # Sources often repeat locations (police.uk snaps crimes to a few thousand points per
        # force), so each distinct point is tested once.
        # (As complex numbers: np.unique over rows of an array is several times slower.)
        unique, inverse = np.unique(lon[present] + 1j * lat[present], return_inverse=True)
        at = np.minimum(np.searchsorted(self.seen, unique), max(len(self.seen) - 1, 0))
        known = (self.seen[at] == unique) if len(self.seen) else np.zeros(len(unique), bool)
        per_point = np.full(len(unique), -1, dtype=np.int64)
        per_point[known] = self.seen_ids[at[known]]
        new = unique[~known]
        if len(new):
            point_idx, poly_idx = self.tree.query(shapely.points(new.real, new.imag),
                                                  predicate="intersects")
            new_ids = np.full(len(new), -1, dtype=np.int64)
            # Keep the first polygon per point: reverse so earlier pairs overwrite later ones.
            new_ids[point_idx[::-1]] = self.ids[poly_idx[::-1]]
            per_point[~known] = new_ids
            order = np.argsort(np.concatenate([self.seen, new]))
            self.seen = np.concatenate([self.seen, new])[order]
            self.seen_ids = np.concatenate([self.seen_ids, new_ids])[order]
        found[present] = per_point[inverse.ravel()]
        return found


def locate_lsoas(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """(LSOA 2011 id, LSOA 2021 id) for each point; -1 where none is loaded or none contains it.

    Both vintages are kept because sources disagree: IMD 2019 uses 2011 LSOAs, police.uk
    from 2024 uses 2021 LSOAs, and only the location tells where a point really is.
    """
    lon = np.asarray(lon, dtype=float)
    result = []
    for vintage in (2011, 2021):
        locator = AreaLocator.for_level(Area.Level.LSOA, vintage)
        result.append(locator.locate(lon, lat) if locator else np.full(lon.shape, -1, np.int64))
    return result[0], result[1]
