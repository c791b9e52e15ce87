"""Which year groups a school teaches: from its statutory ages, else its phase (and, for a
primary school, whether its name says infant or junior)."""

import pytest

from safereach.schools.models import School
from safereach.schools.tests.factories import make_school
from safereach.schools.year_groups import EVERY_YEAR, describe, teaches_any, years_taught


def years(first, last):
    return frozenset(range(first, last + 1))


@pytest.mark.parametrize(("phase", "low", "high", "name", "taught"), [
    ("Primary", 4, 11, "Oak Primary School", years(0, 6)),
    ("Primary", 4, 7, "Oak Infant Academy", years(0, 2)),
    ("Primary", 7, 11, "Oak Junior School", years(3, 6)),
    ("Primary", 3, 11, "Oak Primary School and Nursery", years(0, 6)),  # nursery class left out
    ("Secondary", 11, 16, "Oak High School", years(7, 11)),
    ("Secondary", 11, 18, "Oak Academy", years(7, 13)),
    ("Secondary", 11, 19, "Oak College", years(7, 13)),
    ("Secondary", 14, 19, "Oak University Technical College", years(10, 13)),
    ("Middle deemed secondary", 9, 13, "Oak Middle School", years(5, 8)),
    ("16 plus", 16, 19, "Oak Sixth Form College", years(12, 13)),
    ("Not applicable", 3, 19, "Oak Special School", years(0, 13)),
    ("Nursery", 2, 5, "Oak Nursery School", frozenset()),
    # GIAS often gives no ages: the phase decides, and a primary school's name.
    ("Primary", None, None, "Kents Hill Infant Academy", years(0, 2)),
    ("Primary", None, None, "St Helen's Catholic Infants School", years(0, 2)),
    ("Primary", None, None, "Writtle Junior School", years(3, 6)),
    ("Primary", None, None, "Oakwood Infant and Nursery School", years(0, 2)),
    ("Primary", None, None, "Oak Junior and Infant School", years(0, 6)),
    ("Primary", None, None, "Oak Primary School", years(0, 6)),
    ("Secondary", None, None, "Oak High School", years(7, 13)),
    ("16 plus", None, None, "Oak Sixth Form College", years(12, 13)),
    ("Nursery", None, None, "Oak Nursery School", frozenset()),
    ("Not applicable", None, None, "Oak Pupil Referral Unit", EVERY_YEAR),
    ("", None, None, "Oak School", EVERY_YEAR),
    # The ages, where GIAS gives them, say more than a name.
    ("Primary", 4, 11, "Oak Infant and Junior Federation", years(0, 6)),
    ("Primary", 11, 4, "Oak Infant School", years(0, 2)),  # ages the wrong way round: not used
])
def test_year_groups_taught(phase, low, high, name, taught):
    assert years_taught(phase, low, high, name) == taught


def test_a_school_teaches_any_of_a_sessions_year_groups_or_none():
    infant = frozenset(range(0, 3))
    assert teaches_any(infant, [1, 2, 3, 4])
    assert not teaches_any(infant, [8, 9, 10])
    assert not teaches_any(frozenset(), [0])


@pytest.mark.parametrize(("year_groups", "text"), [
    ([0, 1, 2], "Reception to Year 2"),
    ([8, 9, 10], "Years 8 to 10"),
    ([5], "Year 5"),
    ([0], "Reception"),
    ([5, 6], "Year 5 and Year 6"),
    ([1, 3, 5], "Year 1, Year 3 and Year 5"),
    ([0, 1, 2, 7, 8, 9, 10], "Reception to Year 2 and Years 7 to 10"),
    ([], "no year groups"),
])
def test_year_groups_in_words(year_groups, text):
    assert describe(year_groups) == text


@pytest.mark.django_db
def test_a_school_row_answers_from_its_own_fields():
    infant = make_school(name="Kents Hill Infant Academy", phase="Primary")
    secondary = make_school(name="Oak Academy", phase="Secondary", low_age=11, high_age=16)
    assert infant.year_groups_taught == years(0, 2)
    assert infant.year_groups_text == "Reception to Year 2"
    assert secondary.teaches_any_of([8, 9, 10]) and not infant.teaches_any_of([8, 9, 10])
    assert School.objects.year_groups_taught() == {infant.pk: years(0, 2), secondary.pk: years(7, 11)}
