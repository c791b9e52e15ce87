"""A manage link opens its own booking only, and only until it expires."""

import pytest
from django.core import signing
from django.urls import reverse

from safereach.bookings.links import SALT, make_token
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import quiet_monday


def make_booking(county, school, email):
    monday = quiet_monday()
    booking = Booking.objects.create(
        school=school,
        contact_name="Sam",
        contact_email=email,
        dates_from=monday,
        dates_to=monday,
        pupils=20,
        status=Booking.Status.CONFIRMED,
    )
    booking.sessions.add(county["home_fire"])
    from safereach.bookings.diary import at

    later = 120 * Booking.objects.count()  # each booking's visit after the one before
    visit = Visit.objects.create(
        booking=booking,
        school=school,
        session=county["home_fire"],
        officer=county["owen"],
        starts_at=at(monday, 480 + later),
        ends_at=at(monday, 540 + later),
        status=Visit.Status.CONFIRMED,
    )
    return booking, visit


def test_a_link_opens_its_booking_and_no_other(client, county):
    mine, my_visit = make_booking(county, county["school"], "a@oakfield.sch.uk")
    theirs, their_visit = make_booking(county, county["other"], "b@riverside.sch.uk")
    token = make_token(mine, "manage")

    assert client.get(reverse("bookings:manage", args=[token])).context["booking"] == mine
    # Another booking's visit through my link: not found.
    assert client.get(reverse("bookings:reschedule", args=[token, their_visit.pk])).status_code == 404
    assert client.get(reverse("bookings:reschedule", args=[token, my_visit.pk])).status_code == 200


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # tampered signature
        lambda t: signing.dumps({"b": 2, "p": "manage"}, salt="another salt"),  # signed for another use
        lambda t: signing.dumps({"b": 2, "p": "confirm"}, salt=SALT),  # a confirm link, not manage
    ],
)
def test_tampered_or_misused_links_open_nothing(client, county, forge):
    mine, _ = make_booking(county, county["school"], "a@oakfield.sch.uk")
    make_booking(county, county["other"], "b@riverside.sch.uk")

    response = client.get(reverse("bookings:manage", args=[forge(make_token(mine, "manage"))]))

    assert response.status_code == 404


def test_links_expire(client, county, settings):
    mine, _ = make_booking(county, county["school"], "a@oakfield.sch.uk")
    token = make_token(mine, "manage")
    settings.SAFEREACH_BOOKINGS = {**settings.SAFEREACH_BOOKINGS, "MANAGE_LINK_DAYS": -1}

    assert client.get(reverse("bookings:manage", args=[token])).status_code == 404


def test_a_manage_link_cannot_cancel_another_booking(client, county):
    mine, _ = make_booking(county, county["school"], "a@oakfield.sch.uk")
    theirs, _ = make_booking(county, county["other"], "b@riverside.sch.uk")

    client.post(reverse("bookings:cancel", args=[make_token(mine, "manage")]))

    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (mine.status, theirs.status) == (Booking.Status.CANCELLED, Booking.Status.CONFIRMED)
