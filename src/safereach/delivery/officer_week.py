"""An officer's week as a route: each day's visits in order, with the travel legs between
base and schools from the one travel provider, and a private calendar feed of the officer's
visits (a random per-officer token in the URL, so a calendar app can subscribe without signing
in, and the officer or their coordinator can reset it if the address gets out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from safereach.areas.basemap import basemap_around
from safereach.bookings.diary import Places, read_diaries, visit_id_of
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
    """The officer's live visits from Monday to Sunday, day by day, with travel legs, read
    through the one diary reader."""
    if officer.base is None:
        return []
    places = Places()
    diary = read_diaries([officer], monday, monday + timedelta(days=6), places)[officer.pk]
    ids = [visit_id_of(s.key) for stops in diary.stops.values() for s in stops if s.is_visit]
    visits = Visit.objects.select_related("school", "session", "session__partner", "booking").in_bulk(ids)
    minutes = travel_provider().table(places.lonlat, places.lonlat)
    days = []
    for day in sorted(diary.stops):
        legs, here = [], diary.base
        for stop in diary.stops[day]:
            if not stop.is_visit:
                continue
            v = visits[visit_id_of(stop.key)]
            m = float(minutes[here, stop.place])
            legs.append(Leg(v, m, v.starts_at - timedelta(minutes=m + arrive_before)))
            here = stop.place
        if legs:
            days.append(Day(day, legs, Leg(None, float(minutes[here, diary.base]), None)))
    return days


def map_data(officer, days: list[Day]) -> dict:
    """What the route map draws: the base and each day's stops, in order, over the boundaries
    around them."""
    base = officer.base
    where = [(leg.visit.school.lat, leg.visit.school.lon) for d in days for leg in d.legs]
    if base:
        where.append((base.lat, base.lon))
    return {
        "basemap": basemap_around(where, at_least_m=2000),
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
