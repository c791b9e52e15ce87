"""Small helpers that make the rows the account pages read. Shared with the browser tests."""

import datetime
import hashlib
import itertools

from safereach.accounts.models import Agency, User
from safereach.areas.models import Area
from safereach.evidence.models import Dataset, Incident, Notice, Place
from safereach.schools.models import School
from safereach.workforce.models import Officer, Station

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


def make_agency(name="Northshire Fire and Rescue Service", kind=Agency.Kind.FIRE_RESCUE, **extra):
    slug = name.lower().replace(" ", "-")[:80]
    return Agency.objects.create(name=name, kind=kind, slug=slug, **extra)


def make_user(*roles, email=None, agency=None, password=PASSWORD, **extra):
    email = email or f"user{next(_sequence)}@example.org"
    return User.objects.create_user(email=email, password=password, roles=list(roles),
                                    agency=agency, **extra)


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


def make_area(level=Area.Level.LSOA, **extra):
    n = next(_sequence)
    prefix = {"lsoa": "E01", "ward": "E05", "district": "E07"}[level]
    values = {"code": f"{prefix}{n:06d}", "name": f"Area {n}"}
    values.update(extra)
    return Area.objects.create(level=level, **values)


def make_school(**extra):
    n = next(_sequence)
    values = {"urn": 100000 + n, "name": f"School {n}", "phase": "Primary"}
    values.update(extra)
    return School.objects.create(**values)


def make_incident(dataset, source=Incident.Source.POLICE, **extra):
    values = {"category": "Criminal damage and arson", "month": datetime.date(2024, 3, 1)}
    values.update(extra)
    return Incident.objects.create(dataset=dataset, source=source, **values)


# Somewhere in Chelmsford, in both coordinate systems, for rows that must have a location.
WHERE = {"lon": 0.4691, "lat": 51.7356, "easting": 570800.0, "northing": 206900.0}


def make_place(dataset, **extra):
    values = {"kind": "care home", "name": f"Place {next(_sequence)}", **WHERE}
    values.update(extra)
    return Place.objects.create(dataset=dataset, **values)


def make_notice(dataset, **extra):
    values = {"kind": "closure notice", "reference": f"CN-{next(_sequence)}",
              "issued_on": datetime.date(2024, 5, 1)}
    values.update(extra)
    return Notice.objects.create(dataset=dataset, **values)


def make_station(name=None, **extra):
    values = {"service": Station.Service.FIRE, "name": name or f"Station {next(_sequence)}",
              "operator": "Northshire FRS", **WHERE}
    values.update(extra)
    return Station.objects.create(**values)


def make_officer(agency, name=None, **extra):
    return Officer.objects.create(agency=agency, name=name or f"Officer {next(_sequence)}",
                                  **extra)
