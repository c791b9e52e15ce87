"""data.police.uk street-level crime CSV (one month, one force), plain or gzipped.

Accepts the original headers ('Crime ID', 'Month', …) and the lower_snake_case variant
some mirrors use ('crime_id', 'month', …): both normalise to the same names.
"""

from datetime import date

import numpy as np

from safereach.areas.coordinates import lonlat_problems, to_bng
from safereach.areas.locate import locate_lsoas
from safereach.evidence.importers.base import (
    LSOA_CODE, DatasetInfo, Importer, Parsed, Problems, find_columns, month_start,
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
        header, records = source.csv_records()
        cols = find_columns(source, header, ALIASES, REQUIRED)
        problems = Problems(source.label)
        width = len(header)
        i_id = cols.index.get("crime_id")
        i_month, i_lon, i_lat = cols["month"], cols["lon"], cols["lat"]
        i_lsoa, i_type = cols["lsoa_code"], cols["crime_type"]
        i_location = cols.index.get("location")
        i_outcome = cols.index.get("outcome")
        i_force = cols.index.get("falls_within", cols.index.get("reported_by"))
        months_seen: dict[str, date | None] = {}
        lines, months, lon_text, lat_text = [], [], [], []
        refs, locations, lsoas, types, outcomes, forces = [], [], [], [], [], []
        for count, (line, row) in enumerate(records, 1):
            if len(row) != width:
                problems.add(line, "(row)", f"expected {width} fields, found {len(row)}")
                continue
            month_text = row[i_month].strip()
            if month_text not in months_seen:
                months_seen[month_text] = month_start(month_text)
            month = months_seen[month_text]
            if month is None:
                problems.add(line, header[i_month], f"{month_text!r} is not a month (YYYY-MM)")
            crime_type = row[i_type].strip()
            if not crime_type:
                problems.add(line, header[i_type], "is empty")
            lsoa = row[i_lsoa].strip()
            if lsoa and not LSOA_CODE.match(lsoa):
                problems.add(line, header[i_lsoa], f"{lsoa!r} is not an LSOA code (E01 or W01 and six digits)")
            lines.append(line)
            months.append(month)
            lon_text.append(row[i_lon].strip())
            lat_text.append(row[i_lat].strip())
            refs.append(row[i_id].strip() if i_id is not None else "")
            locations.append(row[i_location].strip() if i_location is not None else "")
            lsoas.append(lsoa)
            types.append(crime_type)
            outcomes.append(row[i_outcome].strip() if i_outcome is not None else "")
            forces.append(row[i_force].strip() if i_force is not None else "")
            if count % 20_000 == 0:
                progress(20_000)
        progress(len(lines) % 20_000)
        if not lines and not problems:
            problems.add(2, "(file)", "the file has a header but no rows")
        lon, lat = self._coordinates(lon_text, lat_text, lines, header, cols, problems)
        for i, reason in lonlat_problems(lon, lat):
            problems.add(lines[i], f"{header[i_lon]}/{header[i_lat]}", reason)
        problems.raise_if_any()
        valid_months = [m for m in months_seen.values() if m]
        return Parsed(
            source=source, row_count=len(lines),
            name=self._name(sorted(set(forces)), valid_months),
            period_start=min(valid_months), period_end=max(valid_months),
            payload=dict(months=months, lon=lon, lat=lat, refs=refs, locations=locations,
                         lsoas=lsoas, types=types, outcomes=outcomes, forces=forces),
        )

    @staticmethod
    def _coordinates(lon_text, lat_text, lines, header, cols, problems):
        """Vectorised float parsing; rows with both coordinates blank have no location."""
        lon = np.full(len(lines), np.nan)
        lat = np.full(len(lines), np.nan)
        for values, texts, column in ((lon, lon_text, cols["lon"]), (lat, lat_text, cols["lat"])):
            blank = np.array([t == "" for t in texts], dtype=bool)
            filled = np.flatnonzero(~blank)
            try:
                values[filled] = np.array([texts[i] for i in filled], dtype=float)
            except ValueError:
                for i in filled:  # find exactly which rows are not numbers
                    try:
                        values[i] = float(texts[i])
                    except ValueError:
                        problems.add(lines[i], header[column], f"{texts[i]!r} is not a number")
        one_missing = np.isnan(lon) != np.isnan(lat)
        for i in np.flatnonzero(one_missing):
            if lon_text[i] == "" or lat_text[i] == "":
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
        # and month replaces the older one's rows.
        for force in set(p["forces"]):
            months = {m for m, f in zip(p["months"], p["forces"]) if f == force}
            Incident.objects.filter(source=Incident.Source.POLICE, reported_by=force,
                                    month__in=months).delete()
        Dataset.objects.filter(kind=self.kind, incidents__isnull=True).exclude(pk=dataset.pk).delete()

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
