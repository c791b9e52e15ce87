"""Coordinates: British National Grid (EPSG:27700) and WGS84 (EPSG:4326), in arrays.

Every location is stored in both systems: WGS84 for maps, BNG metres for distances and radii.
"""

from functools import cache

import numpy as np
from pyproj import Transformer

# Great Britain with its islands, generously: anything outside is a wrong coordinate, not a
# school in Scotland we failed to expect.
GB_LON = (-8.8, 2.1)
GB_LAT = (49.8, 61.0)
GB_EASTING = (0.0, 700_000.0)
GB_NORTHING = (0.0, 1_300_000.0)


@cache
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def to_bng(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitude/latitude → BNG easting/northing (metres)."""
    e, n = _transformer("EPSG:4326", "EPSG:27700").transform(
        np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    )
    return np.asarray(e, dtype=float), np.asarray(n, dtype=float)


def to_wgs84(easting, northing) -> tuple[np.ndarray, np.ndarray]:
    """BNG easting/northing (metres) → WGS84 longitude/latitude."""
    lon, lat = _transformer("EPSG:27700", "EPSG:4326").transform(
        np.asarray(easting, dtype=float), np.asarray(northing, dtype=float)
    )
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _inside(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return (values >= bounds[0]) & (values <= bounds[1])


def lonlat_problems(lon: np.ndarray, lat: np.ndarray) -> list[tuple[int, str]]:
    """(index, reason) for each WGS84 point that cannot be in Great Britain.

    NaN marks a row with no location, which is allowed and not reported here.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    present = ~(np.isnan(lon) | np.isnan(lat))
    ok = _inside(lon, GB_LON) & _inside(lat, GB_LAT)
    swapped = _inside(lat, GB_LON) & _inside(lon, GB_LAT)
    problems = []
    for i in np.flatnonzero(present & ~ok):
        if swapped[i]:
            reason = (f"latitude {lat[i]:g} and longitude {lon[i]:g} look swapped "
                      "(latitude should be about 50 to 61 in Great Britain)")
        else:
            reason = f"longitude {lon[i]:g}, latitude {lat[i]:g} is outside Great Britain"
        problems.append((int(i), reason))
    return problems


def bng_problems(easting: np.ndarray, northing: np.ndarray) -> list[tuple[int, str]]:
    """(index, reason) for each BNG point outside Great Britain's grid; NaN means no location."""
    easting = np.asarray(easting, dtype=float)
    northing = np.asarray(northing, dtype=float)
    present = ~(np.isnan(easting) | np.isnan(northing))
    # Degrees typed into grid columns (0.47, 51.73) fall inside the grid's range, but no
    # land in Great Britain lies within a few hundred metres of the grid's origin.
    looks_degrees = ((_inside(easting, GB_LON) & _inside(northing, GB_LAT))
                     | (_inside(northing, GB_LON) & _inside(easting, GB_LAT)))
    ok = _inside(easting, GB_EASTING) & _inside(northing, GB_NORTHING) & ~looks_degrees
    problems = []
    for i in np.flatnonzero(present & ~ok):
        if looks_degrees[i]:
            reason = (f"easting {easting[i]:g}, northing {northing[i]:g} look like degrees, "
                      "not British National Grid metres")
        else:
            reason = (f"easting {easting[i]:g}, northing {northing[i]:g} is outside "
                      "Great Britain's national grid")
        problems.append((int(i), reason))
    return problems
