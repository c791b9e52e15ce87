"""The one reader of officers' diaries: each officer's hours, base, sessions and leave, and every
visit that holds their time, read from the database into `routing.diary.Diary` for slot offers,
the term planner, the officer's week, applying a plan and every re-check; and of what a school
already hosts, day by day, read into `routing.diary.SchoolDay` the same way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from safereach.bookings.models import Visit
from safereach.routing.diary import Diary, Hosting, SchoolDay, Stop
from safereach.workforce.models import BusyTime, Leave, Officer


def minutes_of(t: time) -> int:
    return t.hour * 60 + t.minute


def at(day: date, minute: int) -> datetime:
    """`minute` of `day` as an aware datetime in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60)))


def visit_key(visit_id: int) -> str:
    return f"visit {visit_id}"


def visit_id_of(key: str) -> int | None:
    kind, _, pk = key.partition(" ")
    return int(pk) if kind == "visit" and pk.isdigit() else None


class Places:
    """Place indices for the travel-time table: one per distinct (lon, lat)."""

    def __init__(self):
        self.index: dict[tuple[float, float], int] = {}

    def __call__(self, lon, lat) -> int:
        return self.index.setdefault((float(lon), float(lat)), len(self.index))

    @property
    def lonlat(self) -> list[tuple[float, float]]:
        return list(self.index)


def read_diaries(
    officers: Iterable[Officer],
    first_day: date,
    last_day: date,
    places: Places,
    *,
    ignore_visit_ids: Iterable[int] = (),
) -> dict[int, Diary]:
    """The diaries of `officers` (with a base) from `first_day` to `last_day`, by officer id:
    leave, sessions, live visits and busy times from their own calendars, in five queries
    whatever the number of officers. `ignore_visit_ids` are read as if free
    (a visit being moved)."""
    officers = [o for o in officers if o.base_id is not None]
    by_id = {o.pk: o for o in officers}
    ids = list(by_id)
    away: dict[int, set[date]] = {pk: set() for pk in ids}
    for officer_id, starts_on, ends_on in Leave.objects.filter(
        officer__in=ids, starts_on__lte=last_day, ends_on__gte=first_day
    ).values_list("officer_id", "starts_on", "ends_on"):
        day = max(starts_on, first_day)
        while day <= min(ends_on, last_day):
            away[officer_id].add(day)
            day += timedelta(days=1)
    sessions: dict[int, set[int]] = {pk: set() for pk in ids}
    for officer_id, session_id in Officer.sessions.through.objects.filter(officer__in=ids).values_list(
        "officer_id", "session_id"
    ):
        sessions[officer_id].add(session_id)
    stops: dict[int, dict[date, list[Stop]]] = {pk: {} for pk in ids}
    visits = (
        Visit.objects.filter(
            officer__in=ids,
            status__in=Visit.LIVE,
            starts_at__gte=at(first_day, 0),
            starts_at__lt=at(last_day + timedelta(days=1), 0),
        )
        .exclude(pk__in=list(ignore_visit_ids))
        .values_list("pk", "officer_id", "starts_at", "ends_at", "school__lon", "school__lat")
    )
    for pk, officer_id, starts, ends, lon, lat in visits:
        starts, ends = timezone.localtime(starts), timezone.localtime(ends)
        stop = Stop(minutes_of(starts.time()), minutes_of(ends.time()), places(lon, lat), visit_key(pk))
        stops[officer_id].setdefault(starts.date(), []).append(stop)
    # Busy times from the officer's own calendar, day by day, kept clear as time spent at base.
    for officer_id, starts, ends in BusyTime.objects.filter(
        officer__in=ids, starts_at__lt=at(last_day + timedelta(days=1), 0), ends_at__gt=at(first_day, 0)
    ).values_list("officer_id", "starts_at", "ends_at"):
        starts, ends = timezone.localtime(starts), timezone.localtime(ends)
        day = max(starts.date(), first_day)
        while day <= min(ends.date(), last_day):
            begins = minutes_of(starts.time()) if day == starts.date() else 0
            until = minutes_of(ends.time()) if day == ends.date() else 24 * 60
            visits = stops[officer_id].get(day, [])
            # A visit the officer's calendar shows too (subscribed from SafeReach's feed) is
            # already in the diary: only time busy with something else is added.
            if until > begins and not any(v.start < until and begins < v.end for v in visits if v.is_visit):
                base = by_id[officer_id].base
                visits.append(Stop(begins, until, places(base.lon, base.lat), "busy", is_visit=False))
                stops[officer_id][day] = visits
            day += timedelta(days=1)
    diaries = {}
    for o in officers:
        diaries[o.pk] = Diary(
            officer_id=o.pk,
            base=places(o.base.lon, o.base.lat),
            day_starts=minutes_of(o.day_starts),
            day_ends=minutes_of(o.day_ends),
            working_weekdays=frozenset(int(d) for d in o.working_days),
            max_visits_per_day=o.max_visits_per_day,
            sessions=frozenset(sessions[o.pk]),
            away=frozenset(away[o.pk]),
            stops={day: tuple(sorted(day_stops)) for day, day_stops in stops[o.pk].items()},
        )
    return diaries


def read_school_day(
    booking, first_day: date, last_day: date, *, ignore_visit_ids: Iterable[int] = ()
) -> SchoolDay:
    """`booking`'s school day with what its school already hosts from `first_day` to
    `last_day`: the booking's own live visits (its group of pupils) and every other live visit
    at the school, in one query. `ignore_visit_ids` are read as if gone (a visit being moved)."""
    school_day = booking.school_day()
    visits = (
        Visit.objects.filter(
            school=booking.school_id,
            status__in=Visit.LIVE,
            starts_at__gte=at(first_day, 0),
            starts_at__lt=at(last_day + timedelta(days=1), 0),
        )
        .exclude(pk__in=list(ignore_visit_ids))
        .values_list("booking_id", "starts_at", "ends_at")
    )
    hosting: dict[date, Hosting] = {}
    for booking_id, starts, ends in visits:
        starts, ends = timezone.localtime(starts), timezone.localtime(ends)
        day = starts.date()
        here = hosting.get(day) or Hosting(at_once=school_day.at_once)
        span = (minutes_of(starts.time()), minutes_of(ends.time()))
        hosting[day] = here.with_session(
            *span, same_group=booking.pk is not None and booking_id == booking.pk
        )
    return replace(school_day, hosting=hosting)
