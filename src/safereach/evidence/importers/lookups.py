"""ONS geography lookups: LSOA → ward → district (and the ward → district → county file).

Columns are found by their ONS names, whatever the year: LSOA11CD/LSOA11NM, WD19CD/WD19NM,
LAD19CD/LAD19NM and so on. Each row names an LSOA, its ward and its district; loading
creates the areas that do not exist yet (without boundaries) and sets their names and
links. Other columns (FID, county, electoral division) are read past.

An Output Area Classification column (OAC11CD), as in ONS's "OA to LSOA to MSOA to LAD
(December 2017) with area classifications", gives each LSOA the share of its output areas in
each supergroup of the 2011 classification (`OutputAreaClassification`).

An MSOA code column (MSOA11CD) beside the LSOA codes, as in ONS's "LSOA to MSOA" and
"OA to LSOA to MSOA to LAD" lookups, sets each LSOA's `msoa_code`: what attaches figures
published per MSOA (dwelling fires, say) to the schools of its LSOAs. MSOAs are not areas
of their own, so an MSOA column without LSOA codes is read past like any other.

This module also holds what the boundary importer shares with it: ONS code rules and
writing areas in bulk by code.
"""

import re
from collections.abc import Collection, Iterable, Sequence

from django.db import connection

from safereach.areas.locate import forget_locators
from safereach.areas.models import Area
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
from safereach.evidence.importers.bulk import checked, insert_rows
from safereach.evidence.models import OutputAreaClassification

LEVELS = ("lsoa", "ward", "district")  # finest first
LEVEL_LABEL = {"lsoa": "LSOA", "ward": "ward", "district": "district"}

# The first three characters of a GSS code say what it is: E01 an English LSOA, E05 a
# ward, E06–E09 a district… Scotland and Northern Ireland appear in UK-wide files.
CODE_PREFIXES = {
    # Scotland's data zones stand in the LSOA column of ONS's Great Britain lookups.
    "lsoa": ("E01", "W01", "S01"),
    "ward": ("E05", "W05", "S13", "N08"),
    "district": ("E06", "E07", "E08", "E09", "W06", "S12", "N09"),
}
CODE_SHAPE = re.compile(r"^[A-Z]\d{8}$")
PREFIX_LEVEL = {"lsoa": "lsoa", "wd": "ward", "lad": "district"}

# 'LSOA11CD', 'wd19nm', 'LAD19CD' once normalised: level, two-digit year, code or name.
LOOKUP_COLUMN = re.compile(r"^(lsoa|wd|lad)(\d{2})?(cd|nm)$")
MSOA_COLUMN = re.compile(r"^msoa(\d{2})?cd$")
OAC_CODE = re.compile(r"^[1-8][a-z]\d$")
MSOA_CODE = re.compile(r"^([EW]02|S02)\d{6}$")  # S02: Scotland's intermediate zones


def code_problem(level: str, code: str) -> str | None:
    """Why `code` cannot be the ONS code of an area of `level`, or None if it can."""
    if not code:
        return "is empty"
    if not CODE_SHAPE.match(code) or code[:3] not in CODE_PREFIXES[level]:
        return (f"{code!r} is not a{'n' if level == 'lsoa' else ''} {LEVEL_LABEL[level]} code "
                f"({', '.join(CODE_PREFIXES[level])} and six digits)")
    return None


def code_level(code: str) -> str | None:
    """The level an ONS code's prefix says it is, or None."""
    return next((level for level, prefixes in CODE_PREFIXES.items() if code[:3] in prefixes), None)


def year(two_digits: str | None) -> int | None:
    """ONS column years are two digits: '11' → 2011."""
    return 2000 + int(two_digits) if two_digits else None


def update_rows(model, key: str, fields: Sequence[str], rows: Iterable[tuple],
                keep: Collection[str] = (), chunk: int = 20_000) -> None:
    """UPDATE the row whose `key` equals each tuple's last value with the values of `fields`.

    For the fields in `keep`, None leaves the stored value as it is, so a source that says
    nothing about a field never erases what another source gave. One executemany per chunk:
    the ORM's bulk_update builds CASE expressions that grow with the batch and crawl on
    tens of thousands of rows.
    """
    rows = checked(model, [*fields, key], rows)
    meta = model._meta
    quote = connection.ops.quote_name
    sets = []
    for name in fields:
        column = quote(meta.get_field(name).column)
        sets.append(f"{column} = COALESCE(%s, {column})" if name in keep else f"{column} = %s")
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} "
           f"WHERE {quote(meta.get_field(key).column)} = %s")
    with connection.cursor() as cursor:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _stored(codes: Collection[str]) -> dict[str, tuple[int, int | None, int | None]]:
    """code → (id, vintage, last vintage) of the areas already stored. A few codes are asked for in
    chunks every database accepts as parameters; a national file's are picked from one
    pass over the levels it holds, which is far quicker than dozens of chunked queries."""
    if len(codes) <= 2_000:
        codes = list(codes)
        rows = (row for start in range(0, len(codes), 900)
                for row in Area.objects.filter(code__in=codes[start:start + 900])
                .values_list("code", "id", "vintage", "last_vintage"))
    else:
        wanted = set(codes)
        levels = {code_level(code) for code in wanted} - {None}
        rows = (row for row in Area.objects.filter(level__in=levels)
                .values_list("code", "id", "vintage", "last_vintage") if row[0] in wanted)
    return {code: (pk, vintage, last) for code, pk, vintage, last in rows}


AREA_VALUES = ("name", "geometry", "min_lon", "min_lat", "max_lon", "max_lat", "centroid_lon",
               "centroid_lat", "centroid_easting", "centroid_northing", "area_km2", "msoa_code")


def save_areas(areas: dict[str, dict], dataset_id: int, replace_dataset: bool = False) -> None:
    """Create or update areas by code.

    Each value gives `level` and `vintage`, and any of AREA_VALUES, `parent` and `district`
    (as codes of areas that are also among `areas`). A missing or None value leaves what is
    stored. New areas belong to `dataset_id`; existing ones are moved to it only with
    `replace_dataset` (when this source replaces their boundary).

    ONS keeps a code only while its boundary is unchanged, so an LSOA in both the 2011 and
    the 2021 sets is one area: it keeps the first vintage it was published in and the last,
    and belongs to every set between.
    """
    stored = _stored(areas.keys())
    ids = {code: pk for code, (pk, _, _) in stored.items()}
    # Coarsest level first, so each new area is inserted with its links already known.
    for level in reversed(LEVELS):
        new = [code for code, area in areas.items() if area["level"] == level and code not in ids]
        if not new:
            continue
        # A new area that no source has named yet is known by its code.
        insert_rows(Area, ["code", "level", "vintage", "last_vintage", "is_fictional", "dataset",
                           "parent", "district", *AREA_VALUES], (
            (code, level, areas[code].get("vintage"), areas[code].get("vintage"), False, dataset_id,
             ids.get(areas[code].get("parent")), ids.get(areas[code].get("district")),
             areas[code].get("name") or code, areas[code].get("geometry") or "",
             *(areas[code].get(f) for f in AREA_VALUES[2:]))
            for code in new
        ), chunk=5_000)
        ids.update((code, pk) for code, (pk, _, _) in _stored(new).items())

    def vintages(code):
        known = [v for v in (areas[code].get("vintage"), *stored[code][1:]) if v is not None]
        return (min(known), max(known)) if known else (None, None)

    # Only the fields this source gives: a lookup leaves boundaries alone, cheaply.
    given = [f for f in AREA_VALUES if any(area.get(f) is not None for area in areas.values())]
    fields = [*given, "vintage", "last_vintage", "parent", "district",
              *(["dataset"] if replace_dataset else [])]
    update_rows(Area, "code", fields, (
        (*(areas[code].get(f) for f in given), *vintages(code),
         ids.get(areas[code].get("parent")), ids.get(areas[code].get("district")),
         *([dataset_id] if replace_dataset else []), code)
        for code in stored
    ), keep=set(fields))
    forget_locators()  # boundaries changed: point-in-polygon must read them afresh


class LookupImporter(Importer):
    kind = "lookups"
    help = "ONS lookup CSV, e.g. LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM"
    defaults = DatasetInfo(publisher="Office for National Statistics",
                           licence="Open Government Licence v3.0", classification="OFFICIAL")

    def parse(self, source, options, progress) -> Parsed:
        header, rows, lines = source.csv_table()
        columns = self._columns(source, header)
        require_whole_rows(source, header, rows, lines)
        problems = Problems(source.label)
        levels = [level for level in LEVELS if level in columns]
        values = list(zip(*rows, strict=True))

        # Check each distinct code once: a national lookup repeats each district thousands of times.
        for level in levels:
            index, _, _ = columns[level]
            bad = {code: why for code in set(values[index])
                   if (why := code_problem(level, code.strip()))}
            for i in (i for i, code in enumerate(values[index]) if code in bad):
                problems.add(lines[i], header[index], bad[values[index][i]])
        problems.raise_if_any()

        areas: dict[str, dict] = {}
        parent_seen: dict[str, tuple[str, int]] = {}  # child code → (parent code, line)
        for i, row in enumerate(rows):
            chain = []
            for level in levels:
                index, name_index, vintage = columns[level]
                code = row[index].strip()
                name = row[name_index].strip() if name_index is not None else ""
                area = areas.setdefault(code, {"level": level, "vintage": vintage, "name": None})
                if name and not area["name"]:
                    area["name"] = name
                chain.append(code)
            for child, parent, level in zip(chain, chain[1:], levels[1:], strict=False):
                earlier = parent_seen.setdefault(child, (parent, lines[i]))
                if earlier[0] != parent:
                    problems.add(lines[i], header[columns[level][0]],
                                 f"{child} is in {parent} here but in {earlier[0]} "
                                 f"on line {earlier[1]}")
                # An LSOA's parent is its ward and a ward's its district; an LSOA → district
                # file gives the district link only.
                if LEVELS.index(level) == LEVELS.index(areas[child]["level"]) + 1:
                    areas[child]["parent"] = parent
            if levels[-1] == "district":
                for code in chain[:-1]:
                    areas[code]["district"] = chain[-1]
        msoa = self._msoa_column(header) if "lsoa" in columns else None
        if msoa is not None:
            self._read_msoas(rows, lines, header, columns["lsoa"][0], msoa, areas, problems)
        oac = self._oac_column(header) if "lsoa" in columns else None
        classes = (self._read_classes(rows, lines, header, columns["lsoa"][0], oac, problems)
                   if oac is not None else None)
        problems.raise_if_any()
        progress(len(rows))
        described = " → ".join(
            f"{LEVEL_LABEL[level]}" + (f" ({columns[level][2]})" if columns[level][2] else "")
            for level in levels)
        if msoa is not None:
            described += f" lookup, with each LSOA's MSOA{f' ({msoa[1]})' if msoa[1] else ''}"
        else:
            described += " lookup"
        if classes is not None:
            described += " and the 2011 Output Area Classification"
        return Parsed(source=source, row_count=len(rows), name=described,
                      payload={"areas": areas, "classes": classes})

    @staticmethod
    def _oac_column(header) -> int | None:
        """The 2011 Output Area Classification code column (OAC11CD), or None."""
        return next((i for i, name in enumerate(header) if normalise_header(name) == "oac11cd"), None)

    @staticmethod
    def _read_classes(rows, lines, header, lsoa_index, index, problems) -> dict[str, dict[str, int]]:
        """LSOA → supergroup (the code's first digit, 1-8) → output areas in it: one row per
        output area, as ONS's OA → LSOA lookups have."""
        classes: dict[str, dict[str, int]] = {}
        for i, row in enumerate(rows):
            code = row[index].strip()
            if not OAC_CODE.match(code):
                problems.add(lines[i], header[index],
                             "is empty" if not code else
                             f"{code!r} is not an Output Area Classification code (a digit 1-8, "
                             "a letter and a digit, as 7d1)")
                continue
            groups = classes.setdefault(row[lsoa_index].strip(), {})
            groups[code[0]] = groups.get(code[0], 0) + 1
        return classes

    @staticmethod
    def _msoa_column(header) -> tuple[int, int | None] | None:
        """(index, vintage) of the first MSOA code column, or None."""
        for i, name in enumerate(header):
            if match := MSOA_COLUMN.match(normalise_header(name)):
                return i, year(match[1])
        return None

    @staticmethod
    def _read_msoas(rows, lines, header, lsoa_index, msoa, areas, problems) -> None:
        """Each LSOA's MSOA code; an LSOA placed in two MSOAs is a problem."""
        index, _ = msoa
        seen: dict[str, tuple[str, int]] = {}
        for i, row in enumerate(rows):
            lsoa, code = row[lsoa_index].strip(), row[index].strip()
            if not MSOA_CODE.match(code):
                problems.add(lines[i], header[index],
                             "is empty" if not code else
                             f"{code!r} is not an MSOA code (E02, W02 or S02 and six digits)")
                continue
            earlier = seen.setdefault(lsoa, (code, lines[i]))
            if earlier[0] != code:
                problems.add(lines[i], header[index],
                             f"{lsoa} is in {code} here but in {earlier[0]} on line {earlier[1]}")
            areas[lsoa]["msoa_code"] = code

    @staticmethod
    def _columns(source, header) -> dict[str, tuple[int, int | None, int | None]]:
        """level → (code column, name column or None, vintage) from the ONS column names."""
        found: dict[str, dict] = {}
        for i, name in enumerate(header):
            match = LOOKUP_COLUMN.match(normalise_header(name))
            if not match:
                continue
            level = PREFIX_LEVEL[match[1]]
            found.setdefault(level, {}).setdefault(match[2], {})[match[3]] = i
        problems = []
        columns = {}
        for level, by_year in found.items():
            coded = {yy: parts for yy, parts in by_year.items() if "cd" in parts}
            if len(coded) > 1:
                names = ", ".join(header[parts["cd"]] for parts in coded.values())
                problems.append(Problem(
                    source.label, 1, "(header)",
                    f"has {LEVEL_LABEL[level]} codes of more than one year ({names}); "
                    "a lookup links one LSOA, ward and district set"))
            elif coded:
                yy, parts = next(iter(coded.items()))
                columns[level] = (parts["cd"], parts.get("nm"), year(yy))
        if not columns and not problems:
            problems.append(Problem(
                source.label, 1, "(header)",
                "no LSOA, ward or district code column (expected ONS names such as LSOA11CD, "
                f"WD19CD, LAD19CD; the header has: {', '.join(header[:30]) or 'nothing'})"))
        if problems:
            raise LoadFailed(problems)
        return columns

    def write(self, parsed, dataset, progress) -> None:
        save_areas(parsed.payload["areas"], dataset.pk)
        classes = parsed.payload["classes"]
        if classes:
            # A newer classification of an LSOA replaces the old one.
            codes = list(classes)
            for start in range(0, len(codes), 900):
                OutputAreaClassification.objects.filter(lsoa_code__in=codes[start:start + 900]).delete()
            OutputAreaClassification.objects.bulk_create([
                OutputAreaClassification(lsoa_code=code, output_areas=sum(groups.values()),
                                         supergroups=groups, dataset=dataset)
                for code, groups in classes.items()], batch_size=2000)
        progress(parsed.row_count)
