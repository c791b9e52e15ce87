"""data.police.uk street-level crime CSV (one month, one force), plain or gzipped.

Accepts the original headers ('Crime ID', 'Month', …) and the lower_snake_case variant
some mirrors use ('crime_id', 'month', …): both normalise to the same names.
"""

from datetime import date

import numpy as np

from safereach.areas.coordinates import lonlat_problems, to_bng
from safereach.areas.locate import locate_lsoas
from safereach.evidence.importers.base import (
    LSOA_CODE,
    DatasetInfo,
    Importer,
    Parsed,
    Problems,
    find_columns,
    month_start,
    require_whole_rows,
)
from safereach.evidence.importers.bulk import insert_rows
from safereach.evidence.models import Dataset, Incident

ALIASES = {
    "crime_id": ("Crime ID",),
    "month": ("Month",),
    "reported_by": ("Reported by",),
    "falls_within": ("Falls within",),
    "lon": ("Longitude",),
    "lat": ("Latitude",),
    "location": ("Location",),
    "lsoa_code": ("LSOA code",),
    "lsoa_name": ("LSOA name",),
    "crime_type": ("Crime type",),
    "outcome": ("Last outcome category",),
    "context": ("Context",),
}
NOT_NUMBERS = {"nan", "inf", "infinity"}
REQUIRED = {"month", "lon", "lat", "lsoa_code", "crime_type"}

FIELDS = ["dataset", "source", "category", "month", "reference", "lon", "lat", "easting",
          "northing", "location", "reported_lsoa_code", "lsoa", "lsoa21", "outcome",
          "property_type", "reported_by"]


def _nullable(values: np.ndarray, present: np.ndarray) -> list:
    """Floats for the database, with None where there is no location."""
    out = values.astype(object)
    out[~present] = None
    return out.tolist()


class CrimeImporter(Importer):
    kind = "crime"
    help = "data.police.uk street-level crime CSV (.csv or .csv.gz)"
    defaults = DatasetInfo(publisher="data.police.uk (Home Office)",
                           licence="Open Government Licence v3.0", classification="OFFICIAL")

    def parse(self, source, options, progress) -> Parsed:
        header, rows, lines = source.csv_table()
        cols = find_columns(source, header, ALIASES, REQUIRED)
        require_whole_rows(source, header, rows, lines)
        problems = Problems(source.label)
        # Work column by column: every check runs over distinct values or whole arrays,
        # which keeps a month of a national force's crime to a second or two.
        columns = list(zip(*rows))
        blank = ("",) * len(rows)

        def column(name):
            return columns[cols[name]] if name in cols else blank

        months = self._months(column("month"), lines, header[cols["month"]], problems)
        types = column("crime_type")
        if "" in set(types):
            for i in (i for i, t in enumerate(types) if not t.strip()):
                problems.add(lines[i], header[cols["crime_type"]], "is empty")
        lsoas = column("lsoa_code")
        bad_codes = {c for c in set(lsoas) if c and not LSOA_CODE.match(c)}
        if bad_codes:
            for i in (i for i, c in enumerate(lsoas) if c in bad_codes):
                problems.add(lines[i], header[cols["lsoa_code"]],
                             f"{lsoas[i]!r} is not an LSOA code (E01 or W01 and six digits)")
        lon, lat = self._coordinates(column("lon"), column("lat"), lines, header, cols, problems)
        for i, reason in lonlat_problems(lon, lat):
            problems.add(lines[i], f"{header[cols['lon']]}/{header[cols['lat']]}", reason)
        problems.raise_if_any()
        progress(len(rows))
        forces = columns[cols.index["falls_within"]] if "falls_within" in cols else column("reported_by")
        valid_months = sorted({date.fromisoformat(m) for m in set(months)})
        return Parsed(
            source=source, row_count=len(rows),
            name=self._name(sorted(set(forces)), valid_months),
            period_start=valid_months[0], period_end=valid_months[-1],
            payload=dict(months=months, lon=lon, lat=lat, refs=column("crime_id"),
                         locations=column("location"), lsoas=lsoas, types=types,
                         outcomes=column("outcome"), forces=forces),
        )

    @staticmethod
    def _months(values, lines, column_name, problems) -> list[str]:
        """ISO dates ('2018-01-01') for each row's month, checked once per distinct value."""
        parsed = {text: month_start(text.strip()) for text in set(values)}
        for text, month in parsed.items():
            if month is None:
                for i in (i for i, v in enumerate(values) if v == text):
                    problems.add(lines[i], column_name, f"{text!r} is not a month (YYYY-MM)")
        iso = {text: month.isoformat() for text, month in parsed.items() if month}
        return [iso.get(v, "") for v in values]

    @staticmethod
    def _coordinates(lon_text, lat_text, lines, header, cols, problems):
        """Floats, NaN where blank; rows with both blank have no location."""
        arrays = []
        for texts, name in ((lon_text, "lon"), (lat_text, "lat")):
            try:
                values = np.array([t or "nan" for t in texts], dtype=float)
            except ValueError:
                values = np.full(len(texts), np.nan)
                for i, t in enumerate(texts):  # find exactly which rows are not numbers
                    try:
                        values[i] = float(t) if t.strip() else np.nan
                    except ValueError:
                        problems.add(lines[i], header[cols[name]], f"{t!r} is not a number")
            # 'nan' and 'inf' parse as floats but are not coordinates: a row saying so would
            # otherwise load with its location silently dropped.
            for i in np.flatnonzero(~np.isfinite(values)):
                if texts[i].strip() and texts[i].strip().lstrip("+-").lower() in NOT_NUMBERS:
                    problems.add(lines[i], header[cols[name]], f"{texts[i]!r} is not a number")
                    values[i] = np.nan
            arrays.append(values)
        lon, lat = arrays
        lon_blank = np.array([not t.strip() for t in lon_text])
        lat_blank = np.array([not t.strip() for t in lat_text])
        for i in np.flatnonzero(lon_blank != lat_blank):
            problems.add(lines[i], f"{header[cols['lon']]}/{header[cols['lat']]}",
                         "has only one of longitude and latitude")
        return lon, lat

    @staticmethod
    def _name(forces, months) -> str:
        force = ", ".join(forces) or "police.uk"
        first, last = min(months), max(months)
        span = f"{first:%Y-%m}" if first == last else f"{first:%Y-%m} to {last:%Y-%m}"
        return f"Street-level crime, {force}, {span}"

    def write(self, parsed, dataset, progress) -> None:
        p = parsed.payload
        # police.uk republishes a force's month as a whole: a newer file for the same force
        # and month replaces the older one's rows. Earlier loads are found through their
        # datasets (a small table) and their rows through the dataset index, so a national
        # table is never scanned.
        months = sorted(set(p["months"]))
        earlier = list(Dataset.objects.filter(
            kind=self.kind, period_start__lte=months[-1], period_end__gte=months[0],
        ).exclude(pk=dataset.pk).values_list("pk", flat=True))
        if earlier:
            for force in set(p["forces"]):
                force_months = {m for m, f in set(zip(p["months"], p["forces"])) if f == force}
                Incident.objects.filter(dataset__in=earlier, reported_by=force,
                                        month__in=force_months).delete()
            replaced = set(earlier) - set(Incident.objects.filter(dataset__in=earlier)
                                          .values_list("dataset", flat=True).distinct())
            Dataset.objects.filter(pk__in=replaced).delete()

        lon, lat = p["lon"], p["lat"]
        present = ~np.isnan(lon)
        easting, northing = to_bng(np.where(present, lon, 0.0), np.where(present, lat, 0.0))
        lsoa11, lsoa21 = locate_lsoas(lon, lat)
        n = len(lon)
        rows = zip(
            [dataset.pk] * n, [Incident.Source.POLICE.value] * n, p["types"], p["months"], p["refs"],
            _nullable(lon, present), _nullable(lat, present),
            _nullable(np.round(easting, 1), present), _nullable(np.round(northing, 1), present),
            p["locations"], p["lsoas"],
            _nullable(lsoa11, lsoa11 >= 0), _nullable(lsoa21, lsoa21 >= 0),
            p["outcomes"], [""] * n, p["forces"],
        )
        insert_rows(Incident, FIELDS, rows)
        progress(n)
