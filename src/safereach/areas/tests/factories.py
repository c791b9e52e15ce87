"""Rows of the areas app for tests."""

import itertools

from safereach.areas.models import Area

_sequence = itertools.count(1)


def make_area(level=Area.Level.LSOA, **extra):
    n = next(_sequence)
    prefix = {"lsoa": "E01", "ward": "E05", "district": "E07"}[level]
    values = {"code": f"{prefix}{n:06d}", "name": f"Area {n}"}
    values.update(extra)
    return Area.objects.create(level=level, **values)
