"""Maps for the map pack, drawn with matplotlib as SVG: vector, so they print sharp at any size,
and drawn from the loaded boundaries in British National Grid metres, so they need no tile server
and the scale bar is exact."""

import io
import itertools
import re

import matplotlib

matplotlib.use("Agg")  # no display: figures are only written out
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.patches import PathPatch, Rectangle  # noqa: E402
from matplotlib.path import Path  # noqa: E402

from safereach.maps.gi_star import BIN_NAMES  # noqa: E402
from safereach.maps.layers import BIN_COLOURS  # noqa: E402

_figures = itertools.count(1)
matplotlib.rcParams.update(
    {"svg.fonttype": "none", "font.family": "Liberation Sans, DejaVu Sans, sans-serif", "font.size": 8}
)


def _path(geometry) -> Path:
    """A shapely polygon or multipolygon as one matplotlib path (holes included)."""
    vertices, codes = [], []
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type != "Polygon":
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = np.asarray(ring.coords)
            vertices.append(xy)
            codes += [Path.MOVETO] + [Path.LINETO] * (len(xy) - 2) + [Path.CLOSEPOLY]
    if not vertices:
        return Path(np.zeros((1, 2)))
    return Path(np.concatenate(vertices), codes)


def _nice_length(span: float) -> float:
    """A round distance about a fifth of the map's width, for the scale bar."""
    target = span / 5
    for unit in (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000):
        if unit >= target:
            return unit
    return 100000


def area_map(
    *, outline, parts=(), cells=None, points=(), title: str = "", size=(7.5, 5.2), legend_title: str = ""
) -> str:
    """An SVG map of `outline` (shapely, BNG) with `parts` [(geometry, name)] outlined and named,
    `cells` (size, cols, rows, bins) shaded by Gi* bin where significant, and `points`
    [(xy n×2, colour, marker, label)] on top."""
    fig, ax = plt.subplots(figsize=size)
    x0, y0, x1, y1 = outline.bounds
    pad = max(x1 - x0, y1 - y0) * 0.03
    ax.add_patch(PathPatch(_path(outline), facecolor="#f8f8f8", edgecolor="none", zorder=0))
    handles = []
    if cells is not None:
        cell, cols, rows, bins = cells
        drawn = [b for b in (3, 2, 1, -1, -2, -3) if np.any(bins == b)]
        patches, colours = [], []
        # Cells are cut to the map's frame here: PDF renderers do not all honour SVG clip paths.
        left, bottom, right, top = x0 - pad, y0 - pad, x1 + pad, y1 + pad
        for c, r, b in zip(cols, rows, bins):
            ex0, ey0 = max(c * cell, left), max(r * cell, bottom)
            ex1, ey1 = min((c + 1) * cell, right), min((r + 1) * cell, top)
            if b and ex1 > ex0 and ey1 > ey0:
                patches.append(Rectangle((ex0, ey0), ex1 - ex0, ey1 - ey0))
                colours.append(BIN_COLOURS[int(b)])
        if patches:
            ax.add_collection(
                PatchCollection(
                    patches, facecolor=colours, edgecolor="#505a5f", linewidth=0.2, alpha=0.85, zorder=2
                )
            )
        handles += [
            Rectangle(
                (0, 0), 1, 1, facecolor=BIN_COLOURS[b], edgecolor="#505a5f", linewidth=0.3, label=BIN_NAMES[b]
            )
            for b in drawn
        ]
    frame = shapely.box(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    for geometry, name in parts:
        geometry = shapely.intersection(geometry, frame)  # cut to the frame, as the cells are
        if geometry.is_empty:
            continue
        ax.add_patch(
            PathPatch(_path(geometry), facecolor="none", edgecolor="#6f777b", linewidth=0.5, zorder=3)
        )
        if name:
            at = geometry.representative_point()
            if x0 - pad <= at.x <= x1 + pad and y0 - pad <= at.y <= y1 + pad:
                ax.text(
                    at.x,
                    at.y,
                    name,
                    fontsize=5.5,
                    ha="center",
                    va="center",
                    color="#383f43",
                    zorder=6,
                    bbox={
                        "boxstyle": "round,pad=0.1",
                        "facecolor": "white",
                        "edgecolor": "none",
                        "alpha": 0.6,
                    },
                )
    ax.add_patch(PathPatch(_path(outline), facecolor="none", edgecolor="#0b0c0c", linewidth=1.2, zorder=4))
    for xy, colour, marker, label in points:
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        in_frame = (
            (xy[:, 0] >= x0 - pad) & (xy[:, 0] <= x1 + pad) & (xy[:, 1] >= y0 - pad) & (xy[:, 1] <= y1 + pad)
        )
        xy = xy[in_frame]
        if len(xy):
            handle = ax.scatter(
                xy[:, 0],
                xy[:, 1],
                s=14 if marker != "." else 4,
                c=colour,
                marker=marker,
                edgecolors="#0b0c0c",
                linewidths=0.4,
                zorder=5,
                label=f"{label} ({len(xy)})",
            )
            handles.append(handle)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()
    # A scale bar in the lower left and a north arrow in the upper right: grid north is up.
    length = _nice_length(x1 - x0)
    bx, by = x0 - pad * 0.5, y0 - pad * 0.5
    ax.add_patch(
        Rectangle(
            (bx - pad * 0.2, by - pad * 0.3),
            length + pad * 0.4,
            pad * 1.4,
            facecolor="white",
            edgecolor="none",
            alpha=0.85,
            zorder=7,
        )
    )
    ax.plot([bx, bx + length], [by, by], color="#0b0c0c", linewidth=2, solid_capstyle="butt", zorder=8)
    ax.text(
        bx + length / 2,
        by + pad * 0.2,
        f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m",
        ha="center",
        va="bottom",
        fontsize=7,
        zorder=8,
    )
    ax.annotate(
        "N",
        xy=(x1 + pad * 0.5, y1 + pad * 0.2),
        xytext=(x1 + pad * 0.5, y1 - pad * 2.2),
        ha="center",
        fontsize=8,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "#0b0c0c", "linewidth": 1},
    )
    if handles:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=6.5,
            frameon=False,
            title=legend_title or None,
            title_fontsize=7,
        )
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    fig.tight_layout(pad=0.2)
    out = io.StringIO()
    fig.savefig(out, format="svg")
    plt.close(fig)
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]  # inline in the HTML: no XML prologue
    # Several maps share one HTML page: give this one's element ids a prefix of their own.
    prefix = f"m{next(_figures)}-"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m[1]}"', svg)
    return re.sub(r'(href="#|url\(#)([^")]+)', lambda m: f"{m[1]}{prefix}{m[2]}", svg)


def in_view(geometry, bounds) -> bool:
    return shapely.intersects(geometry, shapely.box(*bounds))
