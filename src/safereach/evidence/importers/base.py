"""What every importer shares: reading a source file, naming problems, the importer contract."""

import csv
import gzip
import hashlib
import io
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from safereach.core.json_input import too_deep_at

MAX_SHOWN_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, precise enough to find and fix it."""

    path: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.column}: {self.reason}"


class LoadFailed(Exception):
    """The input cannot be loaded; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.report())

    def report(self, limit: int = MAX_SHOWN_PROBLEMS) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        hidden = len(self.problems) - limit
        if hidden > 0:
            lines.append(f"… and {hidden} more problem{'s' if hidden != 1 else ''}")
        return "\n".join(lines)


class Problems:
    """Collects the problems of one file; raise() stops the load if there are any."""

    def __init__(self, path: str):
        self.path = path
        self.items: list[Problem] = []

    def add(self, line: int, column: str, reason: str) -> None:
        self.items.append(Problem(self.path, line, column, reason))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise LoadFailed(sorted(self.items, key=lambda p: p.line))


def normalise_header(name: str) -> str:
    """'Crime ID' and 'crime_id' compare equal; so do 'LA (code)' and 'la_code'."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


@dataclass
class SourceFile:
    """A file as loaded: its bytes (gunzipped), text, checksum and name for messages."""

    path: Path
    data: bytes
    checksum: str
    encoding: str = "utf-8"
    _text: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        """How problems name the file: as the user typed it."""
        return str(self.path)

    @classmethod
    def read(cls, path: str | Path, encoding: str = "utf-8") -> "SourceFile":
        path = Path(path)
        problems = Problems(str(path))
        try:
            raw = path.read_bytes()
        except OSError as error:
            problems.add(0, "(file)", f"cannot be read: {error.strerror or error}")
            problems.raise_if_any()
        checksum = hashlib.sha256(raw).hexdigest()
        if raw[:2] == b"\x1f\x8b":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as error:
                problems.add(0, "(file)", f"looks gzip-compressed but cannot be decompressed: {error}")
                problems.raise_if_any()
        if not raw.strip():
            problems.add(1, "(file)", "the file is empty")
            problems.raise_if_any()
        return cls(path=path, data=raw, checksum=checksum, encoding=encoding)

    @property
    def text(self) -> str:
        if self._text is None:
            try:
                text = self.data.decode(self.encoding)
            except UnicodeDecodeError as error:
                line = self.data[: error.start].count(b"\n") + 1
                raise LoadFailed([Problem(
                    self.label, line, "(encoding)",
                    f"byte 0x{self.data[error.start]:02x} is not valid {self.encoding}; "
                    "save the file as UTF-8, or give its encoding with --encoding "
                    "(GIAS downloads are often windows-1252)",
                )]) from None
            text = text.removeprefix("\ufeff")
            if "\x00" in text:
                raise LoadFailed(nul_problems(self.label, text))
            self._text = text
        return self._text

    def csv_records(self) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
        """The header and an iterator of (line number where the record starts, fields)."""
        reader = csv.reader(io.StringIO(self.text, newline=""))
        try:
            header = next(reader)
        except StopIteration:
            raise LoadFailed([Problem(self.label, 1, "(file)", "the file is empty")]) from None
        except csv.Error as error:
            raise LoadFailed([Problem(self.label, 1, "(header)", f"not valid CSV: {error}")]) from None

        def records():
            start = reader.line_num + 1
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    raise LoadFailed([Problem(self.label, start, "(row)",
                                              f"not valid CSV: {error}")]) from None
                if row:  # blank lines carry nothing
                    yield start, row
                start = reader.line_num + 1

        return header, records()


    def csv_table(self) -> tuple[list[str], list[list[str]], "range | list[int]"]:
        """The header, every record, and the line number each record starts on.

        One C-speed pass; line numbers are simply 2, 3, … unless a quoted field spans lines
        or blank lines are skipped, when they are counted record by record instead.
        """
        try:
            rows = list(csv.reader(io.StringIO(self.text, newline="")))
        except csv.Error:
            rows = None  # let the record-by-record reader name the line
        if rows is not None:
            if not rows:
                raise LoadFailed([Problem(self.label, 1, "(file)", "the file is empty")])
            newlines = self.text.count("\n") + (0 if self.text.endswith("\n") else 1)
            if newlines == len(rows) and all(rows):
                return rows[0], rows[1:], range(2, len(rows) + 1)
        header, records = self.csv_records()
        lines, data = [], []
        for line, row in records:
            lines.append(line)
            data.append(row)
        return header, data, lines


def require_whole_rows(source: SourceFile, header: list[str], rows: list[list[str]], lines) -> None:
    """Every record has as many fields as the header, and there is at least one: otherwise
    LoadFailed names each ragged row, since its values cannot be trusted to their columns."""
    problems = Problems(source.label)
    width = len(header)
    for i in (i for i, row in enumerate(rows) if len(row) != width):
        problems.add(lines[i], "(row)", f"expected {width} fields, found {len(rows[i])}")
    if not rows:
        problems.add(2, "(file)", "the file has a header but no rows")
    problems.raise_if_any()


@dataclass
class Columns:
    """Where each field the importer needs sits in the header."""

    index: dict[str, int]
    header: list[str]

    def __contains__(self, field_name: str) -> bool:
        return field_name in self.index

    def __getitem__(self, field_name: str) -> int:
        return self.index[field_name]


def find_columns(source: SourceFile, header: list[str], aliases: dict[str, tuple[str, ...]],
                 required: set[str]) -> Columns:
    """Match header names (in any spelling that normalises the same) to fields.

    `aliases` maps each field to the header names it may come under. A missing required
    column is a problem on line 1 naming the column and what the header does hold.
    """
    positions = {normalise_header(name): i for i, name in enumerate(header)}
    index = {}
    for field_name, names in aliases.items():
        for name in names:
            if normalise_header(name) in positions:
                index[field_name] = positions[normalise_header(name)]
                break
    missing = [f for f in aliases if f in required and f not in index]
    if missing:
        shown = ", ".join(h for h in header[:30]) or "nothing"
        raise LoadFailed([
            Problem(source.label, 1, aliases[f][0],
                    f"missing column (expected one of: {', '.join(aliases[f])}; the header has: {shown})")
            for f in missing
        ])
    return Columns(index=index, header=header)


@dataclass
class DatasetInfo:
    """Provenance a person gives, or the importer's defaults for its source."""

    publisher: str = ""
    licence: str = ""
    classification: str = ""
    sharing_agreement: str = ""
    period_start: date | None = None
    period_end: date | None = None
    name: str = ""


@dataclass
class Parsed:
    """What an importer made of one file, ready to write: no database change yet."""

    source: SourceFile
    row_count: int
    name: str
    payload: Any
    period_start: date | None = None
    period_end: date | None = None
    # Provenance the file itself implies, in place of the importer's defaults: a notices file
    # with child abduction warning notices is OFFICIAL-SENSITIVE, a fire mapping names its service.
    defaults: DatasetInfo | None = None


class Importer(ABC):
    """Reads one kind of source into the database.

    `parse` reads and validates a whole file without touching the database (beyond reading
    reference data) and raises LoadFailed with every problem it finds; `write` stores what
    parse produced, inside the caller's transaction, replacing what an earlier load of the
    same records put there so that loading twice never duplicates.
    """

    kind: str = ""
    help: str = ""
    defaults = DatasetInfo(licence="Open Government Licence v3.0", classification="OFFICIAL")

    @abstractmethod
    def parse(self, source: SourceFile, options: dict, progress: Callable[[int], None]) -> Parsed:
        """Read and check the whole file; raise LoadFailed with every problem."""

    @abstractmethod
    def write(self, parsed: Parsed, dataset, progress: Callable[[int], None]) -> None:
        """Store what parse produced, inside the caller's transaction."""


# Months of evidence SafeReach believes: anything earlier is a typo, and year 0000 does not exist.
EARLIEST_YEAR = 1900


def month_start(text: str) -> date | None:
    """'2018-01' → 2018-01-01; None if it is not a YYYY-MM month (from 1900)."""
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        year, month = int(text[:4]), int(text[5:])
        if 1 <= month <= 12 and year >= EARLIEST_YEAR:
            return date(year, month, 1)
    return None


MAX_NUL_PROBLEMS = 20


def nul_problems(label: str, text: str) -> list[Problem]:
    """One problem for each line with a NUL character (no database keeps one in text), naming
    the CSV column it falls in when the first line is a CSV header."""
    header = next(csv.reader([text.split("\n", 1)[0].replace("\x00", "")]), [])
    problems = []
    at = text.find("\x00")
    while at >= 0 and len(problems) < MAX_NUL_PROBLEMS:
        start = text.rfind("\n", 0, at) + 1
        line = text.count("\n", 0, at) + 1
        column = "(text)"
        if len(header) > 1 and line > 1:
            before = next(csv.reader([text[start:at]]), [])
            if 0 < len(before) <= len(header):
                column = header[len(before) - 1]
            elif not before:
                column = header[0]
        problems.append(Problem(label, line, column,
                                "contains a NUL character (byte 0x00); remove it and load again"))
        end = text.find("\n", at)
        at = -1 if end < 0 else text.find("\x00", end)
    return problems


MAX_JSON_DEPTH = 500


def too_deep(label: str, text: str, limit: int = MAX_JSON_DEPTH) -> Problem | None:
    """A problem where JSON nests deeper than `limit` (no real file does), or None."""
    at = too_deep_at(text, limit)
    if at is None:
        return None
    return Problem(label, text.count("\n", 0, at) + 1, "(json)", f"JSON nested more than {limit} levels deep")


LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
