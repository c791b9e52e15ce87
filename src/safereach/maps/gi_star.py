"""Hot and cold spots as ArcGIS's Hot Spot Analysis gives them: Getis-Ord Gi* on grid cells, with
false-discovery-rate control, in confidence bins of 99, 95 and 90 per cent.

Each cell's Gi* compares the incidents in it and its eight neighbours (binary queen contiguity,
the cell itself included: the "star") with the whole study area; the z-score is the analytic one
esda computes (as ArcGIS reports it), the p-value two-sided, so an unusually quiet cluster is a
cold spot just as a busy one is a hot spot. Many cells are tested at once, so the
Benjamini-Hochberg procedure is applied at each confidence level: a cell is in the 99% bin when
its adjusted p-value is at most 0.01, and so on (ArcGIS's "Apply False Discovery Rate (FDR)
Correction"). The study area is the cells covering the area viewed, not its bounding box: cells
in the sea or beyond the boundary are not counted as quiet places.

matrix/hotspots.py keeps the matrix's own one-sided, permutation-based hot spot indicator; this
module is what analysts read on the map and in the map pack.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import false_discovery_control, norm

LEVELS = ((3, 0.01), (2, 0.05), (1, 0.10))  # bin, largest FDR-adjusted p-value
BIN_NAMES = {
    3: "Hot spot, 99% confidence",
    2: "Hot spot, 95% confidence",
    1: "Hot spot, 90% confidence",
    0: "Not significant",
    -1: "Cold spot, 90% confidence",
    -2: "Cold spot, 95% confidence",
    -3: "Cold spot, 99% confidence",
}


@dataclass
class GiStar:
    """Gi* for each cell of a study area, in the order the cells were given."""

    z: np.ndarray  # Gi* z-score
    p: np.ndarray  # two-sided p-value
    q: np.ndarray  # Benjamini-Hochberg adjusted p-value
    bin: np.ndarray  # -3..3: sign × confidence level, 0 where not significant


def queen_neighbours(cols: np.ndarray, rows: np.ndarray) -> dict[int, list[int]]:
    """For each cell, the cells among those given that touch it at an edge or a corner."""
    at = {(int(c), int(r)): i for i, (c, r) in enumerate(zip(cols, rows))}
    neighbours = {}
    for i, (c, r) in enumerate(zip(cols.tolist(), rows.tolist())):
        neighbours[i] = [
            j
            for dc in (-1, 0, 1)
            for dr in (-1, 0, 1)
            if (dc or dr) and (j := at.get((c + dc, r + dr))) is not None
        ]
    return neighbours


def gi_star(counts: np.ndarray, cols: np.ndarray, rows: np.ndarray) -> GiStar:
    """Gi* of `counts` on the cells (cols, rows) of one size."""
    import esda
    from libpysal.weights import W

    counts = np.asarray(counts, dtype=float)
    n = len(counts)
    nothing = GiStar(np.zeros(n), np.ones(n), np.ones(n), np.zeros(n, dtype=int))
    # Gi* needs some variation to compare against, and enough cells for a neighbourhood.
    if n < 9 or counts.sum() == 0 or np.all(counts == counts[0]):
        return nothing
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands (cells with no neighbour) are allowed
        weights = W(queen_neighbours(np.asarray(cols), np.asarray(rows)), silence_warnings=True)
        g = esda.G_Local(counts, weights, transform="B", permutations=0, star=True)
    z = np.nan_to_num(np.asarray(g.Zs, dtype=float))
    p = 2 * norm.sf(np.abs(z))
    q = false_discovery_control(p, method="bh")
    level = np.zeros(n, dtype=int)
    for value, alpha in reversed(LEVELS):  # 90% first, then 95% and 99% overwrite
        level[q <= alpha] = value
    return GiStar(z=z, p=p, q=q, bin=(np.sign(z).astype(int) * level))
