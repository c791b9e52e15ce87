"""The demo county's past terms of delivery, written from the roll-out `generate` planned
(demo.rollout): term dates back to the first of them, and for each planned visit a confirmed
booking, the visit on the first open day from the planned one on which an officer who delivers
the session works and has room, and its outcome. Now and then the school cancelled on the day
a week before, and the visit was delivered on the next try. Visits on or after the first of the
recent school weeks (demo.bookings) or after today are left out: those weeks are the diary's.

Written as seed data, like demo.outcomes: no audit events, no emails."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
from django.utils import timezone
from django.utils.text import slugify

from safereach.accounts.models import Role, User
from safereach.bookings.calendar_days import open_days
from safereach.bookings.models import Booking, Closure, Term, Visit
from safereach.catalogue.models import Session
from safereach.delivery.models import VisitOutcome
from safereach.demo.bookings import (
    CONTACT_ROLES,
    DEMO_DOMAIN_SUFFIX,
    _booked_years,
    recent_school_days,
    term_dates,
)
from safereach.demo.names import person_name
from safereach.demo.outcomes import FEEDBACK, _pupils_reached
from safereach.demo.schools import LA_CODE
from safereach.schools.models import School
from safereach.workforce.models import Leave

STARTS = [time(9, 30), time(11, 0), time(13, 30)]
CANCELLED_FIRST = 0.06


def add_history_terms(plan: list[dict]) -> None:
    """Term dates and closures for the school years of the plan that the demo has none for."""
    if not plan:
        return
    have = {t.starts_on for t in Term.objects.filter(la_code=LA_CODE)}
    first = min(p["term_starts"] for p in plan)
    for year in range(first.year - 1, first.year + 2):
        terms, closures = term_dates(year)
        if any(starts in have for _, starts, _ in terms):
            continue
        Term.objects.bulk_create([Term(la_code=LA_CODE, name=n, starts_on=s, ends_on=e) for n, s, e in terms])
        Closure.objects.bulk_create(
            [Closure(la_code=LA_CODE, name=n, starts_on=s, ends_on=e) for n, s, e in closures]
        )
        have.update(s for _, s, _ in terms)


def add_demo_history(county, agencies, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    plan = county.rollout
    add_history_terms(plan)
    recent = recent_school_days(LA_CODE, today)
    cut_off = recent[0] if recent else today
    rng = np.random.default_rng(county.seed + 7)
    schools = {s.urn: s for s in School.objects.filter(is_fictional=True)}
    sessions = {
        (s.partner_id, s.title): s
        for s in Session.objects.filter(
            partner__in=agencies.values(), delivery_place=Session.Place.SCHOOL
        ).prefetch_related("officers")
    }
    coordinators = {}
    for user in User.objects.filter(agency__in=agencies.values()).order_by("email"):
        if Role.COORDINATOR in (user.roles or []):
            coordinators.setdefault(user.agency_id, user)
    away: dict[int, set[date]] = {}
    for officer_id, starts, ends in Leave.objects.values_list("officer_id", "starts_on", "ends_on"):
        day = starts
        while day <= ends:
            away.setdefault(officer_id, set()).add(day)
            day += timedelta(days=1)
    taken: dict[tuple[int, date], int] = {}  # (officer, day) → visits that day
    days_cache: dict[tuple[date, date], list[date]] = {}
    visits, outcomes = 0, 0
    for item in plan:
        school = schools.get(item["urn"])
        session = sessions.get((agencies[item["agency"]].pk, item["session"]))
        if school is None or session is None or not _booked_years(school, session):
            continue
        officers = sorted(session.officers.all(), key=lambda o: o.pk)
        if not officers:
            continue
        attempts = [False, True] if item["first"] and rng.random() < CANCELLED_FIRST else [True]
        day = item["day"]
        for delivered in attempts:
            found = _find_slot(day, min(cut_off, today), officers, away, taken, days_cache, rng)
            if found is None:
                break
            officer, on, start = found
            visit = _write_visit(rng, school, session, officer, on, start)
            visits += 1
            _write_outcome(rng, visit, delivered, officer.user or coordinators.get(officer.agency_id))
            outcomes += 1
            day = on + timedelta(days=7)
    return {"history visits": visits, "history outcomes": outcomes}


def _find_slot(day, before, officers, away, taken, days_cache, rng):
    """The first open day from `day` on (within eight weeks, before `before`) on which one of
    `officers` works, is not away and has room; with the first free start time that day."""
    end = min(day + timedelta(weeks=8), before - timedelta(days=1))
    if end < day:
        return None
    key = (day, end)
    if key not in days_cache:
        days_cache[key] = open_days(LA_CODE, day, end)
    for on in days_cache[key]:
        order = rng.permutation(len(officers))
        for k in order:
            officer = officers[int(k)]
            if not officer.works_on(on) or on in away.get(officer.pk, ()):
                continue
            used = taken.get((officer.pk, on), 0)
            if used >= min(officer.max_visits_per_day, len(STARTS)):
                continue
            start = STARTS[used]
            if start < officer.day_starts:
                continue
            taken[(officer.pk, on)] = used + 1
            return officer, on, start
    return None


def _write_visit(rng, school, session, officer, on: date, start: time) -> Visit:
    years = _booked_years(school, session)
    year = years[int(rng.integers(0, len(years)))]
    taught = school.year_groups_taught
    year_size = (school.pupils or 30 * len(taught)) / max(1, len(taught))
    pupils = int(min(session.group_size, max(6, round(year_size))))
    first_name, last_name = person_name(rng)
    email = f"{first_name[0]}.{last_name}@{slugify(school.name)}{DEMO_DOMAIN_SUFFIX}".lower()
    starts_at = timezone.make_aware(datetime.combine(on, start))
    booking = Booking.objects.create(
        school=school,
        contact_name=f"{first_name} {last_name}",
        contact_role=CONTACT_ROLES[int(rng.integers(0, len(CONTACT_ROLES)))],
        contact_email=email,
        dates_from=on - timedelta(days=int(rng.integers(0, 5))),
        dates_to=on + timedelta(days=7),
        pupils=pupils,
        year_groups=[year],
    )
    booking.sessions.add(session)
    created = starts_at - timedelta(days=int(rng.integers(14, 43)))
    visit = Visit.objects.hold(
        booking=booking,
        school=school,
        session=session,
        officer=officer,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=session.length_minutes),
        is_fictional=True,
    )
    # Through the booking's own changes of status, as a school confirming by email would.
    booking.hold(until=None)
    booking.confirm(f"{email} (by email link)", now=created + timedelta(minutes=20))
    Booking.objects.filter(pk=booking.pk).update(created_at=created)
    visit.refresh_from_db()
    return visit


def _write_outcome(rng, visit: Visit, delivered: bool, recorded_by) -> None:
    outcome = VisitOutcome(
        visit=visit,
        recorded_by=recorded_by,
        recorded_at=visit.ends_at + timedelta(minutes=int(rng.integers(15, 240))),
    )
    if delivered:
        outcome.delivered = True
        outcome.pupils_by_year_group = _pupils_reached(rng, visit)
        if rng.random() < 0.5:
            outcome.school_feedback = FEEDBACK[int(rng.integers(0, len(FEEDBACK)))]
    else:
        outcome.delivered = False
        outcome.reason = VisitOutcome.Reason.SCHOOL_CANCELLED
    outcome.save()
