"""Outcomes for the demo county's visits that have happened, added once demo.bookings has put
them in the officers' diaries. Most are recorded, a few were not delivered, and some of the
last week's wait for their officer, as in a real diary; the latest visit of each officer who
signs in to the demo always does, so the week page offers "Record the outcome".

They are written as seed data, not through the outcome page, so no audit events are made."""

from datetime import datetime, time, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safereach.accounts.models import Role, User
from safereach.bookings.models import Visit
from safereach.catalogue.models import YEAR_LABEL
from safereach.delivery.models import VisitOutcome

NOT_DELIVERED = 0.07
# Officers catch up with their records within days: recent visits are the ones still waiting.
LEFT_TO_RECORD = {"this week or last": 0.3, "earlier": 0.04}
JOINED_ON_THE_DAY = 0.08  # another class of the session's year groups joined in

REASONS = [
    (VisitOutcome.Reason.SCHOOL_CANCELLED, 0.4),
    (VisitOutcome.Reason.OFFICER_UNAVAILABLE, 0.25),
    (VisitOutcome.Reason.SCHOOL_CLOSED, 0.2),
    (VisitOutcome.Reason.OTHER, 0.15),
]
OTHER_REASONS = [
    "A fire alarm evacuation took most of the lesson.",
    "The hall was set out for mock exams and no other room was free.",
    "Our van broke down on the way; the school has asked to rebook.",
]
FEEDBACK = [
    "The class talked about it all afternoon.",
    "Pitched just right for the age group.",
    "Several pupils asked to take the leaflets home for their families.",
    "Good, but it ran a little over into break.",
    "The practical part worked really well; could it be longer next time?",
    "Quieter pupils joined in more than we expected.",
]
NOTES = [
    "Parking is at the back of the school; sign in at the side gate.",
    "Projector needs an HDMI adapter.",
    "Teacher asked about a follow-up for the year above.",
    "Two pupils were upset by the videos: let the school know beforehand next time.",
]


def clear_demo_outcomes() -> None:
    fictional = Q(visit__is_fictional=True) | Q(visit__school__is_fictional=True)
    VisitOutcome.objects.filter(fictional | Q(visit__officer__is_fictional=True)).delete()


def add_demo_outcomes(county, agencies, today=None) -> dict:
    today = today or timezone.localdate()
    rng = np.random.default_rng(county.seed + 6)
    midnight = timezone.make_aware(datetime.combine(today, time(0)))
    visits = list(
        Visit.objects.filter(is_fictional=True, status__in=Visit.LIVE, starts_at__lt=midnight)
        .select_related("booking", "school", "session", "officer")
        .order_by("starts_at", "officer__name")
    )
    latest = {v.officer_id: v for v in visits if v.officer.user_id is not None}
    coordinators = {}
    for user in User.objects.filter(agency__in=agencies.values()).order_by("email"):
        if Role.COORDINATOR in (user.roles or []):
            coordinators.setdefault(user.agency_id, user)
    recent = today - timedelta(days=today.weekday() + 7)  # the Monday of last week
    recorded = 0
    for visit in visits:
        day = timezone.localdate(visit.starts_at)
        wait = LEFT_TO_RECORD["this week or last" if day >= recent else "earlier"]
        if visit is latest.get(visit.officer_id) or rng.random() < wait:
            continue
        outcome = VisitOutcome(
            visit=visit,
            recorded_by=visit.officer.user or coordinators.get(visit.officer.agency_id),
            recorded_at=_recorded_at(rng, visit, today),
        )
        if rng.random() < NOT_DELIVERED:
            outcome.delivered = False
            reasons, shares = zip(*REASONS)
            outcome.reason = reasons[int(rng.choice(len(reasons), p=shares))]
            if outcome.reason == VisitOutcome.Reason.OTHER:
                outcome.reason_other = OTHER_REASONS[int(rng.integers(0, len(OTHER_REASONS)))]
        else:
            outcome.delivered = True
            outcome.pupils_by_year_group = _pupils_reached(rng, visit)
            if rng.random() < 0.6:
                outcome.school_feedback = FEEDBACK[int(rng.integers(0, len(FEEDBACK)))]
            if rng.random() < 0.25:
                outcome.officer_notes = NOTES[int(rng.integers(0, len(NOTES)))]
        with transaction.atomic():
            outcome.save()
            visit.outcome_recorded(outcome.delivered, outcome.for_case_systems(), now=outcome.recorded_at)
        recorded += 1
    return {"outcomes": recorded, "outcomes to record": len(visits) - recorded}


def _pupils_reached(rng, visit: Visit) -> dict[str, int]:
    """The class booked, less a few absent; now and then another class of the session's year
    groups that the school teaches joined in on the day."""
    booking = visit.booking
    years = sorted(booking.year_groups) if booking is not None and booking.year_groups else []
    planned = booking.pupils if booking is not None else 28
    if not years:
        years = sorted(visit.school.year_groups_taught & set(visit.session.year_groups or []))[:1]
        years = years or sorted(visit.session.year_groups or [])[:1]
    share, extra = divmod(planned, len(years))
    counts = {}
    for i, year in enumerate(years):
        expected = share + (1 if i < extra else 0)
        counts[year] = max(1, expected - int(rng.integers(0, 4)))
    if rng.random() < JOINED_ON_THE_DAY:
        others = sorted(visit.school.year_groups_taught & set(visit.session.year_groups or []) - set(years))
        if others:
            year = others[int(rng.integers(0, len(others)))]
            counts[year] = int(rng.integers(18, 31))
    return {YEAR_LABEL[year]: counts[year] for year in sorted(counts)}


def _recorded_at(rng, visit: Visit, today) -> datetime:
    """At the end of the visit's day, or the next morning if that has come."""
    ends = timezone.localtime(visit.ends_at)
    next_day = ends.date() + timedelta(days=1)
    if next_day < today and rng.random() < 0.3:
        minute = int(rng.integers(8 * 60, 9 * 60 + 30))
        return timezone.make_aware(datetime.combine(next_day, time(minute // 60, minute % 60)))
    return ends + timedelta(minutes=int(rng.integers(15, 240)))
