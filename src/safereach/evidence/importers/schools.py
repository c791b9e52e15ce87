"""Schools from the DfE's Get Information About Schools (GIAS) establishment CSV.

Reads GIAS's own column names ('URN', 'EstablishmentName', 'TypeOfEstablishment (name)',
'LA (code)', 'Easting', …) and their lower_snake_case forms; only URN and name are
required, so a reduced list (URN, name, town, postcode) loads too. Real GIAS downloads are
windows-1252: load them with `--encoding cp1252`.

Schools are matched by URN. A load adds or corrects what its file says and never erases:
a column the file lacks, or a blank cell, leaves the stored value as it is, because the
reduced lists and mixed-vintage extracts in circulation would otherwise wipe the type,
phase and location a fuller file gave. A school is linked to the LSOAs its location falls
in whenever its location is given.
"""

import numpy as np

from safereach.areas.coordinates import bng_problems, lonlat_problems, to_bng, to_wgs84
from safereach.areas.locate import locate_lsoas
from safereach.evidence.importers.base import (
    DatasetInfo,
    Importer,
    Parsed,
    Problems,
    find_columns,
    require_whole_rows,
)
from safereach.evidence.importers.bulk import insert_rows
from safereach.evidence.importers.lookups import update_rows
from safereach.schools.models import School

ALIASES = {
    "urn": ("URN",),
    "name": ("EstablishmentName", "name", "establishment_name", "school_name"),
    "type_name": ("TypeOfEstablishment (name)", "TypeOfEstablishment", "type_of_establishment"),
    "type_group": ("EstablishmentTypeGroup (name)", "EstablishmentTypeGroup"),
    "status": ("EstablishmentStatus (name)", "EstablishmentStatus", "status"),
    "phase": ("PhaseOfEducation (name)", "PhaseOfEducation", "phase"),
    "low_age": ("StatutoryLowAge",),
    "high_age": ("StatutoryHighAge",),
    "postcode": ("Postcode",),
    "town": ("Town",),
    "la_code": ("LA (code)",),
    "la_name": ("LA (name)",),
    "district_code": ("DistrictAdministrative (code)",),
    "easting": ("Easting",),
    "northing": ("Northing",),
    "lat": ("Latitude",),
    "lon": ("Longitude",),
    "pupils": ("NumberOfPupils",),
    "percent_fsm": ("PercentageFSM",),
}
REQUIRED = {"urn", "name"}
TEXT = ("name", "type_name", "type_group", "status", "phase", "postcode", "town", "la_code",
        "la_name", "district_code")
WHOLE = {"low_age": (0, 99), "high_age": (0, 99), "pupils": (0, 100_000)}
LOCATION = ("easting", "northing", "lon", "lat")
# DfE marks a suppressed figure SUPP; it is a figure we do not have, not a wrong one.
SUPPRESSED = {"SUPP"}


def _counts(texts, lines, column, low, high, problems, what="a whole number") -> list[int | None]:
    """Whole numbers from text, None where blank; each distinct text is checked once."""
    parsed: dict[str, int | None | bool] = {}
    for text in set(texts):
        value = text.strip()
        if not value or value in SUPPRESSED:
            parsed[text] = None
            continue
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        parsed[text] = int(number) if number.is_integer() and low <= number <= high else False
    out = [parsed[t] for t in texts]
    for i in (i for i, value in enumerate(out) if value is False):
        problems.add(lines[i], column, f"{texts[i]!r} is not {what} from {low} to {high:,}")
    return out


def _floats(texts, lines, column, problems) -> np.ndarray:
    """Floats from text, NaN where blank; each distinct text is checked once."""
    parsed: dict[str, float | None] = {}
    for text in set(texts):
        value = text.strip()
        if not value or value in SUPPRESSED:
            parsed[text] = np.nan
            continue
        try:
            number = float(value)
        except ValueError:
            number = np.inf
        parsed[text] = number if np.isfinite(number) else None
    for i in (i for i, t in enumerate(texts) if parsed[t] is None):
        problems.add(lines[i], column, f"{texts[i]!r} is not a number")
    return np.array([np.nan if parsed[t] is None else parsed[t] for t in texts], dtype=float)


class SchoolImporter(Importer):
    kind = "schools"
    help = ("DfE GIAS establishments CSV (URN, EstablishmentName, …; "
            "--encoding cp1252 for GIAS downloads)")
    defaults = DatasetInfo(publisher="Department for Education (Get Information About Schools)",
                           licence="Open Government Licence v3.0", classification="OFFICIAL")

    def parse(self, source, options, progress) -> Parsed:
        header, rows, lines = source.csv_table()
        cols = find_columns(source, header, ALIASES, REQUIRED)
        require_whole_rows(source, header, rows, lines)
        problems = Problems(source.label)
        columns = list(zip(*rows, strict=True))

        def column(name):
            return columns[cols[name]]

        urns = _counts(column("urn"), lines, header[cols["urn"]], 1, 99_999_999, problems,
                       what="a URN (a whole number)")
        first_line: dict[int, int] = {}
        for i, urn in enumerate(urns):
            if urn is None and not column("urn")[i].strip():
                problems.add(lines[i], header[cols["urn"]], "is empty")
            elif urn:
                earlier = first_line.setdefault(urn, lines[i])
                if earlier != lines[i]:
                    problems.add(lines[i], header[cols["urn"]],
                                 f"URN {urn} appears twice: on line {earlier} "
                                 f"and on line {lines[i]}")

        values: dict[str, list] = {}
        for name in TEXT:
            if name not in cols:
                continue
            texts = [t.strip() for t in column(name)]
            limit = School._meta.get_field(name).max_length
            for i in (i for i, t in enumerate(texts) if len(t) > limit):
                problems.add(lines[i], header[cols[name]], f"is longer than {limit} characters")
            if name == "name":
                for i in (i for i, t in enumerate(texts) if not t):
                    problems.add(lines[i], header[cols[name]], "is empty")
            elif name == "postcode":
                texts = [" ".join(t.upper().split()) for t in texts]
            values[name] = [t or None for t in texts]
        for name, (low, high) in WHOLE.items():
            if name in cols:
                values[name] = _counts(column(name), lines, header[cols[name]], low, high, problems)
        if "percent_fsm" in cols:
            fsm = _floats(column("percent_fsm"), lines, header[cols["percent_fsm"]], problems)
            for i in np.flatnonzero((fsm < 0) | (fsm > 100)):
                problems.add(lines[i], header[cols["percent_fsm"]],
                             f"{column('percent_fsm')[i]!r} is not a percentage (0 to 100)")
            values["percent_fsm"] = [None if np.isnan(v) else float(v) for v in fsm]

        location = self._location(cols, column, header, lines, problems)
        problems.raise_if_any()
        progress(len(rows))
        las = sorted({n for n in values.get("la_name", []) if n})
        where = ", ".join(las) if len(las) <= 3 else f"{len(las)} local authorities"
        return Parsed(source=source, row_count=len(rows),
                      name=f"Schools (GIAS){', ' + where if where else ''}",
                      payload=dict(urns=urns, values=values, location=location))

    @staticmethod
    def _location(cols, column, header, lines, problems) -> dict | None:
        """Easting/northing where given, else latitude/longitude; both systems filled.
        None if the file has no location columns (it then says nothing about locations)."""
        pairs = [(x, y, check) for x, y, check in (("easting", "northing", bng_problems),
                                                    ("lon", "lat", lonlat_problems))
                 if x in cols and y in cols]
        if not pairs:
            return None
        n = len(lines)
        found = {}
        for x, y, check in pairs:
            label = f"{header[cols[x]]}/{header[cols[y]]}"
            xs = _floats(column(x), lines, header[cols[x]], problems)
            ys = _floats(column(y), lines, header[cols[y]], problems)
            for i in np.flatnonzero(np.isnan(xs) != np.isnan(ys)):
                if not (column(x)[i].strip() and column(y)[i].strip()):
                    problems.add(lines[i], label, f"has only one of {x} and {y}")
            for i, reason in check(xs, ys):
                problems.add(lines[i], label, reason)
            found[x] = (xs, ys)
        easting = np.full(n, np.nan)
        northing = np.full(n, np.nan)
        lon = np.full(n, np.nan)
        lat = np.full(n, np.nan)
        if "easting" in found:
            easting, northing = found["easting"]
            has = ~np.isnan(easting) & ~np.isnan(northing)
            if has.any():
                lon[has], lat[has] = to_wgs84(easting[has], northing[has])
        if "lon" in found:
            # Latitude/longitude fill only the rows GIAS gave no grid reference for.
            fill = np.isnan(lon) & ~np.isnan(found["lon"][0]) & ~np.isnan(found["lon"][1])
            if fill.any():
                lon[fill], lat[fill] = found["lon"][0][fill], found["lon"][1][fill]
                easting[fill], northing[fill] = to_bng(lon[fill], lat[fill])
        present = ~np.isnan(lon) & ~np.isnan(lat)
        return dict(easting=np.round(easting, 1), northing=np.round(northing, 1),
                    lon=np.round(lon, 6), lat=np.round(lat, 6), present=present)

    def write(self, parsed, dataset, progress) -> None:
        p = parsed.payload
        urns, values, location = p["urns"], dict(p["values"]), p["location"]
        n = len(urns)
        if location is not None:
            present = location["present"]
            lsoa11, lsoa21 = locate_lsoas(np.where(present, location["lon"], np.nan),
                                          np.where(present, location["lat"], np.nan))
            for name in LOCATION:
                values[name] = [float(v) if ok else None
                                for v, ok in zip(location[name], present, strict=True)]
        stored = dict(School.objects.values_list("urn", "id"))
        new = [i for i, urn in enumerate(urns) if urn not in stored]
        old = [i for i, urn in enumerate(urns) if urn in stored]

        fields = [name for name in (*TEXT, *WHOLE, "percent_fsm", *LOCATION) if name in values]
        blank = {name: "" for name in TEXT}  # text columns are NOT NULL, empty when unknown

        def value(name, i):
            v = values[name][i] if name in values else None
            return blank.get(name) if v is None and name in blank else v

        every = [*TEXT, *WHOLE, "percent_fsm", *LOCATION]
        insert_rows(School, ["urn", *every, "is_fictional", "dataset"], (
            (urns[i], *(value(name, i) for name in every), False, dataset.pk) for i in new
        ))
        update_rows(School, "urn", [*fields, "dataset"], (
            (*(values[name][i] for name in fields), dataset.pk, urns[i]) for i in old
        ), keep=set(fields))
        if location is not None:
            # The LSOA links follow the location given here, including to "none" when it
            # falls outside every loaded boundary; schools without one keep theirs.
            located = np.flatnonzero(present)
            update_rows(School, "urn", ["lsoa", "lsoa21"], (
                (int(lsoa11[i]) if lsoa11[i] >= 0 else None,
                 int(lsoa21[i]) if lsoa21[i] >= 0 else None, urns[i])
                for i in located
            ))
        progress(n)
