"""Rows of the schools app for tests."""

import itertools

from safereach.schools.models import School

_sequence = itertools.count(1)

# Somewhere in Chelmsford, in both coordinate systems, for rows that must have a location.
WHERE = {"lon": 0.4691, "lat": 51.7356, "easting": 570800.0, "northing": 206900.0}


def make_school(**extra):
    n = next(_sequence)
    values = {"urn": 100000 + n, "name": f"School {n}", "phase": "Primary"}
    values.update(extra)
    return School.objects.create(**values)
