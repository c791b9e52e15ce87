"""Crime import rate for the real Essex police.uk files, beside a plain csv.reader pass.

The csv.reader pass (gunzip + split into fields, nothing else) is the floor no importer can
beat; the ratio says how much validation, coordinate transforms, point-in-polygon and the
database writes cost on top of it. Both are measured in the same run, best of three.
"""

import csv
import gzip
import io
import os
import sys
from pathlib import Path

from common import ROOT, report, setup_django, timed

SHARED = Path(os.environ.get("SAFEREACH_SHARED_DATA", ROOT.parent / "shared" / "data"))


def csv_reader_pass(paths) -> int:
    rows = 0
    for path in paths:
        with io.TextIOWrapper(gzip.open(path), encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for _ in reader:
                rows += 1
    return rows


def main() -> int:
    crime = sorted((SHARED / "police_uk_street_crime_essex").glob("*.csv.gz"))
    if not crime:
        print(f"no police.uk files under {SHARED}; nothing to measure")
        return 1
    setup_django()
    from safereach.evidence.importers.run import load
    from safereach.evidence.models import Dataset, Incident

    # Boundaries make the import do its real work: linking every crime to its LSOAs.
    lsoas = sorted((SHARED / "boundaries_essex" / "lsoa_2011").glob("*.geojson"))
    lsoas += sorted((SHARED / "boundaries_essex" / "lsoa_2021").glob("*.geojson"))
    load("boundaries", lsoas)

    floor, ours = [], []
    for _ in range(3):
        with timed() as t:
            rows = csv_reader_pass(crime)
        floor.append(t["seconds"])
        Incident.objects.all().delete()
        Dataset.objects.filter(kind="crime").delete()
        with timed() as t:
            outcomes = load("crime", crime)
        ours.append(t["seconds"])
        assert sum(o.rows for o in outcomes) == rows
    floor_rate, our_rate = rows / min(floor), rows / min(ours)
    linked = Incident.objects.filter(lsoa__isnull=False).count()
    figures = {
        "rows": rows,
        "files": len(crime),
        "crime_rows_per_s": round(our_rate),
        "csv_reader_rows_per_s": round(floor_rate),
        "ratio_to_floor": round(floor_rate / our_rate, 2),
        "crime_seconds": round(min(ours), 3),
        "csv_reader_seconds": round(min(floor), 3),
        "rows_linked_to_lsoa_2011": linked,
        "database": os.environ["DATABASE_URL"].split(":", 1)[0],
    }
    report("import", figures, [
        f"crime import: {rows:,} rows from {len(crime)} police.uk files ({figures['database']})",
        f"  safereach load crime  {our_rate:>12,.0f} rows/s  ({min(ours):.2f} s, best of 3)",
        f"  csv.reader floor      {floor_rate:>12,.0f} rows/s  ({min(floor):.2f} s, best of 3)",
        f"  ratio                 {floor_rate / our_rate:>12.2f} x the floor (aim: within 5x)",
        f"  linked to an LSOA 2011 by location: {linked:,} of {rows:,}",
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
