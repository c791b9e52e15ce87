from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safereach.bookings import services
from safereach.bookings.models import Booking, Visit
from safereach.bookings.offers import offers_for
from safereach.bookings.tests.test_book_a_session import book, link_in


def test_a_hold_never_confirmed_is_released_and_offered_again(client, county):
    page, _, booking = book(client, county)
    held = Visit.objects.get()
    confirm_link = link_in(mail.outbox[0], "confirm")

    released = services.release_expired_holds("http://testserver", now=timezone.now() + timedelta(hours=2))

    assert released == 1
    booking.refresh_from_db()
    held.refresh_from_db()
    assert booking.status == Booking.Status.RELEASED and held.status == Visit.Status.RELEASED
    assert mail.outbox[-1].subject.startswith("Booking not confirmed in time")
    # The time is free again for the next school.
    other = Booking.objects.create(
        school=booking.school,
        contact_name="X",
        contact_email="x@oakfield.sch.uk",
        dates_from=booking.dates_from,
        dates_to=booking.dates_to,
        pupils=10,
    )
    offers = offers_for(other, county["home_fire"])
    assert any((o.officer.pk, o.starts_at) == (held.officer_id, held.starts_at) for o in offers)
    # Following the old link now says the booking has gone, and confirms nothing.
    response = client.post(confirm_link)
    assert "cannot be confirmed" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.RELEASED


def test_a_held_time_is_not_offered_to_another_school(client, county):
    _, _, booking = book(client, county)
    held = Visit.objects.get()

    other = Booking.objects.create(
        school=county["other"],
        contact_name="X",
        contact_email="x@riverside.sch.uk",
        dates_from=booking.dates_from,
        dates_to=booking.dates_to,
        pupils=10,
    )
    offers = offers_for(other, county["home_fire"], count=50)

    for offer in offers:
        if offer.officer.pk == held.officer_id:
            assert offer.ends_at <= held.starts_at or offer.starts_at >= held.ends_at


def test_the_release_command_reports(county, capsys):
    from django.core.management import call_command

    call_command("release_holds")
    assert "Released 0" in capsys.readouterr().out
    assert reverse("bookings:start")
