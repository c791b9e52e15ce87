"""Rows of the workforce app for tests."""

import itertools

from safereach.schools.tests.factories import WHERE
from safereach.workforce.models import Officer, Station

_sequence = itertools.count(1)


def make_station(name=None, **extra):
    values = {"service": Station.Service.FIRE, "name": name or f"Station {next(_sequence)}",
              "operator": "Northshire FRS", **WHERE}
    values.update(extra)
    return Station.objects.create(**values)


def make_officer(agency, name=None, **extra):
    return Officer.objects.create(agency=agency, name=name or f"Officer {next(_sequence)}",
                                  **extra)
