"""Incident figures a source publishes only per area: a count a year and/or a rate per head
for each LSOA, MSOA, ward or district (ONS codes E01…, E02…, E05…, E06–E09…).

A CSV with
- one ONS area code column (`MSOA11CD`, `LSOA11CD`, `WD19CD`, `LAD19CD`, any year, or
  `area_code` / `code`); each code's prefix says its level, and a file may mix levels;
- a count a year (`count`, `count_per_year`) and/or a rate, whose unit its name says:
  `rate_per_1000` (per 1,000 people), `rate_per_person` or `per_person` (a proportion),
  `rate_per_100000`; stored per 1,000 people a year;
- what is counted: `--measure "dwelling fires"`, or a `measure` column.

Built in: the British Red Cross's dwelling fires per MSOA (2011), a three-year average of the
Home Office low-level fire statistics, header
`MSOA11CD,Number of fires (three-year average),Proportion of fire incidents per person`.
Its last row, `NA,36.33,NA`, is the fires the source could not place in any MSOA: a row
without an area code and without a rate is such a total, counted in the file's rows but
attached to no area (the dataset's name says how many a year).

Loading a measure again replaces the figures of the areas the new file gives.
"""

import re

import numpy as np

from safereach.evidence.importers.base import (
    DatasetInfo,
    Importer,
    LoadFailed,
    Parsed,
    Problem,
    Problems,
    normalise_header,
    require_whole_rows,
)
from safereach.evidence.importers.bulk import insert_rows
from safereach.evidence.models import AreaRate, Dataset

# Code prefix → level (England and Wales; Scottish and Northern Irish geographies differ).
LEVEL_PREFIXES = {
    "lsoa": ("E01", "W01"),
    "msoa": ("E02", "W02"),
    "ward": ("E05", "W05"),
    "district": ("E06", "E07", "E08", "E09", "W06"),
}
PREFIX_LEVEL = {prefix: level for level, prefixes in LEVEL_PREFIXES.items() for prefix in prefixes}
CODE_SHAPE = re.compile(r"^[EW]\d{8}$")
LEVEL_NAMES = {"lsoa": "LSOA", "msoa": "MSOA", "ward": "ward", "district": "district"}

# Header names, normalised: an ONS code column of any year, or a plain one.
CODE_COLUMN = re.compile(r"^(lsoa|msoa|wd|lad)\d{2}cd$")
CODE_NAMES = ("area_code", "code", "lsoa_code", "msoa_code", "ward_code", "district_code")
COUNT_NAMES = ("count", "count_per_year", "incidents_a_year", "number")
# Rate column name → factor to a rate per 1,000 people.
RATE_NAMES = {
    "rate_per_1000": 1.0, "rate_per_1_000": 1.0, "per_1000": 1.0, "rate_per_thousand": 1.0,
    "rate_per_person": 1000.0, "per_person": 1000.0, "proportion_per_person": 1000.0,
    "rate_per_100000": 0.01, "rate_per_100_000": 0.01, "per_100000": 0.01,
}
MEASURE_NAMES = ("measure",)
MISSING = {"", "na", "n/a"}  # how R and spreadsheets write a value that is not there

# The British Red Cross's file, recognised by its header.
BRC_HEADER = ("MSOA11CD", "Number of fires (three-year average)",
              "Proportion of fire incidents per person")
BRC = dict(measure="dwelling fires", period="three-year average",
           name="Dwelling fires per MSOA (2011), three-year average, per person "
                "(British Red Cross, from Home Office fire statistics)")
BRC_DEFAULTS = DatasetInfo(
    publisher="British Red Cross (from Home Office fire statistics, OGL v3.0)",
    licence="CC-BY-4.0", classification="OFFICIAL")


def _number(text: str) -> tuple[float | None, str | None]:
    """A non-negative number, None for a missing value, or why it is neither."""
    value = text.strip()
    if value.lower() in MISSING:
        return None, None
    try:
        number = float(value)
    except ValueError:
        return None, f"{text!r} is not a number"
    if not np.isfinite(number):
        return None, f"{text!r} is not a number"
    if number < 0:
        return None, f"{text!r} is negative"
    return number, None


def code_problem(code: str) -> str | None:
    if not CODE_SHAPE.match(code) or code[:3] not in PREFIX_LEVEL:
        return (f"{code!r} is not an LSOA, MSOA, ward or district code "
                "(E01, E02, E05, E06-E09 or the Welsh W01, W02, W05, W06, and six digits)")
    return None


class AreaRatesImporter(Importer):
    kind = "area-rates"
    help = ("Incidents per area (LSOA/MSOA/ward/district code, count a year and/or rate per head; "
            "--measure names what is counted), e.g. BRC dwelling fires per MSOA")

    def parse(self, source, options, progress) -> Parsed:
        header, rows, lines = source.csv_table()
        brc = tuple(h.strip() for h in header) == BRC_HEADER
        code_at, count_at, rate_at, factor, measure_at = self._columns(source, header, brc)
        require_whole_rows(source, header, rows, lines)
        measure = (options.get("measure") or "").strip() or (BRC["measure"] if brc else "")
        if not measure and measure_at is None:
            raise LoadFailed([Problem(
                source.label, 1, "(measure)",
                "says nothing of what is counted: give --measure (e.g. 'dwelling fires') "
                "or a Measure column")])
        problems = Problems(source.label)
        records = []  # (measure, level, code, count, rate per 1,000)
        first_line: dict[tuple[str, str], int] = {}
        unplaced = 0.0
        for i, row in enumerate(rows):
            line = lines[i]
            code = row[code_at].strip()
            values, bad = {}, False
            for at in (count_at, rate_at):
                values[at], why = _number(row[at]) if at is not None else (None, None)
                if why:
                    problems.add(line, header[at], why)
                    bad = True
            count, rate = values[count_at], values[rate_at]
            what = measure
            if measure_at is not None and row[measure_at].strip():
                what = row[measure_at]
            what = " ".join(what.lower().split())  # one spelling per measure
            if code.lower() in MISSING:
                # The source's total of incidents it could not place in any area.
                if rate is not None:
                    problems.add(line, header[code_at], "has a rate but no area code")
                unplaced += count or 0.0
                continue
            if why := code_problem(code):
                problems.add(line, header[code_at], why)
                continue
            if not what:
                problems.add(line, header[measure_at], "is empty and no --measure was given")
                continue
            if len(what) > AreaRate._meta.get_field("measure").max_length:
                problems.add(line, header[measure_at], "is longer than 100 characters")
                continue
            if bad:
                continue
            if count is None and rate is None:
                names = " or ".join(header[k] for k in (count_at, rate_at) if k is not None)
                problems.add(line, names, "has neither a count nor a rate")
                continue
            key = (what, code)
            if first_line.setdefault(key, line) != line:
                problems.add(line, header[code_at],
                             f"{code} appears twice: on line {first_line[key]} and on line {line}")
                continue
            records.append((what, PREFIX_LEVEL[code[:3]], code, count,
                            None if rate is None else rate * factor))
        problems.raise_if_any()
        progress(len(rows))
        name = BRC["name"] if brc else self._name(records)
        if unplaced:
            name += f"; {unplaced:,.1f} a year not placed in any area"
        return Parsed(source=source, row_count=len(rows), name=name,
                      defaults=BRC_DEFAULTS if brc else None,
                      payload=dict(records=records, period=BRC["period"] if brc else ""))

    @staticmethod
    def _columns(source, header, brc):
        """(code, count or None, rate or None, rate factor to per 1,000, measure or None)."""
        names = [normalise_header(h) for h in header]
        if brc:
            return 0, 1, 2, 1000.0, None
        code_at = next((i for i, n in enumerate(names) if CODE_COLUMN.match(n)), None)
        if code_at is None:
            code_at = next((i for i, n in enumerate(names) if n in CODE_NAMES), None)
        count_at = next((i for i, n in enumerate(names) if n in COUNT_NAMES), None)
        rate_at = next((i for i, n in enumerate(names) if n in RATE_NAMES), None)
        measure_at = next((i for i, n in enumerate(names) if n in MEASURE_NAMES), None)
        shown = ", ".join(header[:30]) or "nothing"
        problems = []
        if code_at is None:
            problems.append(Problem(
                source.label, 1, "(area code)",
                "missing column (expected an ONS code column such as MSOA11CD, LSOA11CD, "
                f"WD19CD, LAD19CD, or area_code; the header has: {shown})"))
        if count_at is None and rate_at is None:
            problems.append(Problem(
                source.label, 1, "(count or rate)",
                "missing column (expected count, count_per_year, rate_per_1000, "
                f"rate_per_person or rate_per_100000; the header has: {shown})"))
        if problems:
            raise LoadFailed(problems)
        factor = RATE_NAMES[names[rate_at]] if rate_at is not None else 1.0
        return code_at, count_at, rate_at, factor, measure_at

    @staticmethod
    def _name(records) -> str:
        measures = sorted({r[0] for r in records})
        levels = [LEVEL_NAMES[level] for level in LEVEL_PREFIXES if any(r[1] == level for r in records)]
        what = ", ".join(measures)
        return f"{what[:1].upper()}{what[1:]} per {' and '.join(levels)}"

    def write(self, parsed, dataset, progress) -> None:
        records = parsed.payload["records"]
        # A newer figure for the same measure and area replaces the older one.
        for measure in {r[0] for r in records}:
            codes = [r[2] for r in records if r[0] == measure]
            for start in range(0, len(codes), 900):
                AreaRate.objects.filter(measure=measure,
                                        area_code__in=codes[start:start + 900]).delete()
        Dataset.objects.filter(kind=self.kind, area_rates__isnull=True).exclude(
            pk=dataset.pk).delete()
        period = parsed.payload["period"]
        insert_rows(AreaRate, ["dataset", "measure", "level", "area_code", "count",
                               "rate_per_1000", "period"],
                    ((dataset.pk, *record, period) for record in records))
        progress(len(records))
