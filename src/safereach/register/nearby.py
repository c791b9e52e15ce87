"""Fire-safety notices near a place (a school), for prevention staff. Published entries for
everyone who may see the page; staff of the service that served a notice also see its notices
not (or not yet) on the public register, each saying why."""

import math
from dataclasses import dataclass

from safereach.register import clock, public, rules
from safereach.register.models import RegisterNotice, with_rules


@dataclass(frozen=True)
class Nearby:
    notice: RegisterNotice
    metres: int
    entry: public.PublicEntry | None  # None: not on the public register today
    summary: str


def notices_near(easting: float, northing: float, metres: float, *, agency=None, today=None) -> list[Nearby]:
    """Notices within `metres` of a point (British National Grid), nearest first. `agency`: the
    viewer's, whose own notices not on the register are included too."""
    today = today or clock.today()
    box = dict(
        easting__gte=easting - metres,
        easting__lte=easting + metres,
        northing__gte=northing - metres,
        northing__lte=northing + metres,
    )
    found: dict[int, Nearby] = {}
    for e in public.published(public.may_be_public(today).filter(**box), today=today):
        d = _distance(e.notice, easting, northing)
        if d <= metres:
            found[e.notice.pk] = Nearby(e.notice, round(d), e, "On the public register")
    if agency is not None:
        keep = clock.keep_years()
        own = (
            RegisterNotice.objects.filter(agency=agency, **box)
            .filter(served_on__gte=rules.earliest_kept_service(today, keep))
            .exclude(pk__in=found)
            .select_related("agency", "district")
            .defer("district__geometry")
        )
        for notice, as_rules in with_rules(own):
            d = _distance(notice, easting, northing)
            if d > metres:
                continue
            standing = rules.standing(as_rules, today, keep_years=keep)
            facts = rules.facts_of(as_rules.known_on(today))
            if facts.withdrawn is None and not facts.cancelled:
                found[notice.pk] = Nearby(notice, round(d), None, standing.summary)
    return sorted(found.values(), key=lambda n: (n.metres, n.notice.number))


def _distance(notice, easting, northing) -> float:
    return math.hypot(notice.easting - easting, notice.northing - northing)
