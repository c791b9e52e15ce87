"""Background tasks of the bookings app: the term planner, started from the term plan page.

The task reads everything it needs from its PlanRun row and writes its progress and result
back there, so it runs the same in a thread of the web process or in a `db_worker` process
on another machine."""

from __future__ import annotations

import logging
import math
import time
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from safereach.bookings.models import Booking, PlanRun
from safereach.bookings.term_plan import make_plan

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
    run.finish(plan)
    return run.state
