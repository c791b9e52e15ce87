"""The term planner over the database: open requests, officers and their diaries read from the
models, travel times from the one travel provider, handed to the pure planner in
routing.planner; and the plan read back in people's words (officers, schools, sessions).

An open request is a booking in the coordinator's queue (QUEUED: the school sent it and no time
fitted), one request per session it asked for that is delivered at the school. Every live
visit (held or confirmed) stays where it is: schools have been told those times.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as clock

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from safereach.bookings.calendar_days import open_days
from safereach.bookings.diary import Places, at, minutes_of, read_diaries, read_school_day
from safereach.bookings.models import Booking, Visit
from safereach.bookings.offers import booking_settings
from safereach.bookings.priority import target_school_ids
from safereach.catalogue.models import Session
from safereach.core.database import when_unlocked
from safereach.planning.stepped_wedge import held_back
from safereach.routing import planner
from safereach.routing.diary import Diary, Fit, fit
from safereach.routing.travel import travel_provider
from safereach.workforce.models import Officer

# Only what a school has committed to: a request it sent that no time fitted (QUEUED). One left
# at "Choose a time" (REQUESTED) was never sent, and a school is not emailed a booking for it.
OPEN = [Booking.Status.QUEUED]
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
    diaries: list[Diary]
    requests: list[planner.PlanRequest]
    minutes: np.ndarray
    places: list[tuple[float, float]]  # (lon, lat) of each place index
    arrive_before: int
    officer_names: dict[int, str]
    labels: dict[str, tuple[str, str]]  # request key -> (school, session)
    dropped: tuple[str, ...] = ()  # request keys the coordinator left out

    @property
    def fixed(self) -> list[planner.FixedVisit]:
        return planner.fixed_visits(self.diaries, self.first_day, self.last_day)


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
    places = Places()
    officers = list(
        Officer.objects.filter(base__isnull=False, **({"agency": agency_id} if agency_id else {}))
        .select_related("base")
        .order_by("pk")
    )
    names = {o.pk: o.name for o in officers}
    diaries = list(read_diaries(officers, first_day, max(first_day, last_day), places).values())

    bookings = (
        open_requests(Booking.objects.all() if requests is None else requests)
        .filter(school__lon__isnull=False)
        .select_related("school")
        .prefetch_related("sessions__programme")
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
        # What the school already hosts (the group's booked sessions too), as slot offers see it.
        school_day = read_school_day(booking, first_day, max(first_day, last_day))
        for session in booking.sessions.all():
            # A session for year groups the school does not teach is never planned there.
            if not session.is_visit or (booking.pk, session.pk) in taken or not session.suits(booking.school):
                continue
            if held.holds(booking.school_id, session.programme_id):
                continue
            key = request_key(booking.pk, session.pk)
            labels[key] = (booking.school.name, session.title)
            if key in dropped:
                continue
            slug = session.programme.slug
            if slug not in targets:
                targets[slug] = target_school_ids(slug)
            is_target = booking.is_target or booking.school_id in targets[slug]
            plan_requests.append(
                planner.PlanRequest(
                    key=key,
                    session_id=session.pk,
                    place=places(booking.school.lon, booking.school.lat),
                    days=days_for[cache_key],
                    school_day=school_day,
                    length=session.length_minutes,
                    prize=PRIZE["target" if is_target else "other"],
                    is_target=is_target,
                    pinned=pinned.get(key),
                    school=booking.school_id,
                    group=booking.pk,
                )
            )
    lonlat = places.lonlat
    minutes = travel_provider().table(lonlat, lonlat) if lonlat else np.zeros((0, 0))
    return TermInput(
        first_day,
        last_day,
        diaries,
        plan_requests,
        minutes,
        lonlat,
        booking_settings()["ARRIVE_BEFORE_MINUTES"],
        names,
        labels,
        tuple(sorted(k for k in dropped if k in labels)),
    )


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
                    "reason": why.sentence,
                    "reason_code": str(why),
                    "high_priority": requests[k].is_target,
                }
                for k, why in sorted(after.left_out.items())
            ],
            "dropped_requests": [
                {"request": k, "school": labels[k][0], "session": labels[k][1]} for k in self.input.dropped
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
    # Reading the diaries and the travel-time table count against the time asked for.
    seconds = max(1.0, seconds - (time.perf_counter() - started))
    after = planner.plan(
        term.diaries,
        term.requests,
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
    before = planner.current_plan(
        term.diaries, term.minutes, term.first_day, term.last_day, leave_out=list(after.not_modelled)
    )
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
            booking = when_unlocked(lambda b=booking_id, r=rows: _book(b, r, log))
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
        arrive_before = booking_settings()["ARRIVE_BEFORE_MINUTES"]
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
                or not any(a <= day <= b for a, b in booking.date_ranges)
                or Visit.objects.filter(booking=booking, session=session, status__in=Visit.LIVE).exists()
            ):
                raise NoLongerFits("the school's dates or the officer's sessions have changed")
            # The officer's day as it is now, asked the one rule.
            places = Places()
            school = places(booking.school.lon, booking.school.lat)
            diary = read_diaries([officer], day, day, places)[officer.pk]
            # And the school's day as it is now, with the request's sessions booked so far.
            school_day = read_school_day(booking, day, day)
            minutes = travel_provider().table(places.lonlat, places.lonlat)
            verdict = fit(
                diary.day(day),
                start,
                end,
                school,
                lambda a, b, table=minutes: float(table[a, b]),
                arrive_before=arrive_before,
                school=school_day,
                school_closed=day not in open_days(booking.school.la_code, day, day),
            )
            if verdict in (Fit.GROUP_BUSY, Fit.SCHOOL_FULL):
                raise NoLongerFits(f"at {booking.school.name} on {day:%-d %B}, {verdict.sentence}")
            if verdict is not Fit.FITS:
                raise NoLongerFits(f"{officer.name}'s diary on {day:%-d %B} has changed: {verdict.sentence}")
            try:
                with transaction.atomic():
                    Visit.objects.hold(
                        booking=booking,
                        school=booking.school,
                        session=session,
                        officer=officer,
                        starts_at=at(day, start),
                        ends_at=at(day, end),
                        added_travel_minutes=row.get("added_travel_minutes"),
                    )
            except IntegrityError as exc:
                raise NoLongerFits(f"{officer.name} already has a visit starting then") from exc
        # The coordinator's plan: confirmed next, which confirms the new visits and sends the
        # school all its times (a part-booked booking's earlier ones too).
        booking.ready_for_approval()
        log.booked(booking, [row["request"] for row in rows])
        return booking
