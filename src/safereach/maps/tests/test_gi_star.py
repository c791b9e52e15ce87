"""Gi* hot and cold spots against an independent computation on the same grid."""

import numpy as np
import pytest
from libpysal.weights import lat2W
from scipy.stats import false_discovery_control, norm

from safereach.maps.gi_star import gi_star, queen_neighbours


def _grid(rows, cols):
    r, c = np.divmod(np.arange(rows * cols), cols)
    return c, r  # cols, rows in lat2W's order (row-major)


def _gi_star_by_hand(y, neighbours):
    """Getis and Ord (1995), eq. for Gi*: sum over the cell and its neighbours against the mean."""
    n = len(y)
    mean, s = y.mean(), np.sqrt((y**2).mean() - y.mean() ** 2)
    z = np.empty(n)
    for i in range(n):
        members = [i] + neighbours[i]
        w = len(members)
        z[i] = (y[members].sum() - mean * w) / (s * np.sqrt((n * w - w * w) / (n - 1)))
    return z


def test_z_scores_match_esda_and_the_formula():
    import esda

    rng = np.random.default_rng(1)
    cols, rows = _grid(12, 15)
    y = rng.poisson(3, len(cols)).astype(float)
    y[(cols - 5) ** 2 + (rows - 6) ** 2 < 5] += 12
    found = gi_star(y, cols, rows)
    reference = esda.G_Local(y, lat2W(12, 15, rook=False), transform="B", star=True, permutations=0)
    assert np.allclose(found.z, reference.Zs)
    assert np.allclose(found.z, _gi_star_by_hand(y, queen_neighbours(cols, rows)))


def test_bins_are_benjamini_hochberg_at_each_confidence_level():
    rng = np.random.default_rng(2)
    cols, rows = _grid(20, 20)
    y = rng.poisson(5, len(cols)).astype(float)
    y[(cols < 5) & (rows < 5)] += 15  # a hot corner
    y[(cols > 13) & (rows > 13)] = 0  # a cold one
    found = gi_star(y, cols, rows)
    p = 2 * norm.sf(np.abs(found.z))
    q = false_discovery_control(p, method="bh")
    expected = np.sign(found.z) * np.select([q <= 0.01, q <= 0.05, q <= 0.10], [3, 2, 1], 0)
    assert np.array_equal(found.bin, expected)
    assert found.bin[(cols < 4) & (rows < 4)].min() == 3
    assert found.bin[(cols > 14) & (rows > 14) & (cols < 19) & (rows < 19)].max() < 0
    assert (found.bin == 0).sum() > 300


def test_only_the_cells_given_are_neighbours():
    cols = np.array([0, 1, 2, 5])
    rows = np.array([0, 1, 0, 5])
    assert queen_neighbours(cols, rows) == {0: [1], 1: [0, 2], 2: [1], 3: []}


@pytest.mark.parametrize("counts", [np.zeros(16), np.full(16, 3.0), np.arange(4.0)])
def test_nothing_to_compare_is_no_hot_spot(counts):
    cols, rows = _grid(4, 4) if len(counts) == 16 else _grid(2, 2)
    found = gi_star(counts, cols, rows)
    assert not found.bin.any()
