"""Holds past their time are let go by the periodic task, not by whoever opens a page."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tasks import release_holds
from safereach.bookings.tests.factories import request_data
from safereach.bookings.tests.test_book_a_session import book
from safereach.core.periodic import registered, run_due


def expire(booking):
    Booking.objects.filter(pk=booking.pk).update(held_until=timezone.now() - timedelta(minutes=1))


def test_public_and_staff_pages_release_nothing_and_send_nothing(client, county, sign_in_as):
    _, _, booking = book(client, county)
    expire(booking)
    sent = len(mail.outbox)

    # Another school asks and looks at its times; a coordinator opens the queue.
    asked = client.post(reverse("bookings:request", args=[county["other"].urn]), request_data(county))
    assert client.get(asked["Location"]).status_code == 200
    sign_in_as(Role.COORDINATOR, agency=county["fire"])
    assert client.get(reverse("bookings:queue")).status_code == 200

    booking.refresh_from_db()
    assert booking.status == Booking.Status.HELD and len(mail.outbox) == sent


def test_the_periodic_task_releases_them_and_tells_the_school(client, county, settings):
    settings.SAFEREACH_SITE_URL = "https://safereach.example"
    _, _, booking = book(client, county)
    expire(booking)

    assert release_holds.module_path in [p.name for p in registered()]
    assert release_holds.module_path in run_due(only=[release_holds.module_path])

    booking.refresh_from_db()
    assert booking.status == Booking.Status.RELEASED
    assert Visit.objects.get().status == Visit.Status.RELEASED
    assert mail.outbox[-1].subject.startswith("Booking not confirmed in time")
    assert "https://safereach.example/book/" in mail.outbox[-1].body
