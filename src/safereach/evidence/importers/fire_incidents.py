"""A fire and rescue service's incident CSV, read through a column mapping.

Every service exports incidents with its own columns, so a mapping file (TOML) says which
column holds what: the reference, the date and time of the call and its strptime format,
the category (a column or a fixed value), property type, deliberate or accidental, and the
location as easting/northing or longitude/latitude, with fallbacks tried in order (LFB gives
exact coordinates for non-dwellings only, and rounded ones for all). Built-in mappings live in
safereach/evidence/mappings/ and are named by file stem: `--mapping lfb`. docs/formats.md
describes the keys.

Incidents are replaced by (service, reference), so reloading a file, or a revised export
that overlaps an earlier one, never duplicates.
"""

import calendar
import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import connection

from safereach.areas.locate import locate_lsoas
from safereach.evidence.importers.base import (
    DatasetInfo,
    Importer,
    LoadFailed,
    Parsed,
    Problem,
    Problems,
    normalise_header,
)
from safereach.evidence.importers.bulk import delete_ids, insert_rows
from safereach.evidence.importers.locations import (
    BNG,
    LONLAT,
    CoordinateTexts,
    Points,
    area_ids,
    check_length,
    duplicate_check,
    nullable,
)
from safereach.evidence.models import Dataset, Incident

# Fire services record local clock time.
LOCAL_TIME = ZoneInfo("Europe/London")

FIELDS = ["dataset", "source", "category", "month", "occurred_at", "reference", "lon", "lat",
          "easting", "northing", "location", "reported_lsoa_code", "lsoa", "lsoa21", "outcome",
          "property_type", "deliberate", "reported_by"]
LIMITS = {"reference": 100, "category": 100, "property_type": 120, "location_text": 200}


def builtin_mappings() -> dict[str, Path]:
    folder = resources.files("safereach.evidence") / "mappings"
    return {entry.name.removesuffix(".toml"): Path(str(entry))
            for entry in folder.iterdir() if entry.name.endswith(".toml")}


# ------------------------------------------------------------------------------ the mapping

@dataclass(frozen=True)
class Text:
    """Where a text field comes from: columns joined by `join`, or a fixed value."""

    columns: tuple[str, ...] = ()
    value: str = ""
    join: str = " "


@dataclass(frozen=True)
class Location:
    system: str  # LONLAT or BNG
    x: str  # longitude or easting column
    y: str  # latitude or northing column


@dataclass(frozen=True)
class Deliberate:
    column: str
    deliberate: frozenset[str]
    accidental: frozenset[str]
    unknown: frozenset[str]


@dataclass(frozen=True)
class Mapping:
    path: str
    service: str
    publisher: str
    licence: str
    name: str
    reference: Text
    occurred_at: tuple[str, ...]  # columns, joined with a space
    formats: tuple[str, ...]
    category: Text
    property_type: Text | None
    location_text: Text | None
    deliberate: Deliberate | None
    locations: tuple[Location, ...]

    def columns(self) -> list[str]:
        """Every column the mapping reads; all must be in the file's header."""
        names = [*self.reference.columns, *self.occurred_at, *self.category.columns]
        for text in (self.property_type, self.location_text):
            if text is not None:
                names.extend(text.columns)
        if self.deliberate is not None:
            names.append(self.deliberate.column)
        for location in self.locations:
            names.extend((location.x, location.y))
        return list(dict.fromkeys(names))


KNOWN_KEYS = {
    "": {"service", "publisher", "licence", "name", "reference", "category", "property_type",
         "location_text", "occurred_at", "deliberate", "location"},
    "occurred_at": {"column", "columns", "format", "formats"},
    "deliberate": {"column", "deliberate", "accidental", "unknown"},
    "location": {"easting", "northing", "longitude", "latitude"},
    "text": {"column", "columns", "value", "join"},
}


class _MappingReader:
    """Checks a mapping file's contents, naming the line of each problem."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.problems: list[Problem] = []
        self.lines = self._key_lines(text)

    @staticmethod
    def _key_lines(text: str) -> dict[tuple, int]:
        """The line of each table header and key: {(table, index, key or None): line}.
        tomllib keeps no positions, so they are found by reading the lines."""
        found: dict[tuple, int] = {}
        table, index, seen = "", 0, Counter()
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if match := re.match(r"\[\[\s*([\w.-]+)\s*\]\]", line):
                table, index = match[1], seen[match[1]]
                seen[table] += 1
                found.setdefault((table, index, None), number)
            elif match := re.match(r"\[\s*([\w.-]+)\s*\]", line):
                table, index = match[1], 0
                found.setdefault((table, index, None), number)
            elif match := re.match(r"""([\w-]+|"[^"]*"|'[^']*')\s*=""", line):
                found.setdefault((table, index, match[1].strip("\"'")), number)
        return found

    def line(self, table: str, index: int = 0, key: str | None = None) -> int:
        return (self.lines.get((table, index, key)) or self.lines.get((table, index, None))
                or self.lines.get(("", 0, table)) or 1)

    def add(self, table: str, index: int, key: str | None, reason: str) -> None:
        label = table + (f"[{index + 1}]" if table == "location" else "")
        label = ".".join(part for part in (label, key) if part) or "(mapping)"
        self.problems.append(Problem(self.path, self.line(table, index, key), label, reason))

    def string(self, table, index, key, value, *, required=False) -> str:
        if value is None:
            if required:
                self.add(table, index, key, "is missing")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(table, index, key, "must be a non-empty string")
            return ""
        return value.strip()

    def strings(self, table, index, key, value) -> tuple[str, ...]:
        """A string or a list of strings, as a tuple."""
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(
                isinstance(v, str) and v.strip() for v in value):
            self.add(table, index, key, "must be a string or a list of strings")
            return ()
        return tuple(v.strip() for v in value)

    def unknown_keys(self, table, index, given: dict, known: set[str]) -> None:
        for key in given:
            if key not in known:
                self.add(table, index, key,
                         f"is not a key here (known: {', '.join(sorted(known))})")

    def text(self, key: str, value, *, required: bool) -> Text | None:
        if value is None:
            if required:
                self.add("", 0, key, "is missing (a column name, or { value = \"…\" })")
            return None
        if isinstance(value, str):
            value = {"column": value}
        if not isinstance(value, dict):
            self.add("", 0, key, "must be a column name or a table such as { column = \"…\" }")
            return None
        self.unknown_keys(key, 0, value, KNOWN_KEYS["text"])
        given = [k for k in ("column", "columns", "value") if k in value]
        if len(given) != 1:
            self.add("", 0, key, "needs exactly one of column, columns or value")
            return None
        if "value" in value:
            if key == "reference":  # one fixed reference would make every row a duplicate
                self.add("", 0, key, "must name a column, not a fixed value")
            return Text(value=self.string(key, 0, "value", value["value"], required=True))
        join = value.get("join", " ")
        if not isinstance(join, str):
            self.add(key, 0, "join", "must be a string")
        return Text(columns=self.strings(key, 0, given[0], value[given[0]]), join=str(join))

    def occurred_at(self, value) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if not isinstance(value, dict):
            self.add("", 0, "occurred_at",
                     "is missing (a [occurred_at] table with column and format)" if value is None
                     else "must be a table with column (or columns) and format (or formats)")
            return (), ()
        self.unknown_keys("occurred_at", 0, value, KNOWN_KEYS["occurred_at"])
        columns = formats = ()
        for names, plural, singular in (("columns", "columns", "column"),
                                        ("formats", "formats", "format")):
            keys = [k for k in (singular, plural) if k in value]
            if len(keys) != 1:
                self.add("occurred_at", 0, None, f"needs exactly one of {singular} or {plural}")
                continue
            found = self.strings("occurred_at", 0, keys[0], value[keys[0]])
            if names == "columns":
                columns = found
            else:
                formats = found
                for fmt in found:
                    if reason := _format_problem(fmt):
                        self.add("occurred_at", 0, keys[0], f"{fmt!r} {reason}")
        return columns, formats

    def deliberate(self, value) -> Deliberate | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.add("", 0, "deliberate", "must be a table with column, deliberate and accidental")
            return None
        self.unknown_keys("deliberate", 0, value, KNOWN_KEYS["deliberate"])
        column = self.string("deliberate", 0, "column", value.get("column"), required=True)
        sets, earlier = {}, set()
        for key in ("deliberate", "accidental", "unknown"):
            if key not in value:
                if key != "unknown":
                    self.add("deliberate", 0, key, "is missing (the values that mean it)")
                sets[key] = frozenset()
                continue
            sets[key] = frozenset(v.lower() for v in self.strings("deliberate", 0, key, value[key]))
            if clash := sets[key] & earlier:
                self.add("deliberate", 0, key,
                         f"{', '.join(sorted(clash))} is listed under another meaning too")
            earlier |= sets[key]
        return Deliberate(column, sets["deliberate"], sets["accidental"], sets["unknown"])

    def locations(self, value) -> tuple[Location, ...]:
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not value:
            self.add("", 0, "location",
                     "is missing (one or more [[location]] tables with easting and northing, "
                     "or longitude and latitude)")
            return ()
        found = []
        for i, entry in enumerate(value):
            if not isinstance(entry, dict):
                self.add("location", i, None, "must be a table")
                continue
            self.unknown_keys("location", i, entry, KNOWN_KEYS["location"])
            keys = set(entry) & KNOWN_KEYS["location"]
            if keys == {"easting", "northing"}:
                system, x, y = BNG, "easting", "northing"
            elif keys == {"longitude", "latitude"}:
                system, x, y = LONLAT, "longitude", "latitude"
            else:
                self.add("location", i, None,
                         "needs easting and northing, or longitude and latitude")
                continue
            found.append(Location(system, self.string("location", i, x, entry[x], required=True),
                                  self.string("location", i, y, entry[y], required=True)))
        return tuple(found)


def _format_problem(fmt: str) -> str:
    """Why a strptime format cannot read a date and time, or '' if it can: it must read back
    what it writes, day, month and year included."""
    sample = datetime(2019, 1, 31, 13, 45, 59)
    try:
        back = datetime.strptime(sample.strftime(fmt), fmt)
    except ValueError as error:
        return f"is not a usable strptime format ({error})"
    if back.date() != sample.date():
        return "does not hold a whole date (day, month and year)"
    return ""


def read_mapping(path: Path, label: str) -> Mapping:
    """The mapping in a TOML file; every problem is reported as `label:line: key: reason`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LoadFailed([Problem(label, 0, "(mapping)", f"cannot be read: {error}")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        line = int(where[1]) if where else 1
        raise LoadFailed([Problem(label, line, "(mapping)", f"not valid TOML: {error}")]) from None
    reader = _MappingReader(label, text)
    reader.unknown_keys("", 0, data, KNOWN_KEYS[""])
    service = reader.string("", 0, "service", data.get("service"), required=True)
    columns, formats = reader.occurred_at(data.get("occurred_at"))
    mapping = Mapping(
        path=label,
        service=service,
        publisher=reader.string("", 0, "publisher", data.get("publisher")) or service,
        licence=reader.string("", 0, "licence", data.get("licence")),
        name=reader.string("", 0, "name", data.get("name")),
        reference=reader.text("reference", data.get("reference"), required=True),
        occurred_at=columns,
        formats=formats,
        category=reader.text("category", data.get("category"), required=True),
        property_type=reader.text("property_type", data.get("property_type"), required=False),
        location_text=reader.text("location_text", data.get("location_text"), required=False),
        deliberate=reader.deliberate(data.get("deliberate")),
        locations=reader.locations(data.get("location")),
    )
    if reader.problems:
        raise LoadFailed(reader.problems)
    return mapping


def choose_mapping(spec: str, source, header: list[str]) -> Mapping:
    """The mapping named by --mapping (a file, or a built-in by name); without one, the only
    built-in mapping whose columns the header has."""
    builtin = builtin_mappings()
    names = ", ".join(sorted(builtin))
    if spec:
        if spec in builtin:
            return read_mapping(builtin[spec], str(builtin[spec]))
        path = Path(spec)
        if not path.is_file():
            raise LoadFailed([Problem(spec, 0, "(mapping)",
                                      f"no such mapping file, nor a built-in mapping ({names})")])
        return read_mapping(path, spec)
    present = {normalise_header(h) for h in header}
    candidates = {name: read_mapping(path, str(path)) for name, path in sorted(builtin.items())}
    fitting = [name for name, mapping in candidates.items()
               if all(normalise_header(c) in present for c in mapping.columns())]
    if len(fitting) == 1:
        return candidates[fitting[0]]
    reason = (f"the header fits more than one built-in mapping ({', '.join(fitting)})" if fitting
              else f"the header fits none of the built-in mappings ({names})")
    raise LoadFailed([Problem(source.label, 1, "(mapping)",
                              f"{reason}; give --mapping FILE or the name of a built-in mapping")])


# ------------------------------------------------------------------------ reading the rows

# strptime directives the fast reader understands; other formats go to datetime.strptime.
_DIRECTIVES = {"d": r"(?P<d>\d{1,2})", "m": r"(?P<m>\d{1,2})", "b": r"(?P<b>[A-Za-z]{3})",
               "Y": r"(?P<Y>\d{4})", "y": r"(?P<y>\d{2})", "H": r"(?P<H>\d{1,2})",
               "M": r"(?P<M>\d{1,2})", "S": r"(?P<S>\d{1,2})"}
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}


def _fast_reader(fmt: str) -> Callable[[str], datetime | None] | None:
    """A regular expression doing what strptime does for a format of common directives,
    some ten times faster: an incident file can hold two million calls. None if the format
    uses anything else."""
    pattern, used = [], set()
    for part in re.split(r"(%.|\s+)", fmt):
        if part.startswith("%"):
            if part[1:] not in _DIRECTIVES or part[1:] in used:
                return None
            used.add(part[1:])
            pattern.append(_DIRECTIVES[part[1:]])
        elif part.isspace():
            pattern.append(r"\s+")
        else:
            pattern.append(re.escape(part))
    if not {"d", "Y"} <= used and not {"d", "y"} <= used or not used & {"m", "b"}:
        return None
    match = re.compile("".join(pattern), re.IGNORECASE).fullmatch

    def read(text: str) -> datetime | None:
        found = match(text)
        if found is None:
            return None
        g = found.groupdict()
        year = int(g["Y"]) if g.get("Y") else int(g["y"]) + (2000 if int(g["y"]) < 69 else 1900)
        month = int(g["m"]) if g.get("m") else _MONTHS.get(g["b"].lower(), 0)
        try:
            return datetime(year, month, int(g["d"]), int(g.get("H") or 0), int(g.get("M") or 0),
                            int(g.get("S") or 0))
        except ValueError:  # 31/02, month 13, hour 24: not a moment
            return None

    return read


class Moments:
    """Reads the date and time of a call with the mapping's formats, in local time."""

    def __init__(self, formats: tuple[str, ...]):
        self.formats = list(formats)
        self.readers = {fmt: _fast_reader(fmt) or self._strptime(fmt) for fmt in formats}

    @staticmethod
    def _strptime(fmt: str) -> Callable[[str], datetime | None]:
        def read(text: str) -> datetime | None:
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                return None
        return read

    def read(self, text: str) -> datetime | str:
        """The moment, or why the text is not one. The format that matched last is tried
        first: a file keeps to one."""
        if not text:
            return "is empty"
        for i, fmt in enumerate(self.formats):
            when = self.readers[fmt](text)
            if when is None:
                continue
            if i:
                self.formats.insert(0, self.formats.pop(i))
            return when if when.tzinfo else when.replace(tzinfo=LOCAL_TIME)
        shown = " or ".join(repr(f) for f in self.formats)
        return f"{text!r} does not match the mapping's format {shown}"


def text_reader(spec: Text | None, index: dict[str, int], *,
                share: bool = True) -> Callable[[list[str]], str]:
    """A function giving a row's value of a text field. With `share`, equal values are one
    string: categories and property types repeat a million times in a large export."""
    if spec is None or spec.value:
        value = spec.value if spec is not None else ""
        return lambda row: value
    positions = [index[c] for c in spec.columns]
    shared: dict[str, str] = {}
    if len(positions) == 1:
        [i] = positions

        def one(row):
            value = row[i].strip()
            return shared.setdefault(value, value) if share else value
        return one

    def joined(row):
        value = spec.join.join(part for part in (row[i].strip() for i in positions) if part)
        return shared.setdefault(value, value) if share else value
    return joined


# ----------------------------------------------------------------------------- the importer

class FireIncidentsImporter(Importer):
    kind = "fire-incidents"
    help = ("a fire service's incident CSV with --mapping FILE or a built-in mapping "
            "(lfb, lfb-animal-rescue)")
    defaults = DatasetInfo(licence="Open Government Licence v3.0", classification="OFFICIAL")

    def parse(self, source, options, progress) -> Parsed:
        header, records = source.csv_records()
        mapping = choose_mapping(options.get("mapping", ""), source, header)
        index = self._columns(source, header, mapping)
        problems = Problems(source.label)
        width = len(header)

        def column(spec: Text | None) -> str:
            return spec.columns[0] if spec is not None and spec.columns else "(mapping)"

        read = {name: text_reader(getattr(mapping, name), index, share=name != "reference")
                for name in LIMITS}
        labels = {name: column(getattr(mapping, name)) for name in LIMITS}
        when_columns = [index[c] for c in mapping.occurred_at]
        when_label = "/".join(header[i] for i in when_columns)
        moments = Moments(mapping.formats)
        seen: dict = {}
        lines, refs, occurred, categories, property_types = [], [], [], [], []
        deliberate, location_texts = [], []
        coordinates = CoordinateTexts(header, [(spec.system, index[spec.x], index[spec.y])
                                               for spec in mapping.locations])
        for count, (line, row) in enumerate(records, 1):
            if len(row) != width:
                problems.add(line, "(row)", f"expected {width} fields, found {len(row)}")
                continue
            values = {name: reader(row) for name, reader in read.items()}
            ref = values["reference"]
            if not ref:
                problems.add(line, labels["reference"], "is empty")
            else:
                duplicate_check(problems, line, labels["reference"], ref, f"reference {ref!r}",
                                seen)
            when = moments.read(" ".join(row[i].strip() for i in when_columns).strip())
            if isinstance(when, str):
                problems.add(line, when_label, when)
            if not values["category"]:
                problems.add(line, labels["category"], "is empty")
            for name, value in values.items():
                check_length(problems, line, labels[name], value, LIMITS[name])
            lines.append(line)
            refs.append(ref)
            occurred.append(when if isinstance(when, datetime) else None)
            categories.append(values["category"])
            property_types.append(values["property_type"])
            location_texts.append(values["location_text"])
            deliberate.append(self._deliberate(mapping.deliberate, row, index, line, problems))
            coordinates.add(row)
            if count % 20_000 == 0:
                progress(20_000)
        progress(len(lines) % 20_000)
        if not lines and not problems:
            problems.add(2, "(file)", "the file has a header but no rows")
        location = coordinates.read(lines, problems)
        problems.raise_if_any()
        days = [when.date() for when in occurred]
        return Parsed(
            source=source, row_count=len(lines),
            name=self._name(mapping, min(days), max(days)),
            period_start=min(days), period_end=max(days),
            defaults=DatasetInfo(publisher=mapping.publisher,
                                 licence=mapping.licence or self.defaults.licence,
                                 classification=self.defaults.classification),
            payload=dict(service=mapping.service, refs=refs, occurred=occurred,
                         categories=categories, property_types=property_types,
                         deliberate=deliberate, location_texts=location_texts, location=location),
        )

    @staticmethod
    def _columns(source, header: list[str], mapping: Mapping) -> dict[str, int]:
        """Position of each column the mapping names; missing ones are problems on line 1."""
        positions = {normalise_header(name): i for i, name in enumerate(header)}
        index, missing = {}, []
        for name in mapping.columns():
            if normalise_header(name) in positions:
                index[name] = positions[normalise_header(name)]
            else:
                missing.append(name)
        if missing:
            shown = ", ".join(header[:30]) or "nothing"
            raise LoadFailed([
                Problem(source.label, 1, name, f"missing column (mapping {mapping.path} names it; "
                                               f"the header has: {shown})")
                for name in missing
            ])
        return index

    @staticmethod
    def _deliberate(spec: Deliberate | None, row, index, line, problems) -> bool | None:
        if spec is None:
            return None
        value = row[index[spec.column]].strip()
        key = value.lower()
        if not key or key in spec.unknown:
            return None
        if key in spec.deliberate:
            return True
        if key in spec.accidental:
            return False
        listed = sorted(spec.deliberate | spec.accidental | spec.unknown)
        problems.add(line, spec.column, f"{value!r} is none of the values the mapping lists "
                                        f"({', '.join(listed)})")
        return None

    @staticmethod
    def _name(mapping: Mapping, first: date, last: date) -> str:
        span = f"{first:%Y-%m}" if (first.year, first.month) == (last.year, last.month) \
            else f"{first:%Y-%m} to {last:%Y-%m}"
        return f"{mapping.name or 'Fire incidents'}, {mapping.service}, {span}"

    def write(self, parsed, dataset, progress) -> None:
        p = parsed.payload
        service = p["service"]
        # The same incident loaded before, from this file or an overlapping export, is replaced.
        refs = set(p["refs"])
        earlier = Incident.objects.filter(source=Incident.Source.FIRE, reported_by=service)
        delete_ids(Incident, [pk for pk, ref in earlier.values_list("id", "reference")
                              .iterator(chunk_size=10_000) if ref in refs])
        Dataset.objects.filter(kind=self.kind, incidents__isnull=True).exclude(
            pk=dataset.pk).delete()

        location: Points = p["location"]
        present = location.present
        lsoa11, lsoa21 = locate_lsoas(location.lon, location.lat)
        adapt = connection.ops.adapt_datetimefield_value
        n = len(p["refs"])
        rows = zip(  # noqa: B905 (a generator for insert_rows; every column has n values)
            [dataset.pk] * n, [Incident.Source.FIRE.value] * n, p["categories"],
            [date(when.year, when.month, 1) for when in p["occurred"]],
            [adapt(when) for when in p["occurred"]], p["refs"],
            nullable(location.lon, present), nullable(location.lat, present),
            nullable(location.easting, present, 1), nullable(location.northing, present, 1),
            p["location_texts"], [""] * n, area_ids(lsoa11), area_ids(lsoa21), [""] * n,
            p["property_types"], p["deliberate"], [service] * n,
        )
        insert_rows(Incident, FIELDS, rows)
        progress(n)

