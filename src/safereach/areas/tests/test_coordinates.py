"""Coordinates in both systems, and the checks that catch impossible ones."""

import numpy as np
import pytest

from safereach.areas.coordinates import bng_problems, lonlat_problems, to_bng, to_wgs84


def test_round_trip_between_wgs84_and_the_national_grid():
    # GIAS gives Tanglewood Nursery School, Chelmsford, as E 569550, N 208482.
    lon, lat = to_wgs84([569_550], [208_482])
    assert lon[0] == pytest.approx(0.454764, abs=1e-5)
    assert lat[0] == pytest.approx(51.749376, abs=1e-5)
    e, n = to_bng(lon, lat)
    assert e[0] == pytest.approx(569_550, abs=0.01) and n[0] == pytest.approx(208_482, abs=0.01)


def test_lonlat_checks_name_outside_and_swapped_points_and_allow_missing_ones():
    lon = np.array([0.45, 2.35, 51.7, np.nan])
    lat = np.array([51.7, 48.85, 0.45, np.nan])
    problems = dict(lonlat_problems(lon, lat))
    assert set(problems) == {1, 2}
    assert "outside Great Britain" in problems[1]
    assert "look swapped" in problems[2]


def test_grid_checks_catch_degrees_in_grid_columns_and_points_off_the_grid():
    easting = np.array([569_550, 0.47, 800_000, np.nan])
    northing = np.array([208_482, 51.73, 200_000, np.nan])
    problems = dict(bng_problems(easting, northing))
    assert set(problems) == {1, 2}
    assert "look like degrees" in problems[1]
    assert "outside Great Britain's national grid" in problems[2]
