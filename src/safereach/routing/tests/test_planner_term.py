"""The term planner over plain dataclasses: leave, fixed visits, fortnights and priority."""

from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from safereach.routing.diary import Diary, SchoolDay, Stop
from safereach.routing.planner import FixedVisit, LeftOut, PlanRequest, current_plan, plan

MONDAY = date(2027, 1, 4)
# places: 0 base, 1..4 schools; minutes of travel
MINUTES = np.array(
    [
        [0, 10, 20, 30, 12],
        [10, 0, 15, 25, 9],
        [20, 15, 0, 12, 18],
        [30, 25, 12, 0, 22],
        [12, 9, 18, 22, 0],
    ],
    dtype=float,
)


def officer(**extra):
    fields = dict(
        officer_id=1,
        base=0,
        day_starts=8 * 60 + 30,
        day_ends=16 * 60 + 30,
        working_weekdays=frozenset({1, 2, 3, 4, 5}),
        max_visits_per_day=1,
        sessions=frozenset({7}),
    )
    return Diary(**{**fields, **extra})


def request(key, days, place=1, prize=400.0, session=7, **extra):
    return PlanRequest(
        key=key,
        session_id=session,
        place=place,
        days=tuple(days),
        school_day=SchoolDay(9 * 60, 15 * 60),
        length=60,
        prize=prize,
        **extra,
    )


def with_fixed(officers, fixed):
    """The officers' diaries holding the `fixed` visits."""
    out = []
    for o in officers:
        stops = {}
        for f in fixed:
            if f.officer_id == o.officer_id:
                stops.setdefault(f.day, []).append(Stop(f.start, f.end, f.place, f.key))
        out.append(Diary(**{**o.__dict__, "stops": {d: tuple(sorted(v)) for d, v in stops.items()}}))
    return out


def run(officers, requests, fixed=(), days=28):
    return plan(
        with_fixed(officers, fixed),
        requests,
        MINUTES,
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=days - 1),
        seconds=1.0,
    )


def test_leave_and_skills_leave_requests_out_with_reasons():
    away = MONDAY + timedelta(days=1)
    result = run(
        [officer(away=frozenset({away}))],
        [
            request("on leave", [away]),
            request("no skill", [MONDAY], session=8),
            request("fine", [MONDAY + timedelta(days=2)]),
        ],
    )
    assert [v.key for v in result.proposed] == ["fine"]
    assert result.left_out["no skill"] is LeftOut.NO_OFFICER_DELIVERS
    assert "on leave" in result.left_out and result.left_out["on leave"]
    assert result.feasible


def test_fixed_visits_stay_and_full_weeks_pass_requests_on():
    """One visit a day; every day of the first fortnight already has one, so a request that
    suits days in both fortnights is planned in the second, and the diary is untouched."""
    first_fortnight = [
        MONDAY + timedelta(days=i) for i in range(14) if (MONDAY + timedelta(days=i)).weekday() < 5
    ]
    fixed = [FixedVisit(f"visit {i}", 1, d, 10 * 60, 11 * 60, 2) for i, d in enumerate(first_fortnight)]
    later = MONDAY + timedelta(days=16)
    result = run([officer()], [request("late", [MONDAY + timedelta(days=3), later])], fixed)
    where = {v.key: v for v in result.visits}
    assert where["late"].day == later
    for f in fixed:
        kept = where[f.key]
        assert (kept.day, kept.start, kept.end, kept.fixed) == (f.day, f.start, f.end, True)
    before = current_plan(with_fixed([officer()], fixed), MINUTES, MONDAY, MONDAY + timedelta(days=27))
    assert result.travel == before.travel + 20


def test_the_target_school_wins_when_both_cannot_fit():
    result = run(
        [officer()],
        [
            request("other", [MONDAY], place=4, prize=400.0),
            request("target", [MONDAY], place=3, prize=2000.0, is_target=True),
        ],
        days=1,
    )
    assert [v.key for v in result.proposed] == ["target"]
    assert result.left_out["other"] is LeftOut.NO_ROOM
    visit = result.proposed[0]
    # arrive 10 minutes early after 30 minutes' travel from a day starting at 8:30, no earlier than 9:00
    assert visit.start >= 9 * 60 and visit.end == visit.start + 60 and visit.travel_in == 30


def test_a_day_after_the_term_does_not_hide_why_a_request_was_left_out():
    fixed = [FixedVisit("visit 1", 1, MONDAY, 10 * 60, 11 * 60, 2)]
    result = run([officer()], [request("full", [MONDAY, MONDAY + timedelta(days=40)])], fixed, days=1)
    assert result.proposed == []
    assert result.left_out["full"] is LeftOut.NO_ROOM


def test_weeks_solved_side_by_side_keep_every_rule():
    """Two processes plan weeks apart and then pairs of weeks: the same rules hold as in one."""
    officers = [officer(max_visits_per_day=2), officer(officer_id=2, sessions=frozenset({7, 8}))]
    weekdays = [MONDAY + timedelta(days=i) for i in range(21) if (MONDAY + timedelta(days=i)).weekday() < 5]
    requests = [
        request(f"r{i}", weekdays[i % 12 : i % 12 + 4], place=1 + i % 4, session=7 + i % 2) for i in range(16)
    ]
    fixed = [FixedVisit("visit 1", 2, weekdays[2], 10 * 60, 11 * 60, 3)]
    result = plan(
        with_fixed(officers, fixed), requests, MINUTES, first_day=MONDAY, last_day=weekdays[-1], seconds=4.0,
        workers=2,
    )
    assert result.feasible
    assert {v.key for v in result.proposed} | set(result.left_out) == {r.key for r in requests}
    by_key = {r.key: r for r in requests}
    by_officer = {o.officer_id: o for o in officers}
    for day in result.days:
        officer_ = by_officer[day.officer_id]
        assert len(day.visits) <= officer_.max_visits_per_day and officer_.works_on(day.day)
        clock, here = officer_.day_starts, officer_.base
        for v in day.visits:
            assert clock + MINUTES[here, v.place] + 10 <= v.start + 1e-9  # reachable, arriving early
            if not v.fixed:
                r = by_key[v.key]
                assert v.day in r.days and r.session_id in officer_.sessions
                assert r.school_day.earliest <= v.start and v.end == v.start + r.length <= r.school_day.latest
                assert v.start % 5 == 0  # on the grid the slot search offers
            clock, here = v.end, v.place
        assert clock + MINUTES[here, officer_.base] <= officer_.day_ends
    kept = next(v for v in result.visits if v.key == "visit 1")
    assert (kept.officer_id, kept.day, kept.start, kept.end) == (2, weekdays[2], 10 * 60, 11 * 60)


def test_a_request_moves_to_the_next_week_to_share_a_journey():
    """Planned in its middle week alone, the first request would be a journey of its own; the
    pass over both weeks moves it beside the second, at the same far school."""
    days = [MONDAY + timedelta(days=i) for i in (2, 3, 4, 7)]  # Wednesday to Friday, then Monday
    requests = [request("either week", days, place=3), request("second week", [days[-1]], place=3)]
    # The move happens in the second stage, which runs only once the first stage's share of the
    # time is over: seconds enough that a busy machine still reaches it (it stops no sooner).
    result = plan(
        [officer(max_visits_per_day=2)], requests, MINUTES, first_day=MONDAY, last_day=days[-1], seconds=8
    )
    where = {v.key: v.day for v in result.proposed}
    assert where == {"either week": days[-1], "second week": days[-1]}
    assert result.travel == 30 + 30  # one journey out and back, not two


def test_every_planned_visit_is_one_the_slot_search_would_offer():
    """Schools with lunch at noon and short days, an officer's busy morning: each visit the
    planner proposes is on the five-minute grid and passes the one rule for what fits."""
    from safereach.routing.diary import Fit, fit

    meeting = Stop(9 * 60, 10 * 60 + 30, 0, "meeting", is_visit=False)
    officers = [
        Diary(**{**officer(max_visits_per_day=3).__dict__, "stops": {MONDAY: (meeting,)}}),
        officer(officer_id=2, max_visits_per_day=3),
    ]
    lunchtime = SchoolDay.of(11 * 60, 14 * 60, 12 * 60)
    requests = [
        replace(request(f"r{i}", [MONDAY, MONDAY + timedelta(days=1)], place=1 + i % 4), school_day=lunchtime)
        for i in range(8)
    ]
    result = plan(officers, requests, MINUTES, first_day=MONDAY, last_day=MONDAY + timedelta(days=1),
                  seconds=2)

    assert result.proposed
    by_officer = {o.officer_id: o for o in officers}
    for day in result.days:
        diary = by_officer[day.officer_id].day(day.day)
        for v in day.visits:
            assert v.start % 5 == 0
            others = diary
            for w in day.visits:
                if w.key != v.key and not w.fixed:
                    others = others.with_stop(Stop(w.start, w.end, w.place, w.key))
            verdict = fit(others, v.start, v.end, v.place, lambda a, b: float(MINUTES[a, b]),
                          arrive_before=10, school=lunchtime)
            assert verdict is Fit.FITS, (v, verdict)
