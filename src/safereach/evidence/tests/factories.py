"""Rows of the evidence app for tests."""

import datetime
import hashlib
import itertools

from safereach.evidence.models import Dataset, Incident, Notice, Place
from safereach.schools.tests.factories import WHERE

_sequence = itertools.count(1)


def make_dataset(kind="crime", **extra):
    n = next(_sequence)
    values = {
        "name": f"Street crime {n}",
        "source_file": f"2024-0{n % 9 + 1}-essex-street.csv",
        "publisher": "data.police.uk",
        "licence": "Open Government Licence v3.0",
        "row_count": 100,
        "checksum": hashlib.sha256(f"file {n}".encode()).hexdigest(),
    }
    values.update(extra)
    return Dataset.objects.create(kind=kind, **values)


def make_incident(dataset, source=Incident.Source.POLICE, **extra):
    values = {"category": "Criminal damage and arson", "month": datetime.date(2024, 3, 1)}
    values.update(extra)
    return Incident.objects.create(dataset=dataset, source=source, **values)


def make_place(dataset, **extra):
    values = {"kind": "care home", "name": f"Place {next(_sequence)}", **WHERE}
    values.update(extra)
    return Place.objects.create(dataset=dataset, **values)


def make_notice(dataset, **extra):
    values = {"kind": "closure notice", "reference": f"CN-{next(_sequence)}",
              "issued_on": datetime.date(2024, 5, 1)}
    values.update(extra)
    return Notice.objects.create(dataset=dataset, **values)
