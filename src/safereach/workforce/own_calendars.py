"""Officers' own calendars: the busy times an officer's calendar app publishes (free/busy or
events, as iCalendar), read in the background so that SafeReach never offers a school a time
the officer has given to something else.

Reading is separate from booking: slot offers and the planner read the busy times last stored
here (through the one diary reader), never the calendar itself, so a calendar that cannot be
read never fails a booking; the officer's page says when it was last read and what went wrong.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import recurring_ical_events
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar

from safereach.workforce.models import BusyTime, Officer

logger = logging.getLogger(__name__)

AHEAD_DAYS = 400  # a school year and a little more
BIGGEST = 5_000_000  # bytes: a calendar larger than this is refused
TIMEOUT_SECONDS = 10


class CalendarProblem(Exception):
    """The calendar could not be read; the message says why in plain words."""


@dataclass(frozen=True)
class Busy:
    starts: datetime
    ends: datetime


def busy_times(ics: bytes, first_day: date, last_day: date) -> list[Busy]:
    """Busy times from `first_day` to `last_day` in an iCalendar file: events (recurring ones
    expanded, in their own time zones) that are not marked free or cancelled, and VFREEBUSY
    periods that are not FREE. All-day events are busy all day. Overlapping times are merged."""
    try:
        calendar = Calendar.from_ical(ics)
    except ValueError as exc:
        raise CalendarProblem("it is not an iCalendar file") from exc
    start = timezone.make_aware(datetime.combine(first_day, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), datetime.min.time()))
    found = []
    try:
        events = recurring_ical_events.of(calendar).between(start, end)
    except Exception as exc:  # the library raises many kinds for a broken rule or zone
        raise CalendarProblem("its repeating events could not be worked out") from exc
    for event in events:
        if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if str(event.get("UID", "")).endswith("@safereach"):
            continue  # SafeReach's own visit, subscribed from its feed: already in the diary
        begins, ends = _moment(event.get("DTSTART")), _moment(event.get("DTEND") or event.get("DTSTART"))
        if begins is None:
            continue
        if ends is None or ends <= begins:
            ends = begins + timedelta(days=1) if _is_all_day(event.get("DTSTART")) else begins
        if ends > begins:
            found.append(Busy(begins, ends))
    for freebusy in calendar.walk("VFREEBUSY"):
        periods = freebusy.get("FREEBUSY", [])
        for period in periods if isinstance(periods, list) else [periods]:
            if str(period.params.get("FBTYPE", "BUSY")).upper() == "FREE":
                continue
            begins, other = period.dt
            ends = begins + other if isinstance(other, timedelta) else other
            begins, ends = _aware(begins), _aware(ends)
            if ends > begins:
                found.append(Busy(begins, ends))
    clipped = [
        Busy(max(b.starts, start), min(b.ends, end)) for b in found if b.ends > start and b.starts < end
    ]
    return _merged(clipped)


def _is_all_day(prop) -> bool:
    return prop is not None and not isinstance(prop.dt, datetime)


def _moment(prop) -> datetime | None:
    if prop is None:
        return None
    value = prop.dt
    if not isinstance(value, datetime):  # an all-day date: from the start of that day here
        return timezone.make_aware(datetime.combine(value, datetime.min.time()))
    return _aware(value)


def _aware(value: datetime) -> datetime:
    # A "floating" time (no zone) is local time, as the officer's calendar app meant it.
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _merged(times: list[Busy]) -> list[Busy]:
    out: list[Busy] = []
    for b in sorted(times, key=lambda b: b.starts):
        if out and b.starts <= out[-1].ends:
            out[-1] = Busy(out[-1].starts, max(out[-1].ends, b.ends))
        else:
            out.append(b)
    return out


def fetch(url: str) -> bytes:
    """The calendar at `url` (http or https; webcal is http), or CalendarProblem."""
    if url.startswith("webcal://"):
        url = "https://" + url.removeprefix("webcal://")
    if not url.startswith(("http://", "https://")):
        raise CalendarProblem("the address must start with https://, http:// or webcal://")
    request = urllib.request.Request(url, headers={"Accept": "text/calendar", "User-Agent": "SafeReach"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(BIGGEST + 1)
    except urllib.error.HTTPError as exc:
        raise CalendarProblem(f"the calendar server answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CalendarProblem(f"the calendar server could not be reached ({reason})") from exc
    if len(body) > BIGGEST:
        raise CalendarProblem("the calendar is larger than 5 MB")
    return body


def read_own_calendar(officer: Officer, today: date | None = None) -> int:
    """Read the officer's own calendar and store its busy times from today on; returns how many.
    A calendar that cannot be read keeps the busy times last read, and records why."""
    today = today or timezone.localdate()
    now = timezone.now()
    try:
        found = busy_times(fetch(officer.own_calendar_url), today, today + timedelta(days=AHEAD_DAYS))
    except CalendarProblem as exc:
        Officer.objects.filter(pk=officer.pk).update(own_calendar_problem=str(exc)[:300])
        logger.warning("Could not read %s's own calendar: %s", officer, exc)
        return 0
    since = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    with transaction.atomic():
        BusyTime.objects.filter(officer=officer, ends_at__gt=since).delete()
        BusyTime.objects.bulk_create(
            [BusyTime(officer=officer, starts_at=b.starts, ends_at=b.ends) for b in found]
        )
        Officer.objects.filter(pk=officer.pk).update(own_calendar_read_at=now, own_calendar_problem="")
    return len(found)


def read_every_own_calendar(today: date | None = None) -> dict[str, int]:
    """Read the calendar of every officer who gave one (a scheduled job)."""
    read = failed = 0
    for officer in Officer.objects.exclude(own_calendar_url=""):
        read_own_calendar(officer, today)
        officer.refresh_from_db(fields=["own_calendar_problem"])
        if officer.own_calendar_problem:
            failed += 1
        else:
            read += 1
    return {"read": read, "failed": failed}
