"""One group of pupils is in one place at a time, and a school hosts only as many sessions at
once as it says: the one rule (`fit`) refuses the rest, slot search steps round them, and the
term planner never plans one group's sessions over each other."""

from datetime import date, timedelta

import numpy as np

from safereach.routing.diary import Diary, Fit, Hosting, SchoolDay, fit
from safereach.routing.planner import PlanRequest, plan
from safereach.routing.slots import SlotRequest, find_slots

MONDAY = date(2027, 1, 4)


def officer(officer_id, **extra):
    return Diary(
        officer_id=officer_id,
        base=0,
        day_starts=8 * 60,
        day_ends=17 * 60,
        working_weekdays=frozenset({1, 2, 3, 4, 5}),
        max_visits_per_day=3,
        sessions=frozenset({7, 8}),
        **extra,
    )


def travel(a, b):
    return 0.0 if a == b else 10.0


def test_a_group_s_other_session_is_refused_by_the_one_rule():
    school = SchoolDay(9 * 60, 15 * 60).with_session(MONDAY, 630, 675, same_group=True)  # 10:30-11:15
    day = officer(1).day(MONDAY)

    assert fit(day, 635, 695, 1, travel, arrive_before=10, school=school) is Fit.GROUP_BUSY
    assert fit(day, 675, 735, 1, travel, arrive_before=10, school=school) is Fit.FITS
    # Another day is another day.
    tuesday = officer(1).day(MONDAY + timedelta(days=1))
    assert fit(tuesday, 635, 695, 1, travel, arrive_before=10, school=school) is Fit.FITS


def test_a_school_hosts_as_many_sessions_at_once_as_it_says():
    one_hall = SchoolDay(9 * 60, 15 * 60).with_session(MONDAY, 600, 660, same_group=False)
    two_halls = SchoolDay(9 * 60, 15 * 60, at_once=2).with_session(MONDAY, 600, 660, same_group=False)
    day = officer(1).day(MONDAY)

    assert fit(day, 630, 690, 1, travel, arrive_before=10, school=one_hall) is Fit.SCHOOL_FULL
    assert fit(day, 630, 690, 1, travel, arrive_before=10, school=two_halls) is Fit.FITS
    full = two_halls.with_session(MONDAY, 640, 700, same_group=False)
    assert fit(day, 650, 710, 1, travel, arrive_before=10, school=full) is Fit.SCHOOL_FULL
    assert fit(day, 600, 640, 1, travel, arrive_before=10, school=full) is Fit.FITS  # one at a time then
    # Its own group's session is never beside it, however many halls.
    mine = SchoolDay(9 * 60, 15 * 60, at_once=5).with_session(MONDAY, 600, 660, same_group=True)
    assert fit(day, 630, 690, 1, travel, arrive_before=10, school=mine) is Fit.GROUP_BUSY


def test_hosting_finds_the_busy_stretches():
    hosting = Hosting(others=((600, 660), (630, 700), (800, 820)), at_once=2)
    assert [(a, b) for a, b, _ in hosting.blocked()] == [(630, 660)]


def test_slot_search_steps_round_the_group_s_session():
    school = SchoolDay(9 * 60, 12 * 60).with_session(MONDAY, 9 * 60, 10 * 60, same_group=True)
    request = SlotRequest(school=1, days=[MONDAY], school_day=school, length=60)

    slots = find_slots(request, [officer(1), officer(2)], travel)

    assert slots and all(s.start >= 10 * 60 for s in slots)


def test_the_planner_never_plans_one_group_s_sessions_at_once():
    minutes = np.array([[0, 10], [10, 0]], dtype=float)
    # Two sessions of one request at one school that can do only 9:00 to 11:00 on one day, and
    # two officers free: planned apart, one after the other.
    school_day = SchoolDay(9 * 60, 11 * 60)
    requests = [
        PlanRequest(f"5:{s}", s, 1, (MONDAY,), school_day, 60, 400.0, school=1, group=5) for s in (7, 8)
    ]

    result = plan([officer(1), officer(2)], requests, minutes, first_day=MONDAY, last_day=MONDAY, seconds=0.5)

    visits = sorted(result.proposed, key=lambda v: v.start)
    assert len(visits) == 2, result.left_out
    assert visits[0].end <= visits[1].start


def test_the_planner_leaves_out_what_cannot_be_kept_apart():
    minutes = np.array([[0, 10], [10, 0]], dtype=float)
    school_day = SchoolDay(9 * 60, 10 * 60 + 30)  # room for one hour-long session only
    requests = [
        PlanRequest(f"5:{s}", s, 1, (MONDAY,), school_day, 60, 400.0, school=1, group=5) for s in (7, 8)
    ]

    result = plan([officer(1), officer(2)], requests, minutes, first_day=MONDAY, last_day=MONDAY, seconds=0.5)

    assert len(result.proposed) == 1 and len(result.left_out) == 1
