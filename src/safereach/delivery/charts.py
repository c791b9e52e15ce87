"""Charts drawn on the server as SVG, so they need no script and print as they look: bars by
district and a line by term. Pure geometry; the templates draw it. Each chart has a title and
a description for screen readers, and the table beside it gives every figure."""

from __future__ import annotations

from dataclasses import dataclass

# Drawn on a viewBox this wide; it scales to its column, so text stays readable on a phone.
WIDTH = 400
BAR_HEIGHT = 22
BAR_GAP = 26  # room for the label above each bar
LINE_HEIGHT = 220
MARGIN = {"left": 44, "right": 28, "top": 16, "bottom": 40}


@dataclass
class Bar:
    label: str
    text: str  # the figure as shown (may be "fewer than 5")
    y: float
    width: float  # 0 when the figure is not shown
    label_y: float


def nice_maximum(value: float) -> float:
    """The axis top: 1, 2, 2.5 or 5 times a power of ten at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


def bars(rows: list[tuple[str, float | None, str]]) -> dict:
    """Horizontal bars, one per (label, value or None when hidden, text)."""
    top = nice_maximum(max((v for _, v, _ in rows if v is not None), default=0))
    out = []
    y = 0.0
    for label, value, text in rows:
        out.append(
            Bar(
                label,
                text,
                y + BAR_GAP - 6,
                0.0 if value is None else (WIDTH - 90) * value / top,
                y + BAR_GAP - 10,
            )
        )
        y += BAR_GAP + BAR_HEIGHT
    return {"bars": out, "height": max(y, BAR_GAP + BAR_HEIGHT), "width": WIDTH, "bar_height": BAR_HEIGHT}


def line(points: list[tuple[str, float | None]]) -> dict:
    """A line over labelled points (None leaves a gap), with a y axis from 0."""
    plot_w = WIDTH - MARGIN["left"] - MARGIN["right"]
    plot_h = LINE_HEIGHT - MARGIN["top"] - MARGIN["bottom"]
    top = nice_maximum(max((v for _, v in points if v is not None), default=0))
    step = plot_w / max(1, len(points) - 1)
    dots, segments, current = [], [], []
    for k, (label, value) in enumerate(points):
        x = MARGIN["left"] + (k * step if len(points) > 1 else plot_w / 2)
        if value is None:
            if current:
                segments.append(current)
            current = []
            dots.append({"x": x, "y": None, "label": label})
            continue
        y = MARGIN["top"] + plot_h * (1 - value / top)
        current.append(f"{x:.1f},{y:.1f}")
        dots.append({"x": x, "y": y, "label": label})
    if current:
        segments.append(current)
    ticks = [{"y": MARGIN["top"] + plot_h * (1 - f), "text": f"{top * f:,.0f}"} for f in (0, 0.5, 1)]
    return {
        "dots": dots,
        "paths": [" ".join(s) for s in segments],
        "ticks": ticks,
        "width": WIDTH,
        "height": LINE_HEIGHT,
        "left": MARGIN["left"],
        "right": WIDTH - MARGIN["right"],
        "base": MARGIN["top"] + plot_h,
        "label_y": LINE_HEIGHT - 12,
    }


def event_study(points: list[tuple[int, float, float, float]]) -> dict:
    """Estimates with their intervals by months from the term, (e, estimate, low, high), around
    a dashed line at no change; the months before the term are shaded."""
    plot_w = WIDTH - MARGIN["left"] - MARGIN["right"]
    plot_h = LINE_HEIGHT - MARGIN["top"] - MARGIN["bottom"]
    if not points:
        return {"points": [], "ticks": [], "width": WIDTH, "height": LINE_HEIGHT}
    low = min(min(p[2] for p in points), 0.0)
    high = max(max(p[3] for p in points), 0.0)
    span = (high - low) or 1.0
    shown = (low, high)
    low, high = low - 0.05 * span, high + 0.05 * span
    first, last = points[0][0], points[-1][0]
    step = plot_w / max(1, last - first)

    def x(e):
        return MARGIN["left"] + (e - first) * step

    def y(v):
        return MARGIN["top"] + plot_h * (high - v) / (high - low)

    drawn = [{"x": x(e), "y": y(v), "low": y(lo), "high": y(hi)} for e, v, lo, hi in points]
    ticks = [{"y": y(v), "text": f"{v:+.1f}" if v else "0"} for v in sorted({shown[0], 0.0, shown[1]})]
    labels = [{"x": x(e), "text": f"{e:+d}" if e else "0"} for e, *_ in points if e % 3 == 0]
    return {
        "points": drawn,
        "ticks": ticks,
        "labels": labels,
        "width": WIDTH,
        "height": LINE_HEIGHT,
        "left": MARGIN["left"],
        "right": WIDTH - MARGIN["right"],
        "zero": y(0.0),
        "shade_width": max(0.0, x(-0.5) - MARGIN["left"]) if first < 0 else 0.0,
        "top": MARGIN["top"],
        "plot_h": plot_h,
        "label_y": LINE_HEIGHT - 22,
        "axis_title_y": LINE_HEIGHT - 4,
    }
