"""Schools' requests for the demo county, for the term planner to plan and the benchmark to
measure: each school asks for one session for year groups it teaches, on a run of school days it
chose, at a part of the day it chose, and sends it to the coordinators' queue (committed, not left
at "Choose a time"). `safereach demo` adds a few dozen for next term (DEMO_REQUESTS); the
benchmark and tests add as many as they need."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from safereach.bookings.calendar_days import open_days
from safereach.bookings.models import Booking, Term
from safereach.bookings.priority import target_school_ids
from safereach.catalogue.models import Session
from safereach.demo.bookings import DEMO_DOMAIN_SUFFIX
from safereach.schools.models import School

DEMO_REQUESTS = 36
PLAN_WEEKS = 12  # a plan of the coming twelve weeks reaches every request the demo adds
ENOUGH_DAYS = 15  # school days of next term within those weeks for the requests to be for it


def next_term_days(la_code: str, today: date, weeks: int = PLAN_WEEKS) -> tuple[date, date]:
    """The days the demo's requests ask for: next term's, as far as the coming `weeks` weeks
    reach, from a week ahead; when next term starts too late for that (early in a long term),
    the coming weeks' own school days."""
    soon, horizon = today + timedelta(days=7), today + timedelta(weeks=weeks)
    term = Term.objects.filter(la_code=la_code, starts_on__gt=today).order_by("starts_on").first()
    if term is not None:
        first, last = max(term.starts_on, soon), min(term.ends_on, horizon)
        if len(open_days(la_code, first, last)) >= ENOUGH_DAYS:
            return first, last
    return soon, horizon


def add_term_requests(
    first_day: date,
    last_day: date,
    count: int,
    seed: int = 0,
    contacts: dict[int, tuple[str, str]] | None = None,
) -> list[Booking]:
    """`count` open requests (in the coordinators' queue) from the demo schools for days in the
    term; a school in `contacts` (school id -> name, email) asks through that contact."""
    rng = np.random.default_rng(seed)
    contacts = contacts or {}
    schools = list(School.objects.filter(is_fictional=True, lon__isnull=False).order_by("pk"))
    sessions = [
        s
        for s in Session.objects.filter(partner__is_fictional=True).select_related("programme").order_by("pk")
        if s.is_visit and s.officers.exists()
    ]
    if not schools or not sessions:
        return []
    targets = {s.pk: target_school_ids(s.programme.slug) for s in sessions}
    suited = {s.pk: [school for school in schools if s.suits(school)] for s in sessions}
    sessions = [s for s in sessions if suited[s.pk]]
    made = []
    for i in range(count):
        if not sessions:
            break
        session = sessions[int(rng.integers(0, len(sessions)))]
        school = suited[session.pk][int(rng.integers(0, len(suited[session.pk])))]
        days = open_days(school.la_code, first_day, last_day)
        if not days:
            break
        start = days[int(rng.integers(0, len(days)))]
        end = min(last_day, start + timedelta(days=int(rng.integers(4, 15))))
        more = []
        if rng.random() < 0.3:  # another run of days later in the term
            later = [d for d in days if d > end + timedelta(days=7)]
            if later:
                a = later[int(rng.integers(0, len(later)))]
                more = [[a.isoformat(), min(last_day, a + timedelta(days=4)).isoformat()]]
        name, email = contacts.get(
            school.pk, (f"Contact {i + 1}", f"office{i + 1}@{school.pk}{DEMO_DOMAIN_SUFFIX}")
        )
        booking = Booking.objects.create(
            school=school,
            contact_name=name,
            contact_email=email,
            dates_from=start,
            dates_to=end,
            more_dates=more,
            part_of_day=str(rng.choice(["any", "any", "morning", "afternoon"])),
            pupils=int(rng.integers(20, 90)),
            year_groups=sorted(school.year_groups_taught & set(session.year_groups))[:2],
            is_target=school.pk in targets[session.pk],
        )
        booking.sessions.add(session)
        booking.send_to_queue()  # sent by the school; no time fitted
        made.append(booking)
    return made
