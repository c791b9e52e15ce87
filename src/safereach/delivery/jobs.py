"""Visits as jobs for case systems that take files: one row per job, as CSV or JSON, with the
columns renamed (and chosen, and ordered) by a mapping file per case system.

A job is a visit of the agency's that is or was booked (confirmed, or cancelled after it
was). Its row is the same as a webhook's data (Visit.as_job and the outcome), flattened for a
file. Mappings are TOML, built in by name (delivery/mappings/*.toml) or a path; see
docs/formats.md."""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from safereach.bookings.models import Visit, VisitChange
from safereach.catalogue.models import YEAR_LABEL
from safereach.delivery.models import VisitOutcome

# Every column of a job, in SafeReach's order and with its own names.
COLUMNS = [
    "reference",
    "booking_reference",
    "school_urn",
    "school_name",
    "address",
    "postcode",
    "uprn",
    "agency",
    "session",
    "programme",
    "officer",
    "starts_at",
    "ends_at",
    "status",
    "pupils_booked",
    "year_groups_booked",
    "outcome",
    "pupils_reached",
    "pupils_by_year_group",
]
DATE_COLUMNS = {"starts_at", "ends_at"}


class MappingError(Exception):
    """A mapping file that cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class Mapping:
    name: str
    columns: dict[str, str]  # SafeReach column -> the case system's, in the file's order
    date_format: str = ""  # strftime for starts_at and ends_at; ISO 8601 when blank


def builtin_mappings() -> dict[str, Path]:
    folder = resources.files("safereach.delivery") / "mappings"
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml")}


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
            return number
    return 0


def read_mapping(spec: str) -> Mapping:
    """The mapping named `spec` (a built-in name, or a TOML file's path), checked whole."""
    builtin = builtin_mappings()
    path = builtin.get(spec) or Path(spec)
    if not path.is_file():
        names = ", ".join(sorted(builtin)) or "none"
        raise MappingError(f"{spec}: no such mapping file, nor a built-in mapping (built in: {names})")
    label = str(path) if spec not in builtin else spec
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"{label}: cannot be read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{label}: not valid TOML: {error}") from None
    problems = []
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        problems.append(f"{label}:{_line_of(text, 'columns')}: columns: a [columns] table is required")
        columns = {}
    seen: dict[str, str] = {}
    for ours, theirs in columns.items():
        where = f"{label}:{_line_of(text, ours)}: columns.{ours}"
        if ours not in COLUMNS:
            problems.append(f"{where}: not a job column (the columns are {', '.join(COLUMNS)})")
        elif not isinstance(theirs, str) or not theirs.strip():
            problems.append(f"{where}: give the case system's column name as text")
        elif theirs in seen:
            problems.append(f"{where}: {theirs!r} is already the name of {seen[theirs]}")
        else:
            seen[theirs] = ours
    date_format = data.get("date_format", "")
    if date_format and (not isinstance(date_format, str) or "%" not in date_format):
        problems.append(
            f"{label}:{_line_of(text, 'date_format')}: date_format: a strftime format, like %d/%m/%Y %H:%M"
        )
    unknown = set(data) - {"name", "columns", "date_format"}
    for key in sorted(unknown):
        problems.append(
            f"{label}:{_line_of(text, key)}: {key}: not a mapping setting (name, date_format, columns)"
        )
    if problems:
        raise MappingError("\n".join(problems))
    return Mapping(name=str(data.get("name", path.stem)), columns=dict(columns), date_format=date_format)


# The jobs ----------------------------------------------------------------------------------------


def jobs_of(agency, since: date | None = None):
    """The agency's jobs changed (booked, moved, cancelled, outcome recorded) on or after `since`,
    in the order of their visits."""
    was_booked = Exists(VisitChange.objects.filter(visit=OuterRef("pk"), kind=VisitChange.Kind.BOOKED))
    visits = (
        Visit.objects.filter(session__partner=agency)
        .filter(
            Q(status=Visit.Status.CONFIRMED)
            | Q(status=Visit.Status.CANCELLED)
            & (was_booked | Q(booking__confirmed_at__isnull=False) | Q(booking__isnull=True))
        )
        .select_related("school", "session__partner", "officer", "booking")
        .order_by("starts_at", "pk")
    )
    if since is not None:
        start = timezone.make_aware(datetime.combine(since, time(0)))
        visits = visits.filter(Q(updated_at__gte=start) | Q(outcome__updated_at__gte=start)).distinct()
    return visits


def job_row(visit: Visit, outcome: VisitOutcome | None) -> dict:
    """One job, as webhooks send it (nested), before a file flattens it."""
    job = visit.as_job()
    job["outcome"] = outcome.for_case_systems() if outcome else None
    return job


def flat(job: dict, date_format: str = "") -> dict[str, str | int | None]:
    """The job with one value in each column, as a file holds it."""
    outcome = job.get("outcome")
    row = {name: job.get(name) for name in COLUMNS}
    row["year_groups_booked"] = ", ".join(YEAR_LABEL.get(y, str(y)) for y in job["year_groups_booked"])
    row["outcome"] = (
        ""
        if outcome is None
        else "Delivered"
        if outcome["delivered"]
        else f"Not delivered: {outcome['reason']}"
    )
    row["pupils_reached"] = outcome["pupils_reached"] if outcome else None
    row["pupils_by_year_group"] = (
        "; ".join(f"{year}: {n}" for year, n in outcome["pupils_by_year_group"].items()) if outcome else ""
    )
    if date_format:
        for name in DATE_COLUMNS:
            row[name] = datetime.fromisoformat(job[name]).strftime(date_format)
    return row


def export(agency, since: date | None, fmt: str, mapping: Mapping | None = None) -> tuple[str, int]:
    """The file's text and how many jobs it holds."""
    visits = list(jobs_of(agency, since))
    outcomes = {o.visit_id: o for o in VisitOutcome.objects.filter(visit__in=[v.pk for v in visits])}
    jobs = [job_row(v, outcomes.get(v.pk)) for v in visits]
    names = mapping.columns if mapping else {c: c for c in COLUMNS}
    if fmt == "json":
        if mapping:
            rows = [{names[c]: flat(job, mapping.date_format)[c] for c in names} for job in jobs]
        else:
            rows = jobs  # SafeReach's own shape: as webhooks send it
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n", len(jobs)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(names.values()))
    for job in jobs:
        row = flat(job, mapping.date_format if mapping else "")
        writer.writerow(["" if row[c] is None else row[c] for c in names])
    return out.getvalue(), len(jobs)
