"""The world of the concurrency test, made and checked in the server's own database by
subprocesses (the test's own process uses pytest's test database)."""

import json
import sys
from datetime import timedelta

import django

COORDINATOR_KEY = "3132333435363738393031323334353637383930"  # hex, for the coordinator's TOTP
APPROVALS = 10


def seed() -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safereach.bookings.diary import at
    from safereach.bookings.models import Booking, Visit
    from safereach.bookings.tests.factories import make_county, quiet_monday

    county = make_county()
    TOTPDevice.objects.create(user=county["coordinator"], name="app", confirmed=True, key=COORDINATOR_KEY)
    later = quiet_monday(weeks_ahead=5)
    waiting = []
    for n in range(APPROVALS):
        booking = Booking.objects.create(
            school=county["other"], contact_name="Head", contact_email=f"head{n}@gmail.example",
            dates_from=later, dates_to=later + timedelta(days=4), pupils=20, year_groups=[5],
            status=Booking.Status.AWAITING_APPROVAL,
        )
        booking.sessions.add(county["home_fire"])
        day = later + timedelta(days=n % 5)
        Visit.objects.create(
            booking=booking, school=county["other"], session=county["home_fire"],
            officer=county["owen"] if n < 5 else county["fatima"],
            starts_at=at(day, 540), ends_at=at(day, 600), status=Visit.Status.HELD,
        )
        waiting.append(booking.pk)
    monday = quiet_monday(weeks_ahead=2)
    return {
        "urn": county["school"].urn,
        "session": county["home_fire"].pk,
        "first_day": monday.isoformat(),
        "last_day": (monday + timedelta(days=4)).isoformat(),
        "waiting": waiting,
        "coordinator": county["coordinator"].email,
    }


def check() -> dict:
    """What was saved: half-saved or contradictory rows are counted, and should be none."""
    from django.db.models import Count

    from safereach.bookings.models import Booking, Visit

    return {
        "bookings": Booking.objects.count(),
        "without_sessions": Booking.objects.annotate(n=Count("sessions")).filter(n=0).count(),
        "confirmed_with_held_visits": Booking.objects.filter(
            status=Booking.Status.CONFIRMED, visits__status=Visit.Status.HELD).distinct().count(),
        "cancelled_with_live_visits": Booking.objects.filter(
            status=Booking.Status.CANCELLED, visits__status__in=Visit.LIVE).distinct().count(),
        "statuses": dict(Booking.objects.values_list("status").annotate(n=Count("pk"))),
    }


if __name__ == "__main__":
    django.setup()
    print(json.dumps({"seed": seed, "check": check}[sys.argv[1]]()))
