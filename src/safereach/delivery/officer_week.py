"""An officer's week as a route: each day's visits in order, with the travel legs between
base and schools from the one travel provider, and a private calendar feed of the officer's
visits (a random per-officer token in the URL, so a calendar app can subscribe without signing
in, and the officer or their coordinator can reset it if the address gets out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from safereach.bookings.models import Visit
from safereach.routing.travel import travel_provider


def feed_token(officer) -> str:
    """The officer's calendar-feed token, kept on the officer so that it can be reset."""
    return officer.calendar_token


def feed_token_is_valid(officer, token: str) -> bool:
    return officer.calendar_token_matches(token)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class Leg:
    visit: Visit | None  # None: the leg back to base
    minutes: float
    leave_by: datetime | None  # to arrive 10 minutes early (None for the way home)


@dataclass
class Day:
    day: date
    legs: list[Leg]
    home_leg: Leg | None

    @property
    def travel(self) -> float:
        return sum(leg.minutes for leg in self.legs) + (self.home_leg.minutes if self.home_leg else 0.0)


def week_of(officer, monday: date, arrive_before: int = 10) -> list[Day]:
    """The officer's live visits from Monday to Sunday, day by day, with travel legs."""
    start = timezone.make_aware(datetime.combine(monday, time(0)))
    visits = list(
        Visit.objects.filter(
            officer=officer,
            status__in=Visit.LIVE,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=7),
        )
        .select_related("school", "session", "session__partner", "booking")
        .order_by("starts_at")
    )
    by_day: dict[date, list[Visit]] = {}
    for v in visits:
        by_day.setdefault(timezone.localtime(v.starts_at).date(), []).append(v)
    base = officer.base
    places = [(base.lon, base.lat)] if base else []
    for v in visits:
        places.append((v.school.lon, v.school.lat))
    index = {p: i for i, p in enumerate(dict.fromkeys(places))}
    minutes = travel_provider().matrix(list(index), list(index)) if index else None
    days = []
    for day in sorted(by_day):
        legs, here = [], (base.lon, base.lat) if base else None
        for v in by_day[day]:
            there = (v.school.lon, v.school.lat)
            m = float(minutes[index[here], index[there]]) if here is not None else 0.0
            leave_by = v.starts_at - timedelta(minutes=m + arrive_before) if here is not None else None
            legs.append(Leg(v, m, leave_by))
            here = there
        home = Leg(None, float(minutes[index[here], index[(base.lon, base.lat)]]), None) if base else None
        days.append(Day(day, legs, home))
    return days


def map_data(officer, days: list[Day]) -> dict:
    """What the route map draws: the base and each day's stops, in order."""
    base = officer.base
    return {
        "base": {"name": base.name, "lat": base.lat, "lon": base.lon} if base else None,
        "days": [
            {
                "day": d.day.isoformat(),
                "label": f"{d.day:%A}",
                "stops": [
                    {
                        "n": i + 1,
                        "name": leg.visit.school.name,
                        "lat": leg.visit.school.lat,
                        "lon": leg.visit.school.lon,
                        "time": f"{timezone.localtime(leg.visit.starts_at):%H:%M}",
                    }
                    for i, leg in enumerate(d.legs)
                ],
            }
            for d in days
        ],
    }


def officer_feed(officer, site_url: str = "") -> bytes:
    """Every live visit of the officer from four weeks ago on, as an iCalendar feed."""
    since = timezone.now() - timedelta(days=28)
    calendar = Calendar()
    calendar.add("prodid", "-//SafeReach//Officer visits//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"SafeReach visits: {officer.name}")
    for visit in Visit.objects.filter(
        officer=officer, status__in=Visit.LIVE, starts_at__gte=since
    ).select_related("school", "session", "session__partner", "booking"):
        event = Event()
        event.add("uid", f"visit-{visit.pk}@safereach")
        event.add("dtstamp", timezone.now())
        event.add("last-modified", visit.updated_at)
        event.add("dtstart", visit.starts_at)
        event.add("dtend", visit.ends_at)
        event.add("summary", f"{visit.session.title} at {visit.school.name}")
        event.add("location", f"{visit.school.name}, {visit.school.postcode}".strip(", "))
        lines = [f"Session: {visit.session.title} ({visit.session.partner.name})"]
        if visit.booking is not None:
            b = visit.booking
            lines.append(
                f"Contact: {b.contact_name}"
                + (f", {b.contact_role}" if b.contact_role else "")
                + f", {b.contact_email}"
            )
            if b.access_needs:
                lines.append(f"Access and needs: {b.access_needs}")
            lines.append(f"Booking {b.reference}")
        event.add("description", "\n".join(lines))
        event.add("status", "CONFIRMED" if visit.status == Visit.Status.CONFIRMED else "TENTATIVE")
        calendar.add_component(event)
    return calendar.to_ical()
