"""`safereach plan --term ... --json` on the demo county: every visit it plans is re-checked
here from the database alone, with travel worked out afresh by hand (the same estimate the
travel provider documents): days and times the school gave, the officer's skills, working
days, leave, hours and daily limit, travel between visits and back to base, and the visits
already in diaries left exactly where they were. Nothing is written."""

import io
import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safereach.bookings.calendar_days import is_bank_holiday
from safereach.bookings.models import Booking, Closure, Term, Visit
from safereach.bookings.offers import booking_settings
from safereach.catalogue.models import Session
from safereach.demo.term_requests import add_term_requests
from safereach.demo.tests.test_demo_offers_are_reachable import demo, minutes_between  # noqa: F401
from safereach.workforce.models import Leave, Officer


def hm(text: str) -> time:
    return time.fromisoformat(text)


def allowed_part_of_day(booking: Booking) -> tuple[time, time]:
    lunch_end = (datetime.combine(date.min, booking.lunch_starts) + timedelta(minutes=45)).time()
    if booking.part_of_day == "morning":
        return booking.school_day_starts, min(booking.school_day_ends, booking.lunch_starts)
    if booking.part_of_day == "afternoon":
        return max(booking.school_day_starts, lunch_end), booking.school_day_ends
    return booking.school_day_starts, booking.school_day_ends


def run_plan(*args) -> dict:
    out = io.StringIO()
    call_command("plan", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def diary_snapshot():
    return sorted(Visit.objects.values_list("pk", "officer_id", "starts_at", "ends_at", "status"))


def test_plan_json_on_the_demo_county_is_feasible_when_rechecked(demo):  # noqa: F811
    today = timezone.localdate()
    first, last = today + timedelta(days=7), today + timedelta(days=34)
    queued = Booking.objects.filter(status__in=["requested", "queued"]).count()  # the demo's own
    add_term_requests(first, last, 45, seed=3)
    before = diary_snapshot()

    plan = run_plan("--term", f"{first}:{last}", "--seconds", "4")

    assert diary_snapshot() == before, "the plan command must not change any diary"
    assert plan["feasible"]
    assert plan["requests"] == 45 + queued
    assert plan["visits_planned"] >= 30  # most fit: the county has room
    assert plan["visits_planned"] + plan["left_out"] == plan["requests"]
    keys = [v["request"] for v in plan["visits"]]
    assert len(keys) == len(set(keys)), "a request planned twice"
    for item in plan["left_out_requests"]:
        assert item["reason"]

    early = booking_settings()["ARRIVE_BEFORE_MINUTES"]
    by_day = defaultdict(list)  # (officer, day) -> [(start, end, school, planned?)]
    for v in Visit.objects.filter(status__in=Visit.LIVE).select_related("school"):
        s, e = timezone.localtime(v.starts_at), timezone.localtime(v.ends_at)
        by_day[v.officer_id, s.date()].append((s.time(), e.time(), v.school, False))
    for item in plan["visits"]:
        booking_id, session_id = map(int, item["request"].split(":"))
        booking = Booking.objects.select_related("school").get(pk=booking_id)
        session = Session.objects.get(pk=session_id)
        officer = Officer.objects.get(pk=item["officer_id"])
        day, starts, ends = date.fromisoformat(item["day"]), hm(item["starts"]), hm(item["ends"])
        la = booking.school.la_code
        assert first <= day <= last
        assert any(a <= day <= b for a, b in booking.date_ranges), "not a day the school gave"
        assert day.isoweekday() <= 5 and not is_bank_holiday(day)
        assert Term.objects.filter(la_code=la, starts_on__lte=day, ends_on__gte=day).exists()
        assert not Closure.objects.filter(la_code=la, starts_on__lte=day, ends_on__gte=day).exists()
        window = allowed_part_of_day(booking)
        assert window[0] <= starts and ends <= window[1], "outside the part of the day the school gave"
        length = (datetime.combine(day, ends) - datetime.combine(day, starts)).seconds / 60
        assert length == session.length_minutes
        assert officer.sessions.filter(pk=session.pk).exists(), "officer cannot deliver the session"
        assert str(day.isoweekday()) in officer.working_days
        assert not Leave.objects.filter(officer=officer, starts_on__lte=day, ends_on__gte=day).exists()
        assert not Visit.objects.filter(booking=booking, session=session, status__in=Visit.LIVE).exists()
        by_day[officer.pk, day].append((starts, ends, booking.school, True))

    total = 0.0
    planned_travel = defaultdict(float)
    for (officer_id, day), visits in by_day.items():
        if not any(planned for *_, planned in visits):
            if not (first <= day <= last):
                continue
        officer = Officer.objects.select_related("base").get(pk=officer_id)
        visits.sort(key=lambda v: v[0])
        assert len(visits) <= officer.max_visits_per_day
        clock = datetime.combine(day, officer.day_starts)
        here, travel = officer.base, 0.0
        for starts, ends, school, _ in visits:
            leg = minutes_between(here, school)
            arrive = clock + timedelta(minutes=leg + early)
            assert arrive <= datetime.combine(day, starts) + timedelta(seconds=1), (officer.name, day)
            clock, here, travel = datetime.combine(day, ends), school, travel + leg
        leg = minutes_between(here, officer.base)
        assert clock + timedelta(minutes=leg) <= datetime.combine(day, officer.day_ends) + timedelta(
            seconds=1
        )
        travel += leg
        if first <= day <= last:
            total += travel
            planned_travel[officer_id] += travel
    assert plan["travel_minutes_after"] == pytest.approx(total, abs=0.2)
    for row in plan["officers"]:
        assert row["travel_minutes_after"] == pytest.approx(planned_travel[row["officer_id"]], abs=0.1)


def test_plan_refuses_a_term_that_ends_before_it_starts(db):
    with pytest.raises(CommandError, match="ends before"):
        call_command("plan", "--term", "2027-03-01:2027-02-01", "--json", stdout=io.StringIO())
