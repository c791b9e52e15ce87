"""Statistically significant hot spots: Getis-Ord Gi* on a regular grid of cells.

Incidents are counted in square cells over the area's bounding box; Gi* (esda.G_Local, star)
compares each cell and its eight neighbours with the whole grid; the permutation reference
distribution gives a z-score and p-value per cell, and the Benjamini-Hochberg false discovery
rate keeps the share of false hot spots among those called below alpha.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import false_discovery_control, norm

# At most this many cells: Gi* with permutations takes about 1 s per 20,000 cells here, so a
# national grid gets coarser cells rather than a long wait.
MAX_CELLS = 20_000


@dataclass
class HotSpotGrid:
    x0: float
    y0: float
    cell: float
    rows: int
    cols: int
    counts: np.ndarray  # rows × cols
    z: np.ndarray  # Gi* z-score from the permutation distribution, rows × cols
    q: np.ndarray  # FDR-adjusted p-value, rows × cols
    hot: np.ndarray  # significant hot spot, rows × cols (bool)

    def cell_of(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = np.floor((xy[:, 1] - self.y0) / self.cell).astype(int)
        c = np.floor((xy[:, 0] - self.x0) / self.cell).astype(int)
        return r, c

    def in_or_beside(self, xy: np.ndarray) -> np.ndarray:
        """True for points whose cell, or one of the eight around it, is a hot spot."""
        r, c = self.cell_of(xy)
        padded = np.pad(self.hot, 1)
        near = np.zeros(len(xy), dtype=bool)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                rr = np.clip(r + 1 + dr, 0, self.rows + 1)
                cc = np.clip(c + 1 + dc, 0, self.cols + 1)
                near |= padded[rr, cc]
        return near


def grid_extent(xy: np.ndarray, cell: float, max_cells: int = MAX_CELLS):
    """Origin, cell size, rows and columns of a grid covering `xy`, coarsened to max_cells."""
    lo = xy.min(axis=0)
    hi = xy.max(axis=0)
    span = np.maximum(hi - lo, cell)
    cell = max(cell, float(np.sqrt(span[0] * span[1] / max_cells)))
    cols = int(np.floor(span[0] / cell)) + 1
    rows = int(np.floor(span[1] / cell)) + 1
    return float(lo[0]), float(lo[1]), cell, rows, cols


def hot_spots(incident_xy: np.ndarray, *, extent_xy: np.ndarray | None = None, cell: float = 500.0,
              permutations: int = 199, alpha: float = 0.05, seed: int = 0,
              max_cells: int = MAX_CELLS) -> HotSpotGrid:
    """Gi* hot spots of the incidents at `incident_xy` on a grid of `cell`-metre squares
    covering `extent_xy` (default: the incidents)."""
    import esda
    from libpysal.weights import lat2W

    extent = incident_xy if extent_xy is None else np.vstack([incident_xy, extent_xy])
    if len(extent) == 0:
        raise ValueError("a hot spot grid needs at least one point to cover")
    x0, y0, cell, rows, cols = grid_extent(extent, cell, max_cells)
    grid = HotSpotGrid(x0, y0, cell, rows, cols, np.zeros((rows, cols)), np.zeros((rows, cols)),
                       np.ones((rows, cols)), np.zeros((rows, cols), dtype=bool))
    if len(incident_xy) == 0 or rows * cols < 9:
        return grid
    r, c = grid.cell_of(incident_xy)
    inside = (r >= 0) & (r < rows) & (c >= 0) & (c < cols)
    counts = np.bincount(r[inside] * cols + c[inside], minlength=rows * cols).astype(float)
    grid.counts = counts.reshape(rows, cols)
    if counts.sum() == 0 or np.all(counts == counts[0]):
        return grid
    weights = lat2W(rows, cols, rook=False)  # queen: the eight cells around each cell
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = esda.G_Local(counts, weights, transform="B", permutations=permutations, star=True,
                         seed=seed, keep_simulations=True, n_jobs=1)
    z = np.nan_to_num(np.asarray(g.z_sim, float))
    # The permutation p-value floors at 1/(permutations+1), which the FDR threshold over
    # thousands of cells never reaches; the permutation distribution's own z gives
    # a continuous one-sided p-value instead.
    p = norm.sf(z)  # one-sided: only unusually high counts are hot spots
    q = false_discovery_control(p, method="bh")
    grid.z = z.reshape(rows, cols)
    grid.q = q.reshape(rows, cols)
    grid.hot = ((z > 0) & (q <= alpha) & (counts > 0)).reshape(rows, cols)
    return grid
