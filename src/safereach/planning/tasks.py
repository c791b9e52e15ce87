"""Background tasks of the bookings app: the term planner, and applying its plan (booking the
visits and emailing the schools), both started from the term plan page.

Each task reads everything it needs from its PlanRun row and writes its progress and result
back there, so it runs the same in a thread of the web process or in a `db_worker` process
on another machine."""

from __future__ import annotations

import logging
import math
import time
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from safereach.bookings.models import Booking
from safereach.planning.models import PlanRun
from safereach.planning.term_plan import ApplyLog, apply_plan, make_plan, parse_request_key

logger = logging.getLogger(__name__)

CHUNK_DAYS = 7  # the planner works through the term a week at a time


class ProgressWriter:
    """The planner's `progress` callback: writes the fraction done to the run's row, at most
    once every `every` seconds (and always the end), so the database is not hammered.

    The planner reports a fraction and nothing else (how it counts is its own business: weeks
    done, or time used over its stages), so the words say what is being planned, not which
    week the planner is on."""

    def __init__(self, run: PlanRun, weeks: int, every: float = 0.5, clock=time.monotonic):
        self.run, self.every, self.clock = run, every, clock
        self.text = f"Planning {weeks} week{'s' if weeks != 1 else ''} of visits"
        self.last_write = None

    def __call__(self, fraction: float) -> None:
        now = self.clock()
        if fraction < 1 and self.last_write is not None and now - self.last_write < self.every:
            return
        self.last_write = now
        self.run.record_progress(fraction, self.text)


def weeks_to_plan(run: PlanRun) -> int:
    # The planner never plans today or earlier, so its weeks start tomorrow at the earliest.
    first = max(run.first_day, timezone.localdate() + timedelta(days=1))
    return max(1, math.ceil(((run.last_day - first).days + 1) / CHUNK_DAYS))


def open_requests_of(agency_id: int | None):
    """The requests a coordinator of the agency works on: those asking for its sessions."""
    if agency_id is None:
        return Booking.objects.all()
    return Booking.objects.filter(sessions__partner=agency_id).distinct()


@task()
def plan_the_term(run_id: int) -> str:
    """Run the term planner for one PlanRun; returns the run's state when it ends."""
    run = PlanRun.objects.get(pk=run_id)
    if not run.start():
        return run.state  # already run, or given up on while it waited
    weeks = weeks_to_plan(run)
    run.record_progress(0.0, "Reading the open requests, the officers' diaries and travel times")
    try:
        result = make_plan(
            run.first_day,
            run.last_day,
            seconds=run.seconds,
            pinned=run.pinned_positions(),
            dropped=set(run.dropped),
            requests=open_requests_of(run.agency_id),
            agency_id=run.agency_id,
            progress=ProgressWriter(run, weeks),
            chunk_days=CHUNK_DAYS,
        )
        plan = result.summary()
    except Exception as exc:
        logger.exception("Term plan %s failed", run.pk)
        detail = (str(exc) or type(exc).__name__).rstrip(".")
        run.fail(f"The planner stopped with an error: {detail}.")
        raise  # so the task backend records the failure too
    run.finish(plan=plan)
    return run.state


class GivenUp(Exception):
    """The run was given up on (as stalled) while its task was still applying it."""


class ApplyingRecord(ApplyLog):
    """Keeps the run's record of what applying has done (`PlanRun.applied`) and writes it as
    each request is booked, inside that booking's transaction: if the write fails because
    the run was given up on, the booking is undone too, so the record matches the diaries.

    A school emailed is written with the next request, or at the end: one write a booking."""

    def __init__(self, run: PlanRun, total: int):
        self.run = run
        self.applied = {"total": total, "booked": [], "not_booked": {}, "emailed": {}}

    def booked(self, booking, keys):
        # A copy, kept only once written: the booking's transaction may be tried again.
        new = [k for k in keys if k not in self.applied["booked"]]
        self._write(dict(self.applied, booked=self.applied["booked"] + new))

    def emailed(self, booking):
        self.applied["emailed"][str(booking.pk)] = booking.contact_email

    def not_booked(self, keys, reason):
        applied = dict(
            self.applied,
            booked=[k for k in self.applied["booked"] if k not in keys],
            not_booked={**self.applied["not_booked"], **dict.fromkeys(keys, reason)},
        )
        self._write(applied)

    def _write(self, applied: dict) -> None:
        if not self.run.record_applying(applied):
            raise GivenUp
        self.applied = applied


def visits_to_apply(run: PlanRun) -> list[dict]:
    """The plan's visits for requests of the run's agency, whoever applies it."""
    asked = {parse_request_key(v["request"])[0] for v in run.plan["visits"]}
    mine = set(open_requests_of(run.agency_id).filter(pk__in=asked).values_list("pk", flat=True))
    return [v for v in run.plan["visits"] if parse_request_key(v["request"])[0] in mine]


@task()
def apply_the_plan(run_id: int, site_url: str) -> str:
    """Book a run's planned visits and email the schools; returns the run's state when it ends."""
    run = PlanRun.objects.select_related("applied_by").get(pk=run_id)
    if run.state != PlanRun.State.APPLYING:
        return run.state  # given up on while it waited
    visits = visits_to_apply(run)
    record = ApplyingRecord(run, len(visits))
    if not run.begin_applying(record.applied):
        return run.state  # begun by another task already, or given up on
    who = (run.applied_by.get_full_name() or run.applied_by.email) if run.applied_by else "A coordinator"
    try:
        apply_plan(visits, by=f"{who} (booking coordinator, term plan)", site_url=site_url, log=record)
    except GivenUp:
        logger.warning("Applying plan %s was given up on while it ran; it stopped", run.pk)
        return run.state
    except Exception as exc:
        logger.exception("Applying plan %s failed", run.pk)
        detail = (str(exc) or type(exc).__name__).rstrip(".")
        run.stop_applying(f"Applying stopped with an error: {detail}.", record.applied)
        raise  # so the task backend records the failure too
    run.finish_applying(record.applied)
    return run.state
