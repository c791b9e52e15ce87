"""English Indices of Deprivation 2019 by LSOA (2011 codes), as MHCLG publishes them.

File 7 carries every score, rank and decile and the population denominators; Files 1
and 2 carry ranks and deciles only. Each comes as CSV (plain or gzipped) or as the
original XLSX, whose data sheet is found by its 'LSOA code (2011)' column (the "Notes"
sheet is passed over) and whose problems are reported by the sheet's row numbers.

Rows are matched by LSOA code, and a file sets only the columns it has: loading File 1
and then File 2 gives the domains without losing anything File 1 gave.
"""

import io
import zipfile

import numpy as np
import openpyxl

from safereach.evidence.importers.base import (
    LSOA_CODE,
    DatasetInfo,
    Importer,
    LoadFailed,
    Parsed,
    Problem,
    Problems,
    find_columns,
    normalise_header,
    require_whole_rows,
)
from safereach.evidence.importers.bulk import insert_rows
from safereach.evidence.importers.lookups import update_rows
from safereach.evidence.models import Deprivation

LSOAS_IN_ENGLAND = 32_844

# Model field prefix → the domain's name in MHCLG's headers.
DOMAINS = {
    "imd": "Index of Multiple Deprivation (IMD)",
    "income": "Income",
    "employment": "Employment",
    "education": "Education, Skills and Training",
    "health": "Health Deprivation and Disability",
    "crime": "Crime",
    "housing": "Barriers to Housing and Services",
    "living_environment": "Living Environment",
    "idaci": "Income Deprivation Affecting Children Index (IDACI)",
}


def _aliases() -> dict[str, tuple[str, ...]]:
    """Header names for every field: File 7 says 'Income Score (rate)' and 'Income Rank
    (where 1 is most deprived)', File 1 plain 'Index of Multiple Deprivation (IMD) Rank';
    the model's own names (imd_rank) are accepted too."""
    aliases = {
        "lsoa_code": ("LSOA code (2011)", "LSOA11CD", "LSOA code", "lsoa_code"),
        "lsoa_name": ("LSOA name (2011)", "LSOA11NM", "LSOA name", "lsoa_name"),
        "district_code": ("Local Authority District code (2019)", "LAD19CD",
                          "Local Authority District code", "district_code"),
    }
    for key, label in DOMAINS.items():
        aliases[f"{key}_score"] = (f"{label} Score", f"{label} Score (rate)", f"{key}_score")
        aliases[f"{key}_rank"] = (f"{label} Rank (where 1 is most deprived)", f"{label} Rank",
                                  f"{key}_rank")
        aliases[f"{key}_decile"] = (f"{label} Decile (where 1 is most deprived 10% of LSOAs)",
                                    f"{label} Decile", f"{key}_decile")
    aliases["population"] = ("Total population: mid 2015 (excluding prisoners)", "population")
    aliases["children_population"] = (
        "Dependent Children aged 0-15: mid 2015 (excluding prisoners)", "children_population")
    return aliases


ALIASES = _aliases()
IDENTITY = ("lsoa_code", "lsoa_name", "district_code")
VALUES = [name for name in ALIASES if name not in IDENTITY]


def _check(name: str, text: str):
    """The value of one cell, or a reason it is not one."""
    value = text.strip()
    if not value:
        return None, "is empty"
    if not name.endswith("_score"):
        # File 6 for England writes 1,000 and over with a thousands separator: "1,296".
        value = value.replace(",", "")
    try:
        number = float(value)
    except ValueError:
        number = np.nan
    if name.endswith("_score"):
        return (number, None) if np.isfinite(number) else (None, f"{text!r} is not a number")
    whole = np.isfinite(number) and number.is_integer()
    if name.endswith("_rank"):
        if whole and 1 <= number <= LSOAS_IN_ENGLAND:
            return int(number), None
        return None, f"{text!r} is not a rank (a whole number from 1 to {LSOAS_IN_ENGLAND:,})"
    if name.endswith("_decile"):
        if whole and 1 <= number <= 10:
            return int(number), None
        return None, f"{text!r} is not a decile (a whole number from 1 to 10)"
    if whole and number >= 0:
        return int(number), None
    return None, f"{text!r} is not a count of people"


def _cell(value) -> str:
    """An XLSX cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_table(source) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows and sheet row numbers of the workbook's data sheet: the first sheet
    with an LSOA code column in its first rows."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise LoadFailed([Problem(source.label, 1, "(file)",
                                  f"is not a readable XLSX workbook: {error}")]) from None
    wanted = {normalise_header(name) for name in ALIASES["lsoa_code"]}
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            # Row numbers are the sheet's: openpyxl yields empty rows for gaps, so counting
            # from 1 keeps them true.
            for number, row in enumerate(rows, 1):
                if number > 20:
                    break
                cells = [_cell(v) for v in row]
                if wanted & {normalise_header(c) for c in cells}:
                    header = cells
                    data, lines = [], []
                    for line, values in enumerate(rows, number + 1):
                        cells = [_cell(v) for v in values]
                        if any(cells):
                            data.append(cells + [""] * (len(header) - len(cells)))
                            lines.append(line)
                    return header, data, lines
        sheets = ", ".join(s.title for s in book.worksheets)
        raise LoadFailed([Problem(source.label, 1, "(file)",
                                  f"no sheet has an 'LSOA code (2011)' column (sheets: {sheets})")])
    finally:
        book.close()


class DeprivationImporter(Importer):
    kind = "deprivation"
    help = ("English Indices of Deprivation 2019 by LSOA: File 7, or Files 1-2 "
            "(CSV, .csv.gz or XLSX)")
    defaults = DatasetInfo(publisher="Ministry of Housing, Communities & Local Government",
                           licence="Open Government Licence v3.0", classification="OFFICIAL")

    def parse(self, source, options, progress) -> Parsed:
        if source.data[:4] == b"PK\x03\x04":  # a zip archive: XLSX
            header, rows, lines = _xlsx_table(source)
        else:
            header, rows, lines = source.csv_table()
        cols = find_columns(source, header, ALIASES, {"lsoa_code"})
        problems = Problems(source.label)
        fields = [name for name in VALUES if name in cols]
        if not fields:
            raise LoadFailed([Problem(
                source.label, 1, "(header)",
                "no deprivation columns (expected MHCLG's names, such as "
                f"'{ALIASES['imd_rank'][0]}'; the header has: {', '.join(header[:30])})")])
        require_whole_rows(source, header, rows, lines)
        columns = list(zip(*rows, strict=True))

        codes = [c.strip() for c in columns[cols["lsoa_code"]]]
        code_column = header[cols["lsoa_code"]]
        first_line: dict[str, int] = {}
        for i, code in enumerate(codes):
            if not LSOA_CODE.match(code):
                problems.add(lines[i], code_column,
                             f"{code!r} is not an LSOA code (E01 or W01 and six digits)")
            elif first_line.setdefault(code, lines[i]) != lines[i]:
                problems.add(lines[i], code_column,
                             f"{code} appears twice: on line {first_line[code]} "
                             f"and on line {lines[i]}")
        values: dict[str, list] = {}
        for name in fields:
            texts = columns[cols[name]]
            checked = {text: _check(name, text) for text in set(texts)}
            for i in (i for i, t in enumerate(texts) if checked[t][1]):
                problems.add(lines[i], header[cols[name]], checked[texts[i]][1])
            values[name] = [checked[t][0] for t in texts]
        for name in ("lsoa_name", "district_code"):
            if name in cols:
                texts = [t.strip() for t in columns[cols[name]]]
                limit = Deprivation._meta.get_field(name).max_length
                for i in (i for i, t in enumerate(texts) if len(t) > limit):
                    problems.add(lines[i], header[cols[name]], f"is longer than {limit} characters")
                values[name] = [t or None for t in texts]
        problems.raise_if_any()
        progress(len(rows))
        return Parsed(source=source, row_count=len(rows), name=self._name(fields),
                      payload=dict(codes=codes, values=values))

    @staticmethod
    def _name(fields) -> str:
        """'…: IMD (rank, decile)' for File 1, '…: IMD and 8 domains (score, rank, decile),
        population' for File 7."""
        domains = [key for key in DOMAINS if any(f.startswith(f"{key}_") for f in fields)]
        others = len(domains) - ("imd" in domains)
        parts = [" and ".join(filter(None, ["IMD" if "imd" in domains else "",
                                            f"{others} domains" if others else ""]))]
        kinds = [k for k in ("score", "rank", "decile") if any(f.endswith(k) for f in fields)]
        described = f"{parts[0]} ({', '.join(kinds)})" if kinds else ""
        if "population" in fields or "children_population" in fields:
            described = ", ".join(filter(None, [described, "population"]))
        return f"English Indices of Deprivation 2019: {described}"

    def write(self, parsed, dataset, progress) -> None:
        codes, values = parsed.payload["codes"], parsed.payload["values"]
        stored = dict(Deprivation.objects.values_list("lsoa_code", "id"))
        fields = list(values)
        every = ["lsoa_name", "district_code", *VALUES]

        def value(name, i):
            v = values[name][i] if name in values else None
            return "" if v is None and name in ("lsoa_name", "district_code") else v

        insert_rows(Deprivation, ["lsoa_code", "vintage", "dataset", *every], (
            (code, 2019, dataset.pk, *(value(name, i) for name in every))
            for i, code in enumerate(codes) if code not in stored
        ))
        update_rows(Deprivation, "lsoa_code", [*fields, "dataset"], (
            (*(values[name][i] for name in fields), dataset.pk, code)
            for i, code in enumerate(codes) if code in stored
        ), keep=set(fields))
        progress(len(codes))
