"""Reading locations from text, shared by the importers of located things: places, stations,
notices and fire incidents. Coordinates come as a pair in either system; postcodes are tidied."""

import re
from dataclasses import dataclass

import numpy as np

from safereach.areas.coordinates import bng_problems, lonlat_problems, to_bng, to_wgs84
from safereach.evidence.importers.base import (
    Problems,
)

LONLAT, BNG = "lonlat", "bng"


def _is_blank(text: str) -> bool:
    # LFB publishes NULL where it withholds a dwelling's exact coordinates.
    return text == "" or text.upper() == "NULL"


def numbers(texts: list[str], lines: list[int], column: str,
            problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    """Floats parsed from text (NaN where blank or NULL) and a mask of the values that were
    not numbers, each of which is reported on its line."""
    values = np.full(len(texts), np.nan)
    invalid = np.zeros(len(texts), dtype=bool)
    filled = [i for i, text in enumerate(texts) if not _is_blank(text)]
    try:
        values[filled] = np.array([texts[i] for i in filled], dtype=float)
    except ValueError:
        for i in filled:  # find exactly which rows are not numbers
            try:
                values[i] = float(texts[i])
            except ValueError:
                invalid[i] = True
    filled_at = np.array(filled, dtype=np.int64)
    # 'nan' and 'inf' parse as floats, but are not coordinates.
    invalid[filled_at[~np.isfinite(values[filled_at]) & ~invalid[filled_at]]] = True
    values[invalid] = np.nan
    for i in np.flatnonzero(invalid):
        problems.add(lines[i], column, f"{texts[i]!r} is not a number")
    return values, invalid


@dataclass
class Points:
    """Locations in both systems; NaN in every array where a row has none."""

    lon: np.ndarray
    lat: np.ndarray
    easting: np.ndarray
    northing: np.ndarray

    @property
    def present(self) -> np.ndarray:
        return ~np.isnan(self.lon)


def points(x_texts: list[str], y_texts: list[str], system: str, lines: list[int],
           x_column: str, y_column: str, problems: Problems) -> Points:
    """Read a coordinate pair (longitude/latitude or easting/northing) from text columns.

    Both blank means no location. Non-numbers, a lone coordinate and points outside Great
    Britain (including latitude and longitude swapped) are problems on their lines.
    """
    x, x_invalid = numbers(x_texts, lines, x_column, problems)
    y, y_invalid = numbers(y_texts, lines, y_column, problems)
    pair = f"{x_column}/{y_column}"
    invalid = x_invalid | y_invalid
    lone = (np.isnan(x) != np.isnan(y)) & ~invalid
    names = "longitude and latitude" if system == LONLAT else "easting and northing"
    for i in np.flatnonzero(lone):
        problems.add(lines[i], pair, f"has only one of {names}")
    x[lone | invalid] = np.nan
    y[lone | invalid] = np.nan
    for i, reason in (lonlat_problems if system == LONLAT else bng_problems)(x, y):
        problems.add(lines[i], pair, reason)
        x[i] = y[i] = np.nan
    if system == BNG:
        # Degrees in grid columns can fall inside the grid's bounds (Essex lies near longitude
        # 0.5), but no land in Great Britain is within 180 m of the grid's origin.
        for i in np.flatnonzero((np.abs(x) <= 180) & (np.abs(y) <= 90)):
            problems.add(lines[i], pair, f"easting {x[i]:g}, northing {y[i]:g} look like degrees, "
                                         "not British National Grid metres")
            x[i] = y[i] = np.nan
    present = ~np.isnan(x)
    # The transforms are given zeros where there is no point and the NaNs put back after.
    a, b = (to_bng if system == LONLAT else to_wgs84)(np.where(present, x, 0.0),
                                                       np.where(present, y, 0.0))
    a[~present] = np.nan
    b[~present] = np.nan
    if system == LONLAT:
        return Points(lon=x, lat=y, easting=a, northing=b)
    return Points(lon=a, lat=b, easting=x, northing=y)


def first_present(candidates: list[Points]) -> Points:
    """Row by row, the first candidate that has a location: exact before rounded, say."""
    chosen = Points(*(np.array(a, copy=True) for a in (
        candidates[0].lon, candidates[0].lat, candidates[0].easting, candidates[0].northing)))
    for other in candidates[1:]:
        fill = ~chosen.present & other.present
        for name in ("lon", "lat", "easting", "northing"):
            getattr(chosen, name)[fill] = getattr(other, name)[fill]
    return chosen


def nullable(values: np.ndarray, present: np.ndarray, digits: int | None = None) -> list:
    """Floats for the database, with None where there is no value."""
    if digits is not None:
        values = np.round(values, digits)
    out = values.astype(object)
    out[~present] = None
    return out.tolist()


def area_ids(ids: np.ndarray) -> list:
    """Area ids from the locator for the database; -1 (nothing contains the point) is None."""
    return nullable(ids, ids >= 0)


_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9O][A-Z]{2})\b")


def postcode(text: str, *, anywhere: bool = False) -> str | None:
    """A UK postcode in its usual form ('cm1  1qq' → 'CM1 1QQ'), '' if blank, None if the text
    is not a postcode. With `anywhere`, the first postcode inside longer text is taken.

    The letter O typed for the digit that starts the inward code is corrected: the Home
    Office fire stations list has several ('CH65 OEZ')."""
    squashed = " ".join(text.upper().split())  # split() also takes non-breaking spaces
    if not squashed:
        return ""
    match = (_POSTCODE.search if anywhere else _POSTCODE.fullmatch)(squashed)
    if match is None:
        return None
    inward = match[2]
    if inward[0] == "O":
        inward = "0" + inward[1:]
    return f"{match[1]} {inward}"


def tidy(text: str) -> str:
    """One line, single spaces, no dangling commas: addresses arrive with embedded newlines."""
    return " ".join(text.split()).strip(" ,")


def check_length(problems: Problems, line: int, column: str, value: str, limit: int) -> None:
    if len(value) > limit:
        problems.add(line, column, f"is {len(value)} characters long; at most {limit} fit")


LOCATION_ALIASES = {
    "lon": ("Longitude", "Lon", "Long", "Lng"),
    "lat": ("Latitude", "Lat"),
    "easting": ("Easting", "Eastings", "BNG_E", "Grid easting"),
    "northing": ("Northing", "Northings", "BNG_N", "Grid northing"),
}


def location_pairs(source, cols, required: bool) -> list[tuple[str, int, int]]:
    """The coordinate pairs a header offers, longitude/latitude first: [(system, x, y)].

    A header with only half of a pair, or (when `required`) with no pair, is a problem on
    line 1 naming the columns expected."""
    pairs, problems = [], Problems(source.label)
    for system, x, y in ((LONLAT, "lon", "lat"), (BNG, "easting", "northing")):
        if x in cols and y in cols:
            pairs.append((system, cols[x], cols[y]))
        elif x in cols or y in cols:
            have, lack = (x, y) if x in cols else (y, x)
            problems.add(1, LOCATION_ALIASES[lack][0],
                         f"missing column (the header has {cols.header[cols[have]]!r} "
                         f"but none of: {', '.join(LOCATION_ALIASES[lack])})")
    if required and not pairs and not problems:
        shown = ", ".join(cols.header[:30]) or "nothing"
        problems.add(1, "Longitude/Latitude",
                     "missing columns (expected Latitude and Longitude, or Easting and "
                     f"Northing; the header has: {shown})")
    problems.raise_if_any()
    return pairs


class CoordinateTexts:
    """The text of each coordinate pair a header offers, gathered row by row (only these
    columns are held, not whole rows), then read into locations."""

    def __init__(self, header: list[str], pairs: list[tuple[str, int, int]]):
        self.header = header
        self.pairs = pairs
        self.texts: list[tuple[list[str], list[str]]] = [([], []) for _ in pairs]

    def add(self, row: list[str]) -> None:
        for (_, x, y), (xs, ys) in zip(self.pairs, self.texts, strict=True):
            xs.append(row[x].strip())
            ys.append(row[y].strip())

    def read(self, lines: list[int], problems: Problems) -> Points:
        """Each row's location from the first pair it fills in."""
        if not self.pairs:
            empty = np.full(len(lines), np.nan)
            return Points(empty, empty.copy(), empty.copy(), empty.copy())
        return first_present([
            points(xs, ys, system, lines, self.header[x], self.header[y], problems)
            for (system, x, y), (xs, ys) in zip(self.pairs, self.texts, strict=True)
        ])


def duplicate_check(problems: Problems, line: int, column: str, key, label: str,
                    seen: dict) -> None:
    """A key met twice in one file is a problem naming where it was first."""
    if key in seen:
        problems.add(line, column, f"duplicate {label} (also on line {seen[key]})")
    else:
        seen[key] = line
