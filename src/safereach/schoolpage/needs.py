"""Reading and saving what schools say they need, and gathering the rows unmet demand and the
tier mix are computed from."""

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from safereach.bookings.models import Booking, Visit
from safereach.catalogue.models import Session
from safereach.matrix.models import Programme
from safereach.schoolpage.unmet_demand import Asked, Offer, TierMix, UnmetRow, tier_mix, unmet_demand
from safereach.schools.models import Cohort, School, SchoolNeed, school_year_of
from safereach.schools.tiers import refresh_tier
from safereach.schools.year_groups import YEAR_LABEL

NO_AREA = "Area not known"


def area_of(school: School) -> str:
    """The district a school lies in, by its location; else as GIAS names it."""
    lsoa = school.lsoa
    if lsoa is not None and lsoa.district is not None:
        return lsoa.district.name
    return school.la_name or NO_AREA


def current_school_year(today=None) -> int:
    return school_year_of(today or timezone.localdate())


def need_of(school: School, school_year: int) -> SchoolNeed | None:
    return SchoolNeed.objects.filter(school=school, school_year=school_year).first()


def save_need(school: School, school_year: int, answers: dict) -> SchoolNeed:
    """The school's statement of need for the year, new or replacing its last; its own view of
    its tier goes into the tier in force unless a decision stands."""
    with transaction.atomic():
        need, _ = SchoolNeed.objects.update_or_create(
            school=school, school_year=school_year,
            defaults={**answers, "updated_at": timezone.now()})
        refresh_tier(school)
    return need


def sessions_suiting(school: School):
    """Published sessions for any of the year groups the school teaches, at its tier if known."""
    years = school.year_groups_taught
    sessions = Session.objects.filter(is_published=True).select_related("partner")
    suiting = [s for s in sessions if not years or years & set(s.year_groups or [])]
    if school.need_tier:
        suiting = [s for s in suiting if not s.tiers_served or school.need_tier in s.tiers_served]
    return suiting


def read_offers() -> list[Offer]:
    sessions = (Session.objects.filter(is_published=True).select_related("programme")
                .annotate(n_officers=Count("officers")))
    return [Offer(s.programme.slug, frozenset(s.year_groups or []), frozenset(s.tiers_served or []),
                  s.is_visit, s.n_officers > 0) for s in sessions]


def read_asked(school_year: int) -> list[Asked]:
    needs = SchoolNeed.objects.filter(school_year=school_year).select_related(
        "school__lsoa__district")
    return [Asked(n.school_id, area_of(n.school), tuple(n.topics), tuple(n.year_groups),
                  tuple(n.cohorts), n.school.need_tier, tuple(sorted(n.school.year_groups_taught)),
                  pressing=n.urgency == SchoolNeed.Urgency.THIS_TERM)
            for n in needs]


def read_waiting() -> set[tuple[int, str]]:
    """(school, programme) of sessions asked for that wait in the queue for an officer."""
    waiting = set()
    bookings = (Booking.objects.filter(status__in=Booking.WAITING_FOR_COORDINATOR)
                .filter(Booking.has_waiting_session()).prefetch_related("sessions__programme"))
    for booking in bookings:
        live = set(booking.visits.filter(status__in=Visit.LIVE).values_list("session_id", flat=True))
        waiting |= {(booking.school_id, s.programme.slug) for s in booking.sessions.all()
                    if s.pk not in live}
    return waiting


def read_visited(school_year: int) -> set[tuple[int, str]]:
    """(school, programme) with a live visit in the school year (delivered ones included)."""
    start = timezone.make_aware(datetime(school_year, 9, 1))
    end = timezone.make_aware(datetime(school_year + 1, 9, 1))
    visits = Visit.objects.filter(status__in=Visit.LIVE, starts_at__gte=start, starts_at__lt=end)
    return set(visits.values_list("school_id", "session__programme__slug"))


def unmet_demand_rows(school_year: int) -> list[UnmetRow]:
    return unmet_demand(read_asked(school_year), read_offers(), read_waiting(),
                        read_visited(school_year), YEAR_LABEL, dict(Cohort.choices))


def tier_mix_rows() -> list[TierMix]:
    schools = (School.objects.exclude(status__icontains="closed")
               .select_related("lsoa__district"))
    return tier_mix([(area_of(s), s.need_tier) for s in schools])


def topic_label(slug: str) -> str:
    return dict(Programme.objects.choices()).get(slug, slug)


def needs_asked_summary(school_year: int) -> dict:
    """How many schools have said what would help them this year."""
    needs = SchoolNeed.objects.filter(school_year=school_year)
    return {"schools": needs.count(),
            "pressing": needs.filter(urgency=SchoolNeed.Urgency.THIS_TERM).count(),
            "own_tier": needs.filter(~Q(own_tier=None)).count()}
