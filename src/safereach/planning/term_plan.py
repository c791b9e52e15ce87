"""The term planner over the database: open requests, officers and their diaries read from the
models, travel times from the one travel provider, handed to the pure planner in
routing.planner; and the plan read back in people's words (officers, schools, sessions).

An open request is a booking still choosing a time or in the coordinator's queue (REQUESTED,
QUEUED), one request per session it asked for that is delivered at the school. Every live
visit (held or confirmed) stays where it is: schools have been told those times.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from safereach.bookings.calendar_days import open_days
from safereach.bookings.models import Booking, Visit
from safereach.bookings.offers import booking_settings, minutes_of, window
from safereach.bookings.priority import target_school_ids
from safereach.catalogue.models import Session
from safereach.delivery.stepped_wedge import held_back
from safereach.routing import planner
from safereach.routing.travel import travel_provider
from safereach.workforce.models import Leave, Officer

OPEN = [Booking.Status.REQUESTED, Booking.Status.QUEUED]
# A confirmed booking may still have sessions no officer could reach when the school booked:
# those are open requests too. (A booking still held waits for the school or the coordinator
# to confirm it first: planning its other sessions would confirm it over their heads.)
PART_BOOKED = Booking.Status.CONFIRMED
# What a request is worth, in minutes of travel: a target school's is worth much more, so when
# not everything fits, target schools win.
PRIZE = {"target": 2000.0, "other": 400.0}


def open_requests(bookings):
    """The bookings among `bookings` with sessions for the planner: open requests, and
    confirmed bookings with a session still waiting for a time."""
    return bookings.filter(Q(status__in=OPEN) | Q(Booking.has_waiting_session(), status=PART_BOOKED))


def request_key(booking_id: int, session_id: int) -> str:
    return f"{booking_id}:{session_id}"


def parse_request_key(key: str) -> tuple[int, int]:
    booking, session = key.split(":")
    return int(booking), int(session)


@dataclass
class TermInput:
    first_day: date
    last_day: date
    officers: list[planner.PlanOfficer]
    requests: list[planner.PlanRequest]
    fixed: list[planner.FixedVisit]
    minutes: np.ndarray
    places: list[tuple[float, float]]  # (lon, lat) of each place index
    arrive_before: int
    officer_names: dict[int, str]
    labels: dict[str, tuple[str, str]]  # request key -> (school, session)


def gather(
    first_day: date,
    last_day: date,
    *,
    today: date | None = None,
    dropped: set[str] = frozenset(),
    pinned: dict[str, tuple[int, date, int]] | None = None,
    requests=None,
    agency_id: int | None = None,
) -> TermInput:
    """Read what the planner needs for the days from `first_day` to `last_day`.

    `dropped` request keys are left out of the model; `pinned` ones are kept at the given
    (officer, day, start). `requests` (a Booking queryset) narrows the open requests."""
    today = today or timezone.localdate()
    first_day = max(first_day, today + timedelta(days=1))  # never today, as for schools
    pinned = pinned or {}
    places: dict[tuple[float, float], int] = {}

    def place(lon, lat) -> int:
        return places.setdefault((float(lon), float(lat)), len(places))

    officers_qs = (
        Officer.objects.filter(base__isnull=False, **({"agency": agency_id} if agency_id else {}))
        .select_related("base")
        .prefetch_related(Prefetch("sessions", Session.objects.only("id")))
    )
    leave: dict[int, set[date]] = {}
    for officer_id, starts_on, ends_on in Leave.objects.filter(
        starts_on__lte=last_day, ends_on__gte=first_day
    ).values_list("officer_id", "starts_on", "ends_on"):
        day = starts_on
        while day <= ends_on:
            leave.setdefault(officer_id, set()).add(day)
            day += timedelta(days=1)
    officers, names = [], {}
    for o in officers_qs:
        names[o.pk] = o.name
        officers.append(
            planner.PlanOfficer(
                officer_id=o.pk,
                base=place(o.base.lon, o.base.lat),
                day_starts=minutes_of(o.day_starts),
                day_ends=minutes_of(o.day_ends),
                working_weekdays=frozenset(int(d) for d in o.working_days),
                max_visits_per_day=o.max_visits_per_day,
                sessions=frozenset(s.pk for s in o.sessions.all()),
                away=frozenset(leave.get(o.pk, ())),
            )
        )

    fixed = []
    for v in Visit.objects.filter(
        status__in=Visit.LIVE,
        officer__in=[o.officer_id for o in officers],
        starts_at__gte=timezone.make_aware(_midnight(first_day)),
        starts_at__lt=timezone.make_aware(_midnight(last_day + timedelta(days=1))),
    ).select_related("school"):
        starts, ends = timezone.localtime(v.starts_at), timezone.localtime(v.ends_at)
        fixed.append(
            planner.FixedVisit(
                key=f"visit {v.pk}",
                officer_id=v.officer_id,
                day=starts.date(),
                start=minutes_of(starts.time()),
                end=minutes_of(ends.time()),
                place=place(v.school.lon, v.school.lat),
            )
        )

    bookings = (
        open_requests(Booking.objects.all() if requests is None else requests)
        .filter(school__lon__isnull=False)
        .select_related("school")
        .prefetch_related("sessions")
    )
    taken = set(
        Visit.objects.filter(booking__in=bookings, status__in=Visit.LIVE).values_list(
            "booking_id", "session_id"
        )
    )
    targets: dict[str, set[int]] = {}
    held = held_back(first_day, last_day)  # schools a stepped-wedge draw keeps for a later term
    days_for: dict[tuple[str, tuple], tuple[date, ...]] = {}
    plan_requests, labels = [], {}
    for booking in bookings:
        ranges = tuple(booking.date_ranges)
        if not any(a <= last_day and b >= first_day for a, b in ranges):
            continue
        cache_key = (booking.school.la_code, ranges)
        if cache_key not in days_for:
            days = set()
            for a, b in ranges:
                if a <= last_day and b >= first_day:
                    days.update(open_days(booking.school.la_code, max(a, first_day), min(b, last_day)))
            days_for[cache_key] = tuple(sorted(days))
        earliest, latest = window(booking)
        for session in booking.sessions.all():
            if not session.is_visit or (booking.pk, session.pk) in taken:
                continue
            if held.holds(booking.school_id, session.programme):
                continue
            key = request_key(booking.pk, session.pk)
            labels[key] = (booking.school.name, session.title)
            if key in dropped:
                continue
            if session.programme not in targets:
                targets[session.programme] = target_school_ids(session.programme)
            is_target = booking.is_target or booking.school_id in targets[session.programme]
            plan_requests.append(
                planner.PlanRequest(
                    key=key,
                    session_id=session.pk,
                    place=place(booking.school.lon, booking.school.lat),
                    days=days_for[cache_key],
                    earliest=earliest,
                    latest=latest,
                    length=session.length_minutes,
                    prize=PRIZE["target" if is_target else "other"],
                    is_target=is_target,
                    pinned=pinned.get(key),
                )
            )
    lonlat = list(places)
    minutes = travel_provider().matrix(lonlat, lonlat) if lonlat else np.zeros((0, 0))
    return TermInput(
        first_day,
        last_day,
        officers,
        plan_requests,
        fixed,
        minutes,
        lonlat,
        booking_settings()["ARRIVE_BEFORE_MINUTES"],
        names,
        labels,
    )


def _midnight(day: date):
    from datetime import datetime, time

    return datetime.combine(day, time(0, 0))


@dataclass
class TermPlan:
    input: TermInput
    before: planner.Plan
    after: planner.Plan

    def summary(self) -> dict:
        after, before = self.after, self.before
        proposed = after.proposed
        names, labels = self.input.officer_names, self.input.labels
        requests = {r.key: r for r in self.input.requests}
        per_before = before.travel_by_officer()
        return {
            "term": [self.input.first_day.isoformat(), self.input.last_day.isoformat()],
            "requests": len(self.input.requests),
            "visits_planned": len(proposed),
            "visits_already_in_diaries": len(self.input.fixed),
            "left_out": len(after.left_out),
            "high_priority_left_out": sum(1 for k in after.left_out if requests[k].is_target),
            "travel_minutes_before": round(before.travel, 1),
            "travel_minutes_after": round(after.travel, 1),
            "added_travel_minutes": round(after.travel - before.travel, 1),
            "feasible": after.feasible,
            "solver_seconds": round(after.seconds, 2),
            "officers": [
                {
                    "officer_id": pk,
                    "officer": names[pk],
                    "travel_minutes_before": round(per_before.get(pk, 0.0), 1),
                    "travel_minutes_after": round(travel, 1),
                }
                for pk, travel in sorted(after.travel_by_officer().items())
            ],
            "visits": [
                {
                    "request": v.key,
                    "school": labels[v.key][0],
                    "session": labels[v.key][1],
                    "high_priority": requests[v.key].is_target,
                    "officer_id": v.officer_id,
                    "officer": names[v.officer_id],
                    "day": v.day.isoformat(),
                    "starts": f"{v.start // 60:02d}:{v.start % 60:02d}",
                    "ends": f"{v.end // 60:02d}:{v.end % 60:02d}",
                    "travel_in_minutes": round(v.travel_in, 1),
                }
                for v in proposed
            ],
            "left_out_requests": [
                {
                    "request": k,
                    "school": labels[k][0],
                    "session": labels[k][1],
                    "reason": why,
                    "high_priority": requests[k].is_target,
                }
                for k, why in sorted(after.left_out.items())
            ],
            "diary_visits_not_modelled": [
                {"visit": k, "reason": why} for k, why in sorted(after.not_modelled.items())
            ],
        }


def make_plan(
    first_day: date,
    last_day: date,
    *,
    seconds: float = 60.0,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    chunk_days: int = 7,
    workers: int | None = None,
    **gather_options,
) -> TermPlan:
    """The plan for the open requests from `first_day` to `last_day` in `seconds`, with
    `workers` processes (default: settings.SAFEREACH_PLANNER["WORKERS"])."""
    started = time.perf_counter()
    term = gather(first_day, last_day, **gather_options)
    # Reading the diaries and the travel matrix count against the time asked for.
    seconds = max(1.0, seconds - (time.perf_counter() - started))
    after = planner.plan(
        term.officers,
        term.requests,
        term.fixed,
        term.minutes,
        first_day=term.first_day,
        last_day=term.last_day,
        arrive_before=term.arrive_before,
        seconds=seconds,
        seed=seed,
        progress=progress,
        chunk_days=chunk_days,
        workers=settings.SAFEREACH_PLANNER["WORKERS"] if workers is None else workers,
    )
    # Travel now, over the same visits the plan keeps (a diary visit on a day its officer no
    # longer works is listed apart and counted in neither).
    kept = [f for f in term.fixed if f.key not in after.not_modelled]
    before = planner.current_plan(term.officers, kept, term.minutes)
    return TermPlan(term, before, after)


# Applying a plan ----------------------------------------------------------------------------


class NoLongerFits(Exception):
    """The diary changed since the plan was made, and a planned visit does not fit it now."""


class ApplyLog:
    """What applying a plan tells as it goes, one booking (request) at a time. This one keeps
    nothing; the background task's (tasks.ApplyingRecord) writes to the plan run's row, for
    the run's page to show."""

    def booked(self, booking: Booking, keys: list[str]) -> None:
        """The request's visits are in the diary. Called inside the booking's own transaction:
        raising here undoes the booking."""

    def emailed(self, booking: Booking) -> None:
        """The booking is confirmed and its school emailed."""

    def not_booked(self, keys: list[str], reason: str) -> None:
        """The request could not be booked (any more), for `reason`."""


def apply_plan(
    visits: list[dict], by: str, site_url: str, log: ApplyLog | None = None
) -> tuple[list[Booking], dict[str, str]]:
    """Book the planned visits (`summary()["visits"]` rows) through the booking services: per
    booking, every planned visit is re-checked against the officer's diary as it is now (in
    the same lock the booking services take), put in the diary, and the booking confirmed,
    which emails the school its times, a calendar file and its manage link (to change or
    cancel), and tells the coordinators and officers. Returns the bookings booked and, for
    requests not booked, why; `log` hears of each as it happens.

    Each booking is its own transaction, so an error part way (raised to the caller) leaves
    the bookings made before it booked, and the log knows which."""
    from safereach.bookings import services

    log = log or ApplyLog()
    by_booking: dict[int, list[dict]] = {}
    for row in visits:
        booking_id, _ = parse_request_key(row["request"])
        by_booking.setdefault(booking_id, []).append(row)
    booked, failed = [], {}
    for booking_id, rows in by_booking.items():
        keys = [row["request"] for row in rows]
        try:
            booking = services.when_unlocked(lambda b=booking_id, r=rows: _book(b, r, log))
        except NoLongerFits as exc:
            failed.update(dict.fromkeys(keys, str(exc)))
            log.not_booked(keys, str(exc))
            continue
        if not services.confirm(booking, by=by, site_url=site_url):
            # The school cancelled between the visits going in and the confirmation.
            reason = "the school cancelled the request while it was being booked"
            failed.update(dict.fromkeys(keys, reason))
            log.not_booked(keys, reason)
            continue
        log.emailed(booking)
        booked.append(booking)
    return booked, failed


def _book(booking_id: int, rows: list[dict], log: ApplyLog) -> Booking:
    from datetime import datetime
    from datetime import time as clock

    from django.db import IntegrityError, transaction
    from django.db.models import F

    from safereach.bookings.offers import at

    with transaction.atomic():
        for officer_id in sorted({row["officer_id"] for row in rows}):  # one order: no deadlock
            Officer.objects.filter(pk=officer_id).update(diary_version=F("diary_version") + 1)
        booking = Booking.objects.select_related("school").get(pk=booking_id)
        if booking.status not in [*OPEN, PART_BOOKED]:
            raise NoLongerFits("the request is no longer open")
        booked = set(booking.visits.filter(status__in=Visit.LIVE).values_list("session_id", flat=True))
        asked = {s.pk for s in booking.sessions.all() if s.is_visit and s.pk not in booked}
        planned = {parse_request_key(row["request"])[1] for row in rows}
        if planned != asked:
            raise NoLongerFits("only some of the request's sessions are in the plan")
        school = (booking.school.lon, booking.school.lat)
        earliest, latest = window(booking)
        config = booking_settings()
        for row in rows:
            session = Session.objects.get(pk=parse_request_key(row["request"])[1])
            officer = Officer.objects.select_related("base").get(pk=row["officer_id"])
            day = date.fromisoformat(row["day"])
            start = minutes_of(clock.fromisoformat(row["starts"]))
            end = minutes_of(clock.fromisoformat(row["ends"]))
            if (
                not officer.sessions.filter(pk=session.pk).exists()
                or officer.base is None
                or end - start != session.length_minutes
                or start < earliest
                or end > latest
                or not any(a <= day <= b for a, b in booking.date_ranges)
                or day not in open_days(booking.school.la_code, day, day)
                or Visit.objects.filter(booking=booking, session=session, status__in=Visit.LIVE).exists()
            ):
                raise NoLongerFits("the school's dates or the officer's sessions have changed")
            away = (
                frozenset([day])
                if Leave.objects.filter(officer=officer, starts_on__lte=day, ends_on__gte=day).exists()
                else frozenset()
            )
            midnight = timezone.make_aware(datetime.combine(day, clock(0)))
            that_day = list(
                Visit.objects.filter(
                    officer=officer,
                    status__in=Visit.LIVE,
                    starts_at__gte=midnight,
                    starts_at__lt=midnight + timedelta(days=1),
                ).values_list("starts_at", "ends_at", "school__lon", "school__lat")
            )
            places = [(officer.base.lon, officer.base.lat), school] + [
                (lon, lat) for *_, lon, lat in that_day
            ]
            index = {p: i for i, p in enumerate(dict.fromkeys(places))}
            minutes = travel_provider().matrix(list(index), list(index))
            diary = [
                (
                    minutes_of(timezone.localtime(a).time()),
                    minutes_of(timezone.localtime(b).time()),
                    index[(lon, lat)],
                )
                for a, b, lon, lat in that_day
            ]
            me = planner.PlanOfficer(
                officer_id=officer.pk,
                base=index[(officer.base.lon, officer.base.lat)],
                day_starts=minutes_of(officer.day_starts),
                day_ends=minutes_of(officer.day_ends),
                working_weekdays=frozenset(int(d) for d in officer.working_days),
                max_visits_per_day=officer.max_visits_per_day,
                sessions=frozenset(),
                away=away,
            )
            if not planner.fits_in_day(
                me, day, diary, start, end, index[school], minutes, config["ARRIVE_BEFORE_MINUTES"]
            ):
                raise NoLongerFits(
                    f"{officer.name}'s diary on {day:%-d %B} has changed and it no longer fits"
                )
            try:
                with transaction.atomic():
                    Visit.objects.create(
                        booking=booking,
                        school=booking.school,
                        session=session,
                        officer=officer,
                        starts_at=at(day, start),
                        ends_at=at(day, end),
                        status=Visit.Status.HELD,
                        added_travel_minutes=row.get("added_travel_minutes"),
                    )
            except IntegrityError as exc:
                raise NoLongerFits(f"{officer.name} already has a visit starting then") from exc
        # The coordinator's plan: confirmed next, which confirms the new visits and sends the
        # school all its times (a part-booked booking's earlier ones too).
        booking.status = Booking.Status.AWAITING_APPROVAL
        booking.save(update_fields=["status"])
        log.booked(booking, [row["request"] for row in rows])
        return booking
