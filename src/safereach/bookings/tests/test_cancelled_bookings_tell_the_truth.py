"""A cancellation's reason is checked beside its field and kept; a cancelled booking's pages,
old confirm links and the queue say what happened."""

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.test_book_a_session import book, link_in
from safereach.bookings.tests.test_coordinator_queue import new_request, signed_in_coordinator
from safereach.delivery.tests.factories import make_visit


def test_a_reason_over_the_limit_is_refused_beside_the_field_and_nothing_changes(client, county):
    _, _, booking = book(client, county)
    signed_in_coordinator(client, county)
    sent = len(mail.outbox)
    long_reason = "Exams all week. " * 319 + "Sorry!"  # 5,110 characters

    page = client.post(
        reverse("bookings:coordinator-action", args=[booking.pk]), {"action": "cancel", "reason": long_reason}
    )

    assert page.status_code == 200
    html = page.content.decode()
    message = "Enter 500 characters or fewer (you entered 5110)"
    assert f'<a href="#id_reason">{message}</a>' in html  # the error summary links to the field
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
    assert long_reason in html, "what was typed is kept"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.HELD and booking.cancel_reason == ""
    assert Visit.objects.get().status == Visit.Status.HELD
    assert len(mail.outbox) == sent


def test_the_reason_is_kept_and_shown_on_the_booking_and_the_queue(client, county):
    _, _, booking = book(client, county)
    signed_in_coordinator(client, county)

    client.post(
        reverse("bookings:coordinator-action", args=[booking.pk]),
        {"action": "cancel", "reason": "The school hall is flooded"},
    )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancel_reason == "The school hall is flooded"
    assert "booking coordinator" in booking.cancelled_by
    page = client.get(reverse("bookings:coordinator-booking", args=[booking.pk])).content.decode()
    assert "The school hall is flooded" in page
    assert "Cancelled" in page
    assert "can reach the school" not in page and "not booked yet" not in page
    queue = client.get(reverse("bookings:queue")).content.decode()
    assert "The school hall is flooded" in queue and booking.reference in queue
    assert queue.count("The school hall is flooded") == 1
    title = queue[queue.index("<title>") : queue.index("</title>")]
    assert "<table" not in title and "Booking queue" in title


def test_a_cancelled_request_with_no_visit_does_not_say_no_officer_can_reach(client, county):
    booking = new_request(county, county["school"], Booking.Status.QUEUED)
    booking.cancel(by="coordinator", reason="Asked twice")
    signed_in_coordinator(client, county)

    page = client.get(reverse("bookings:coordinator-booking", args=[booking.pk])).content.decode()

    assert "can reach the school" not in page
    assert "This booking is cancelled" in page and "Asked twice" in page


def test_an_old_confirm_link_after_cancelling_shows_the_cancelled_booking(client, county):
    _, _, booking = book(client, county)
    confirm = link_in(mail.outbox[0], "confirm")
    booking.cancel(by="the school", reason="")

    page = client.get(confirm).content.decode()

    assert "Confirm booking" not in page
    assert "cannot be confirmed" in page and "cancelled" in page
    assert client.post(confirm).status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_confirmed_visits_coming_up_counts_every_visit_ahead(client, county):
    monday = timezone.localdate() + timezone.timedelta(days=14)
    for hour in range(9, 14):
        make_visit(county, monday, hour=hour)
    signed_in_coordinator(client, county)

    page = client.get(reverse("bookings:queue"))

    assert page.context["upcoming_count"] == 5
    assert "Confirmed visits coming up (5)" in page.content.decode()
