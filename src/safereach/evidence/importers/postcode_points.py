"""Placing rows that have only a postcode, at the postcode's centre from OS Code-Point Open.

Code-Point Open (Ordnance Survey, Open Government Licence) gives each live postcode unit a
point in British National Grid metres, on the address nearest the mean of its addresses. Any
importer of located things can read the files once (`PostcodePoints.read`) and place its rows
with `place`; a postcode not in the files is left without a location for the importer to
report or skip, as suits its source.

The files come as OS publishes them (no header: Postcode, Positional_quality_indicator,
Eastings, Northings, …) or with that header line added.
"""

from dataclasses import dataclass

import numpy as np

from safereach.areas.coordinates import to_wgs84
from safereach.evidence.importers.base import Problems, SourceFile
from safereach.evidence.importers.locations import Points, postcode

COLUMNS = ("postcode", "positional_quality_indicator", "eastings", "northings")


@dataclass
class PostcodePoints:
    """Postcodes ('CM1 1QQ') and their centres in BNG metres."""

    codes: dict[str, int]
    easting: np.ndarray
    northing: np.ndarray
    files: list[str]

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def read(cls, paths) -> "PostcodePoints":
        """Read Code-Point Open CSVs; raises LoadFailed naming each bad line."""
        codes: dict[str, int] = {}
        eastings: list[float] = []
        northings: list[float] = []
        names = []
        for path in paths:
            source = SourceFile.read(path)
            names.append(source.name)
            problems = Problems(source.label)
            header, records = source.csv_records()
            first = [] if header and header[0].strip().lower() == "postcode" else [(1, header)]
            for line, row in first + list(records):
                if len(row) < 4:
                    problems.add(line, "(row)", f"expected at least 4 fields (Postcode, Positional_quality_"
                                                f"indicator, Eastings, Northings), found {len(row)}")
                    continue
                code = postcode(row[0])
                if not code:
                    problems.add(line, "Postcode", f"{row[0].strip()!r} is not a UK postcode")
                    continue
                try:
                    e, n = float(row[2]), float(row[3])
                except ValueError:
                    problems.add(line, "Eastings/Northings", f"{row[2]!r}, {row[3]!r} are not numbers")
                    continue
                if not (0 < e < 700_000 and 0 < n < 1_300_000):
                    problems.add(line, "Eastings/Northings", f"{e:g}, {n:g} is outside Great Britain's grid")
                    continue
                codes.setdefault(code, len(eastings))
                eastings.append(e)
                northings.append(n)
                if len(problems) >= 50:
                    break
            problems.raise_if_any()
        return cls(codes, np.array(eastings, dtype=float), np.array(northings, dtype=float), names)

    def place(self, postcodes: list[str]) -> Points:
        """Each postcode's centre, NaN where the postcode is blank or not in the files."""
        at = np.array([self.codes.get(postcode(p or "") or "", -1) for p in postcodes], dtype=np.int64)
        found = at >= 0
        easting = np.where(found, self.easting[np.maximum(at, 0)] if len(self.easting) else 0.0, np.nan)
        northing = np.where(found, self.northing[np.maximum(at, 0)] if len(self.northing) else 0.0, np.nan)
        lon, lat = to_wgs84(np.where(found, easting, 0.0), np.where(found, northing, 0.0))
        lon[~found] = np.nan
        lat[~found] = np.nan
        return Points(lon=lon, lat=lat, easting=easting, northing=northing)
