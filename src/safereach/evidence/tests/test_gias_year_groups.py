"""The year groups each school teaches, read from the real GIAS extract for Essex: its
statutory ages where GIAS gives them (191 of 665 schools), else its phase and name."""

import csv

import pytest

from safereach.evidence.importers.run import load
from safereach.schools.models import School

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]


def test_essex_schools_teach_the_year_groups_gias_says(shared_data):
    path = shared_data / "schools_essex" / "schools_essex_gias_format.csv"
    load("schools", [path])
    with path.open(encoding="utf-8") as text:
        rows = {int(r["URN"]): r for r in csv.DictReader(text)}
    schools = {s.urn: s for s in School.objects.all()}
    # The statutory ages are kept as GIAS gives them.
    for urn, row in rows.items():
        low, high = row["StatutoryLowAge"], row["StatutoryHighAge"]
        assert (schools[urn].low_age, schools[urn].high_age) == (
            int(low) if low else None, int(high) if high else None)
    assert sum(s.low_age is not None for s in schools.values()) == 191

    def taught(name):
        return School.objects.get(name=name).year_groups_taught

    assert taught("Tanglewood Nursery School") == frozenset()
    assert taught("Moulsham Infant School") == frozenset(range(0, 3))  # GIAS: ages 4 to 7
    assert taught("Moulsham Junior School") == frozenset(range(3, 7))  # GIAS: ages 7 to 11
    assert taught("Kents Hill Infant Academy") == frozenset(range(0, 3))  # no ages: its name
    assert taught("Writtle Junior School") == frozenset(range(3, 7))
    by_phase = {}
    for school in schools.values():
        by_phase.setdefault(school.phase, []).append(school.year_groups_taught)
    # Key stage 3 and 4 sessions (Years 8 to 10) suit no nursery and no primary school, and
    # every secondary school; home fire safety for Years 1 to 4 suits no secondary school.
    assert not any(t & {8, 9, 10} for t in by_phase["Primary"] + by_phase["Nursery"])
    assert all(t & {8, 9, 10} for t in by_phase["Secondary"])
    assert not any(t & {1, 2, 3, 4} for t in by_phase["Secondary"])
    infants = [s for s in schools.values() if "Infant" in s.name and "Junior" not in s.name]
    assert len(infants) == 40 and all(s.year_groups_taught == frozenset(range(0, 3)) for s in infants)
