"""The demo county has visits in its recent past, booked as the diary rules allowed then, with
outcomes for most; the demo officer finds one to record from their week page."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from safereach.bookings.calendar_days import is_bank_holiday
from safereach.bookings.models import Closure, Term, Visit
from safereach.catalogue.models import YEAR_LABEL
from safereach.delivery.models import VisitOutcome, year_groups_of
from safereach.demo.bookings import PAST_WEEKS, recent_school_days
from safereach.demo.schools import LA_CODE
from safereach.workforce.models import Leave


def past_visits():
    """The visits of the recent school weeks; the terms before them are demo.history's."""
    today = timezone.localdate()
    midnight = timezone.make_aware(datetime.combine(today, time(0)))
    first = timezone.make_aware(datetime.combine(recent_school_days(LA_CODE, today)[0], time(0)))
    return (
        Visit.objects.filter(is_fictional=True, starts_at__gte=first, starts_at__lt=midnight)
        .select_related("booking", "school", "session", "officer")
        .order_by("starts_at", "officer__name")
    )


def snapshot():
    return [
        (
            v.officer.name,
            v.school.urn,
            v.session.slug,
            v.starts_at,
            v.ends_at,
            v.booking.year_groups,
            v.booking.pupils,
            v.booking.contact_email,
        )
        for v in past_visits()
    ], sorted(
        # Two past visits may share a school and a time (two sessions there that morning).
        (o.visit.school.urn, o.visit.starts_at, o.visit.session.slug, o.delivered, o.reason,
         tuple(sorted(o.pupils_by_year_group.items())), o.recorded_at)
        for o in VisitOutcome.objects.select_related("visit__school", "visit__session")
    )


def test_past_visits_keep_to_the_rules_of_the_diary(run_demo):
    run_demo()
    visits = list(past_visits())
    assert len(visits) >= 60
    today = timezone.localdate()
    weeks = {v.starts_at.date() - timedelta(days=v.starts_at.weekday()) for v in visits}
    assert len(weeks) == PAST_WEEKS
    assert min(weeks) >= today - timedelta(weeks=PAST_WEEKS + 12)
    by_day = {}
    for v in visits:
        day = timezone.localdate(v.starts_at)
        la = v.school.la_code
        assert day < today and v.status == Visit.Status.CONFIRMED
        assert Term.objects.filter(la_code=la, starts_on__lte=day, ends_on__gte=day).exists()
        assert not Closure.objects.filter(la_code=la, starts_on__lte=day, ends_on__gte=day).exists()
        assert not is_bank_holiday(day) and day.isoweekday() <= 5
        assert v.officer.works_on(day)
        assert not Leave.objects.filter(officer=v.officer, starts_on__lte=day, ends_on__gte=day).exists()
        assert v.officer.sessions.filter(pk=v.session_id).exists()
        booked = set(v.booking.year_groups)
        assert booked and booked <= set(v.session.year_groups) & v.school.year_groups_taught
        assert 0 < v.booking.pupils <= v.session.group_size
        assert v.booking.status == "confirmed" and v.booking.created_at < v.starts_at
        by_day.setdefault((v.officer_id, day), []).append(v)
    for (_, _), on_day in by_day.items():
        assert len(on_day) <= on_day[0].officer.max_visits_per_day
        for a, b in zip(on_day, on_day[1:]):
            assert a.ends_at <= b.starts_at
    # Some officers were away for part of those weeks.
    assert Leave.objects.filter(starts_on__lt=today).exists()


def test_most_past_visits_have_outcomes_and_some_wait(run_demo):
    run_demo()
    visits = list(past_visits())
    outcomes = {o.visit_id: o for o in VisitOutcome.objects.filter(visit__in=visits)}
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time(0)))
    assert not VisitOutcome.objects.filter(visit__starts_at__gte=midnight).exists()
    assert 0.7 * len(visits) <= len(outcomes) < len(visits)
    not_delivered = [o for o in outcomes.values() if not o.delivered]
    assert 1 <= len(not_delivered) <= 0.2 * len(outcomes)
    assert all(o.reason and o.pupils_reached == 0 and o.reason_text for o in not_delivered)
    for v in visits:
        outcome = outcomes.get(v.pk)
        if outcome is None or not outcome.delivered:
            continue
        asked = {YEAR_LABEL[y] for y in year_groups_of(v)}
        assert set(outcome.pupils_by_year_group) <= asked
        assert outcome.pupils_reached == sum(outcome.pupils_by_year_group.values()) > 0
        assert v.ends_at <= outcome.recorded_at < timezone.now()


def test_rebuilding_gives_the_same_past(run_demo):
    run_demo()
    first = snapshot()
    run_demo()
    assert first[0] and first[1]
    assert snapshot() == first


def test_the_demo_officer_records_an_outcome_from_their_week(run_demo, client):
    run_demo()
    signed_in = client.post(
        "/accounts/sign-in/", {"email": "officer@demo.safereach.test", "password": "marshwold-demo"}
    )
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session
    page = client.get("/week/", follow=True)
    # Back through the weeks by the page's own "Previous week" link, to a visit to record.
    for _ in range(PAST_WEEKS + 1):
        html = page.content.decode()
        if "Record the outcome" in html:
            break
        previous = re.search(r'href="(\?week=[0-9-]+)" rel="prev"', html).group(1)
        page = client.get(page.request["PATH_INFO"] + previous)
    html = page.content.decode()
    assert "Record the outcome" in html
    link = re.search(r'href="(/[^"]*/outcome/)">Record the outcome', html).group(1)
    form = client.get(link)
    assert form.status_code == 200 and "Was the session delivered?" in form.content.decode()


@pytest.fixture
def early_september(monkeypatch):
    """Today as the second week of the autumn term, the summer holiday just behind it."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return real(value, timezone) if value is not None else date(2026, 9, 9)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def test_the_recent_weeks_reach_back_over_the_summer_holiday(early_september, run_demo):
    run_demo()
    days = {timezone.localdate(v.starts_at) for v in past_visits()}
    # The days of this term so far, then the last weeks of the summer term.
    assert days and all(d < date(2026, 9, 9) for d in days)
    assert not [d for d in days if date(2026, 7, 21) < d < date(2026, 9, 3)]
    assert any(d.month == 7 for d in days)
