"""Visits for outcome tests, in the small county of the booking tests. Shared with the browser tests."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from safereach.bookings.models import Booking, Visit


def make_visit(
    county,
    day: date,
    hour: int = 10,
    status=Visit.Status.CONFIRMED,
    officer=None,
    school=None,
    year_groups=(5,),
):
    """A visit by Owen (unless `officer`) to Oakfield (unless `school`), booked for `year_groups`."""
    school = school or county["school"]
    booking = Booking.objects.create(
        school=school,
        contact_name="Sam Lee",
        contact_role="PSHE lead",
        contact_email="sam@oakfield.sch.uk",
        dates_from=day,
        dates_to=day,
        pupils=30,
        year_groups=list(year_groups),
        status=Booking.Status.CONFIRMED,
    )
    booking.sessions.add(county["home_fire"])
    starts = timezone.make_aware(datetime.combine(day, time(hour)))
    return Visit.objects.create(
        booking=booking,
        school=school,
        session=county["home_fire"],
        officer=officer or county["owen"],
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status=status,
    )


def last_week(weekday: int = 0) -> date:
    """A day of last week: always in the past, whatever today is."""
    today = timezone.localdate()
    return today - timedelta(days=today.weekday() + 7 - weekday)
