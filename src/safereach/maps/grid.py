"""Square cells of the British National Grid: which size suits a view, which cells cover an
area, and their corners in WGS84 for the map. Pure computation: arrays in, arrays out.

A cell of size s is named by (col, row) = (easting // s, northing // s). Each size is four times
the one before, so a cell is exactly sixteen of the size below and counts add up. Four sizes keep
the kept counts small (each incident is counted once per size) while every view finds one that
suits it: a ward at 250 m, a district at 250 m or 1 km, a county at 1 km, a region at 4 km."""

from dataclasses import dataclass

import numpy as np
import shapely

from safereach.areas.coordinates import to_wgs84

CELL_SIZES = (250, 1000, 4000, 16000)
# Enough cells to see a pattern and for Gi* to find one, few enough to draw quickly.
MAX_VIEW_CELLS = 10_000


def size_for(bounds: tuple[float, float, float, float], max_cells: int = MAX_VIEW_CELLS) -> int:
    """The finest cell size whose grid over `bounds` (min_e, min_n, max_e, max_n) has at most
    `max_cells` cells; the coarsest size when none has."""
    width, height = bounds[2] - bounds[0], bounds[3] - bounds[1]
    for size in CELL_SIZES:
        if (np.floor(width / size) + 2) * (np.floor(height / size) + 2) <= max_cells:
            return size
    return CELL_SIZES[-1]


def cell_range(bounds: tuple[float, float, float, float], size: int) -> tuple[int, int, int, int]:
    """(first col, last col, first row, last row) of the cells touching `bounds`."""
    return (int(bounds[0] // size), int(bounds[2] // size), int(bounds[1] // size), int(bounds[3] // size))


@dataclass
class CellSet:
    """The cells of one size that cover an area, in a fixed order."""

    size: int
    cols: np.ndarray
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.cols)

    def index(self) -> dict[tuple[int, int], int]:
        return {(int(c), int(r)): i for i, (c, r) in enumerate(zip(self.cols, self.rows))}

    def boxes(self) -> np.ndarray:
        """The cells as shapely polygons in BNG metres."""
        s = self.size
        return shapely.box(self.cols * s, self.rows * s, (self.cols + 1) * s, (self.rows + 1) * s)

    def centres(self) -> np.ndarray:
        """n × 2 BNG centres."""
        return np.column_stack([(self.cols + 0.5) * self.size, (self.rows + 0.5) * self.size])


def covering(area_bng, size: int) -> CellSet:
    """The cells of `size` that overlap `area_bng` (a shapely geometry in BNG metres)."""
    c0, c1, r0, r1 = cell_range(area_bng.bounds, size)
    cols, rows = np.meshgrid(np.arange(c0, c1 + 1), np.arange(r0, r1 + 1))
    cells = CellSet(size, cols.ravel(), rows.ravel())
    shapely.prepare(area_bng)
    inside = shapely.intersects(area_bng, cells.boxes())
    return CellSet(size, cells.cols[inside], cells.rows[inside])


def corners_wgs84(size: int, cols, rows, decimals: int = 6) -> np.ndarray:
    """n × 5 × 2 longitude/latitude rings of the cells (closed). A BNG square is not quite square
    in WGS84, so each corner is transformed."""
    cols = np.asarray(cols, dtype=float)
    rows = np.asarray(rows, dtype=float)
    dx = np.array([0, 1, 1, 0, 0], dtype=float)
    dy = np.array([0, 0, 1, 1, 0], dtype=float)
    e = (cols[:, None] + dx[None, :]) * size
    n = (rows[:, None] + dy[None, :]) * size
    lon, lat = to_wgs84(e.ravel(), n.ravel())
    return np.round(np.stack([lon.reshape(e.shape), lat.reshape(e.shape)], axis=-1), decimals)


def cell_reference(size: int, col: int, row: int) -> str:
    """A cell's name as a grid reference of its south-west corner, e.g. '570000 206500 (500 m)',
    which anyone can find again on the same grid."""
    return f"{col * size:.0f} {row * size:.0f} ({size:,} m)"
