"""Reach figures add up delivered visits by programme, district, ward, term and school year; other
agencies' small counts are hidden without the total giving them away; target shares and
schools never visited."""

from datetime import date

from safereach.core.small_counts import FEWER_THAN_SMALL, NOT_SHOWN
from safereach.delivery.reach import DeliveredVisit, figures, never_visited, school_year_of, term_label

FIRE, POLICE = 1, 2
NORTH, SOUTH, EAST = ("E07000001", "North"), ("E07000002", "South"), ("E07000003", "East")
AUTUMN = (date(2026, 9, 3), "Autumn term 2026")
SUMMER = (date(2026, 4, 12), "Summer term 2026")


def visit(agency=FIRE, programme="arson", school=1, district=NORTH, pupils=30, term=AUTUMN, year=2026):
    return DeliveredVisit(agency, programme, school, district, ("E05000001", "Ward One"), term, year, pupils)


def mine(agency):
    return lambda v: v.agency_id == agency


NAMES = {"arson": "Arson", "asb": "Anti-social behaviour"}


def test_school_years_start_on_1_september():
    assert school_year_of(date(2026, 8, 31)) == 2025
    assert school_year_of(date(2026, 9, 1)) == 2026
    assert term_label("Autumn term 2026") == "Aut 26"


def test_own_figures_are_exact_and_add_up():
    visits = [
        visit(school=1),
        visit(school=2, pupils=25),
        visit(district=SOUTH, school=3, pupils=3),
        visit(term=SUMMER, year=2025, school=4),
    ]
    result = figures(visits, school_year=2026, own=mine(FIRE), targets={}, programme_names=NAMES)
    assert (result.total_visits, result.total_pupils) == (3, 58)
    assert (result.total_visits_text, result.total_pupils_text) == ("3", "58")
    districts = {r.label: (r.visits_text, r.pupils_text) for r in result.tables["district"]}
    assert districts == {"North": ("2", "55"), "South": ("1", "3")}
    assert not result.suppressed
    # Terms reach back over three school years; the summer term before comes first.
    assert [r.label for r in result.tables["term"]] == ["Summer term 2026", "Autumn term 2026"]
    assert [r.label for r in result.tables["school_year"]] == ["2025/26", "2026/27"]


def test_another_agencys_small_counts_are_hidden_and_cannot_be_worked_out():
    visits = (
        [visit(district=NORTH, school=k) for k in range(6)]
        + [visit(district=SOUTH, school=10 + k, pupils=28) for k in range(2)]
        + [visit(district=EAST, school=20 + k) for k in range(9)]
    )
    result = figures(visits, school_year=2026, own=mine(POLICE), targets={}, programme_names=NAMES)
    districts = {r.label: r for r in result.tables["district"]}
    assert districts["South"].visits_text == FEWER_THAN_SMALL
    # The pupils of 2 visits would point at a class: hidden, and North (the next smallest)
    # too, in both columns, so that neither total less the rest gives South away.
    assert districts["South"].pupils_text == NOT_SHOWN
    assert districts["North"].visits_text == NOT_SHOWN and districts["North"].pupils_text == NOT_SHOWN
    assert districts["East"].visits_text == "9" and districts["East"].pupils_text == "270"
    assert not districts["South"].shown and districts["East"].shown
    assert result.total_visits_text == "17" and result.suppressed
    # The agency that made the visits sees them all.
    own = figures(visits, school_year=2026, own=mine(FIRE), targets={}, programme_names=NAMES)
    assert {r.label: r.visits_text for r in own.tables["district"]} == {
        "North": "6",
        "South": "2",
        "East": "9",
    }


def test_a_row_mixing_own_and_other_visits_is_a_shared_figure():
    visits = [visit(agency=FIRE, school=1), visit(agency=POLICE, school=2)] + [
        visit(agency=FIRE, district=SOUTH, school=10 + k) for k in range(3)
    ]
    result = figures(visits, school_year=2026, own=mine(FIRE), targets={}, programme_names=NAMES)
    districts = {r.label: r.visits_text for r in result.tables["district"]}
    # North holds a police visit: shared, small, hidden; South is all fire's own, but it is
    # the only other cell, so it is hidden too, or North would be the total less South.
    assert districts == {"North": FEWER_THAN_SMALL, "South": NOT_SHOWN}


def test_share_of_target_schools_reached_this_year_and_in_the_last_three():
    targets = {"arson": {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
    visits = [
        visit(school=1),
        visit(school=2),
        visit(school=2),
        visit(school=3, year=2024, term=SUMMER),
        visit(school=4, year=2023, term=SUMMER),
        visit(school=99),
        visit(programme="asb", school=5),
    ]
    result = figures(visits, school_year=2026, own=mine(FIRE), targets=targets, programme_names=NAMES)
    share = result.target_shares[0]
    assert (share.targets, share.this_year, share.last_three) == (10, 2, 3)
    shared = figures(visits, school_year=2026, own=mine(POLICE), targets=targets, programme_names=NAMES)
    assert shared.target_shares[0].this_year_text == FEWER_THAN_SMALL


def test_one_programme_only():
    visits = [visit(school=1), visit(programme="asb", school=2, pupils=12)]
    result = figures(
        visits,
        school_year=2026,
        own=mine(FIRE),
        targets={"arson": {1}, "asb": {2}},
        programme_names=NAMES,
        programme="asb",
    )
    assert result.total_pupils == 12
    assert [s.programme for s in result.target_shares] == ["asb"]


def test_schools_never_visited_target_schools_first():
    schools = [{"id": k, "name": name} for k, name in enumerate(["Ash", "Birch", "Cedar", "Damson"])]
    found = never_visited(schools, visited={0}, targets={"arson": {3}, "asb": {3, 2}})
    assert [s["name"] for s in found] == ["Cedar", "Damson", "Birch"]
    assert found[1]["target_of"] == ["arson", "asb"]
