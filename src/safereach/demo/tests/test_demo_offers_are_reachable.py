"""With the demo county, every offered slot can really be reached: each is checked again here
from the officer's diary in the database, with travel times worked out afresh."""

from datetime import datetime, timedelta

import numpy as np
import pytest
from django.utils import timezone

from safereach.accounts.models import Agency
from safereach.bookings.calendar_days import is_bank_holiday
from safereach.bookings.models import Booking, Closure, Term, Visit
from safereach.bookings.offers import all_options_for, booking_settings, offers_for
from safereach.catalogue.models import Session
from safereach.demo.bookings import add_demo_bookings
from safereach.demo.tests.conftest import _generate_once
from safereach.routing.travel import EARTH_RADIUS_KM, travel_settings
from safereach.schools.models import School
from safereach.workforce.models import Leave, Officer, Station


@pytest.fixture
def demo(db):
    """The demo county's partners, stations, officers and schools, and the bookings app's demo rows."""
    county = _generate_once(4242)
    agencies = {row["slug"]: Agency.objects.create(**row, is_fictional=True) for row in county.agencies}
    stations = {}
    for row in county.stations:
        fields = {k: v for k, v in row.items() if k not in ("agency_slug", "lsoa_code")}
        stations[row["name"]] = Station.objects.create(**fields, is_fictional=True)
    Officer.objects.bulk_create(
        [
            Officer(
                agency=agencies[r["agency_slug"]],
                name=r["name"],
                base=stations[r["base_name"]],
                working_days=r["working_days"],
                day_starts=r["day_starts"],
                day_ends=r["day_ends"],
                max_visits_per_day=r["max_visits_per_day"],
                is_fictional=True,
            )
            for r in county.officers
        ]
    )
    School.objects.bulk_create(
        [
            School(**{k: v for k, v in r.items() if k != "lsoa_code"}, is_fictional=True)
            for r in county.schools
        ]
    )
    add_demo_bookings(county, agencies)
    return county


def minutes_between(a, b) -> float:
    """The documented estimate, written out again by hand: haversine × detour over speed bands."""
    config = travel_settings()
    if (a.lon, a.lat) == (b.lon, b.lat):
        return 0.0
    lon1, lat1, lon2, lat2 = map(np.radians, (a.lon, a.lat, b.lon, b.lat))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    road = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h)) * config["DETOUR_FACTOR"]
    minutes, lower = config["FIXED_MINUTES"], 0.0
    for upper, speed in config["SPEED_BANDS"]:
        upper = np.inf if upper is None else upper
        minutes += max(0.0, min(road, upper) - lower) / speed * 60
        lower = upper
    return minutes


def check_reachable(offer, booking):
    officer = Officer.objects.select_related("base").get(pk=offer.officer.pk)
    start, end = offer.starts_at, offer.ends_at
    day = timezone.localtime(start).date()
    early = timedelta(minutes=booking_settings()["ARRIVE_BEFORE_MINUTES"])
    school = booking.school
    assert str(day.isoweekday()) in officer.working_days
    assert not is_bank_holiday(day)
    assert Term.objects.filter(la_code=school.la_code, starts_on__lte=day, ends_on__gte=day).exists()
    assert not Closure.objects.filter(la_code=school.la_code, starts_on__lte=day, ends_on__gte=day).exists()
    assert not Leave.objects.filter(officer=officer, starts_on__lte=day, ends_on__gte=day).exists()
    assert offer.session.officers.filter(pk=officer.pk).exists()
    local = timezone.localtime
    assert booking.school_day_starts <= local(start).time() and local(end).time() <= booking.school_day_ends
    that_day = list(
        Visit.objects.filter(officer=officer, status__in=Visit.LIVE, starts_at__date=day)
        .select_related("school")
        .order_by("starts_at")
    )
    assert len(that_day) < officer.max_visits_per_day
    before = [v for v in that_day if v.ends_at <= start]
    after = [v for v in that_day if v.starts_at >= end]
    assert len(before) + len(after) == len(that_day), "overlaps another visit"
    day_start = timezone.make_aware(datetime.combine(day, officer.day_starts))
    day_end = timezone.make_aware(datetime.combine(day, officer.day_ends))
    left_at, left_from = (before[-1].ends_at, before[-1].school) if before else (day_start, officer.base)
    assert left_at + timedelta(minutes=minutes_between(left_from, school)) + early <= start + timedelta(
        seconds=1
    )
    if after:
        assert end + timedelta(minutes=minutes_between(school, after[0].school)) + early <= after[0].starts_at
    else:
        assert end + timedelta(minutes=minutes_between(school, officer.base)) <= day_end + timedelta(
            seconds=1
        )


def test_every_offer_in_the_demo_county_is_reachable(demo):
    rng = np.random.default_rng(7)
    schools = list(School.objects.filter(is_fictional=True))
    sessions = [s for s in Session.objects.filter(partner__is_fictional=True) if s.officers.exists()]
    assert Visit.objects.count() >= 100  # the diary is busy, so gaps and neighbours are tested
    checked = 0
    today = timezone.localdate()
    for i in range(25):
        school = schools[int(rng.integers(0, len(schools)))]
        session = sessions[i % len(sessions)]
        start = today + timedelta(days=int(rng.integers(2, 40)))
        booking = Booking.objects.create(
            school=school,
            contact_name="Head",
            contact_email="head@example.org",
            dates_from=start,
            dates_to=start + timedelta(days=13),
            pupils=20,
            part_of_day=["any", "morning", "afternoon"][i % 3],
        )
        for offer in offers_for(booking, session) + all_options_for(booking, session, limit=15):
            check_reachable(offer, booking)
            checked += 1
    assert checked > 200
