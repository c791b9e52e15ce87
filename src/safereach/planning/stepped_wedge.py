"""Stepped-wedge roll-out: a coordinator holds back an agreed, random share of the schools waiting
for a programme for one term, so the impact evaluation can compare schools that only chance
kept apart. The term planner asks `held_back` which requests to leave for a later term.

The draw is reproducible by anyone: the pool's URNs in ascending order, shuffled by numpy's
default generator (PCG64) seeded with the draw's seed; the first n are held back, n being the
agreed share of the pool rounded to the nearest school (at least one).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import transaction

from safereach.accounts.models import AuditEvent
from safereach.bookings.calendar_days import terms_for
from safereach.bookings.models import Booking, Term
from safereach.matrix.models import Programme
from safereach.planning.models import HoldBack
from safereach.schools.models import School


def draw(pool_urns: list[int], share_percent: int, seed: int) -> list[int]:
    """The URNs held back: pure, so the page can show how to repeat it."""
    pool = sorted(pool_urns)
    if not pool:
        return []
    count = max(1, int(np.floor(len(pool) * share_percent / 100 + 0.5)))
    order = np.random.default_rng(seed).permutation(len(pool))
    return sorted(pool[k] for k in order[:count])


def waiting_schools(term: Term, programme: Programme):
    """Schools whose requests for a session of `programme` wait for a time on days in `term`,
    as the term planner reads open requests. Only schools that keep this term's dates (their
    local authority's, or the default ones when it has none)."""
    from safereach.planning.term_plan import open_requests  # the planner's own rule; it imports us

    waiting = (
        open_requests(Booking.objects.filter(sessions__programme=programme))
        .select_related("school")
        .distinct()
    )
    ids = set()
    for booking in waiting:
        if terms_for(booking.school.la_code)[1] != term.la_code:
            continue
        if any(a <= term.ends_on and b >= term.starts_on for a, b in booking.date_ranges):
            ids.add(booking.school_id)
    return School.objects.filter(pk__in=ids).order_by("urn")


@transaction.atomic
def hold_back(term: Term, programme: Programme, share_percent: int, agreed_by: str, user) -> HoldBack:
    """Draw and keep the schools held back, with an audit event. Raises ValueError when no school
    is waiting (nothing to draw from)."""
    pool = list(waiting_schools(term, programme).values_list("urn", flat=True))
    if not pool:
        raise ValueError("no school is waiting")
    seed = secrets.randbits(62)
    chosen = draw(pool, share_percent, seed)
    record = HoldBack.objects.create(
        term=term,
        programme=programme,
        share_percent=share_percent,
        agreed_by=agreed_by,
        seed=seed,
        pool_urns=sorted(pool),
        drawn_by=user,
    )
    record.schools.set(School.objects.filter(urn__in=chosen))
    AuditEvent.objects.create(
        user=user,
        action="planning.hold_back.draw",
        target=str(record),
        detail={
            "term": term.pk,
            "programme": programme.slug,
            "share_percent": share_percent,
            "seed": seed,
            "pool": sorted(pool),
            "held_back": chosen,
            "agreed_by": agreed_by,
        },
    )
    return record


@dataclass(frozen=True)
class HeldBack:
    """The (school id, programme id) pairs held back for any term that overlaps some days."""

    pairs: frozenset[tuple[int, int]]

    def holds(self, school_id: int, programme_id: int) -> bool:
        return (school_id, programme_id) in self.pairs


def held_back(first_day: date, last_day: date) -> HeldBack:
    """What the term planner must leave out when it plans the days from `first_day` to
    `last_day`: requests of held-back schools for the programme they were held back from."""
    pairs = HoldBack.schools.through.objects.filter(
        holdback__term__starts_on__lte=last_day, holdback__term__ends_on__gte=first_day
    ).values_list("school_id", "holdback__programme")
    return HeldBack(frozenset(pairs))
