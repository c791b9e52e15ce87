"""The one rule for whether a visit fits an officer's day: each reason it can give."""

from datetime import date

import pytest

from safereach.routing.diary import Diary, Fit, SchoolDay, Stop, fit, round_up

MONDAY, SATURDAY = date(2027, 3, 1), date(2027, 3, 6)
BASE, SCHOOL, FAR = 0, 1, 2
MINUTES = {(BASE, SCHOOL): 20, (BASE, FAR): 60, (SCHOOL, FAR): 50}


def travel(a, b):
    return 0 if a == b else MINUTES[min(a, b), max(a, b)]


def officer(stops=(), **extra):
    values = dict(
        officer_id=1, base=BASE, day_starts=8 * 60 + 30, day_ends=16 * 60 + 30,
        working_weekdays=frozenset({1, 2, 3, 4, 5}), max_visits_per_day=2,
        stops={MONDAY: tuple(sorted(stops))},
    )
    values.update(extra)
    return Diary(**values)


SCHOOL_DAY = SchoolDay.of(8 * 60 + 45, 15 * 60 + 15, 12 * 60)


def ask(diary, start, length=60, day=MONDAY, **extra):
    return fit(diary.day(day), start, start + length, SCHOOL, travel, arrive_before=10,
               school=SCHOOL_DAY, **extra)


@pytest.mark.parametrize(
    "diary, start, extra, expected",
    [
        (officer(), 9 * 60, {}, Fit.FITS),
        (officer(), 9 * 60, {"day": SATURDAY}, Fit.NOT_WORKING),
        (officer(away=frozenset({MONDAY})), 9 * 60, {}, Fit.ON_LEAVE),
        (officer(), 9 * 60, {"school_closed": True}, Fit.SCHOOL_CLOSED),
        (officer([Stop(9 * 60, 10 * 60, SCHOOL), Stop(13 * 60, 14 * 60, SCHOOL)]), 10 * 60 + 30, {},
         Fit.DAY_FULL),
        (officer(), 9 * 60, {"capacity": 0}, Fit.DAY_FULL),
        (officer(), 8 * 60 + 30, {}, Fit.OUTSIDE_SCHOOL_DAY),
        (officer(), 14 * 60 + 30, {}, Fit.OUTSIDE_SCHOOL_DAY),
        # The school gave lunch at 12:00: 12:00 to 13:00 runs into it, and so does 11:59 to 12:44.
        (officer(), 12 * 60, {}, Fit.OVER_LUNCH),
        (officer(), 11 * 60 + 59, {"length": 45}, Fit.OVER_LUNCH),
        (officer(), 12 * 60 + 45, {}, Fit.FITS),
        (officer([Stop(9 * 60, 10 * 60, SCHOOL)]), 9 * 60 + 30, {}, Fit.CLASHES),
        (officer([Stop(10 * 60, 11 * 60, BASE, is_visit=False)]), 10 * 60 + 30, {}, Fit.CLASHES),
        (officer(), 8 * 60 + 55, {}, Fit.CANNOT_ARRIVE),  # 08:30 + 20 + 10 = 09:00
        (officer([Stop(9 * 60, 10 * 60, FAR)]), 10 * 60 + 30, {}, Fit.CANNOT_ARRIVE),
        (officer([Stop(11 * 60, 12 * 60, FAR)]), 9 * 60 + 5, {}, Fit.CANNOT_GET_AWAY),  # 10:05+50+10 > 11:00
        (officer([Stop(11 * 60, 12 * 60, FAR)]), 9 * 60, {}, Fit.FITS),  # just in time
        (officer(day_ends=15 * 60 + 15), 14 * 60, {}, Fit.CANNOT_GET_AWAY),  # 15:00 + 20 > 15:15
        (officer(day_ends=15 * 60 + 15), 13 * 60 + 45, {"length": 75}, Fit.CANNOT_GET_AWAY),
    ],
)
def test_each_reason(diary, start, extra, expected):
    assert ask(diary, start, **extra) is expected


def test_back_at_base_just_in_time_fits_but_a_visit_needs_the_officer_early():
    # Back at base at the end of the day is enough; a visit needs them 10 minutes early.
    assert ask(officer(day_ends=14 * 60 + 20), 13 * 60) is Fit.FITS
    assert ask(officer([Stop(14 * 60 + 20, 15 * 60, SCHOOL)]), 13 * 60 + 10) is Fit.FITS
    assert ask(officer([Stop(14 * 60 + 20, 15 * 60, FAR)]), 13 * 60) is Fit.CANNOT_GET_AWAY


def test_the_school_day_as_a_booking_gives_it():
    assert SchoolDay.of(525, 915, 720, "morning") == SchoolDay(525, 720, None)
    assert SchoolDay.of(525, 915, 720, "afternoon") == SchoolDay(765, 915, None)
    assert SchoolDay.of(525, 915, 720).windows(60) == [(525, 660), (765, 855)]
    assert SchoolDay.of(525, 915, None).windows(60) == [(525, 855)]


def test_every_reason_has_words_and_the_grid_rounds_up():
    assert all(reason.sentence for reason in Fit)
    assert [round_up(m, 5) for m in (540, 540.0000001, 541, 544.9)] == [540, 545, 545, 545]
