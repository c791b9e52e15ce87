"""Bad input on the public request form and the coordinator's actions is a clear error, never a
500, and saves nothing: a 30-digit session id, dates in 2099 or 9999, a 2 MB access-needs field,
a 30-digit id in a link."""

import pytest
from django.urls import reverse

from safereach.bookings.models import Booking
from safereach.bookings.tests.factories import request_data


def ask(client, county, **extra):
    url = reverse("bookings:request", args=[county["school"].urn])
    return client.post(url, request_data(county, **extra))


@pytest.mark.parametrize("sessions", [["9" * 30], ["abc"], ["-1"]])
def test_a_session_id_that_is_no_id_is_a_choice_not_offered(client, county, sessions):
    page = ask(client, county, sessions=sessions)
    assert page.status_code == 200
    assert "Select sessions from the list" in page.content.decode()
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("first, last", [("2099-03-02", "2099-03-06"), ("9999-12-27", "9999-12-31")])
def test_days_years_ahead_are_refused(client, county, first, last):
    page = ask(client, county, dates_from=first, dates_to=last)
    assert page.status_code == 200
    html = page.content.decode()
    assert "The first day must be before" in html and 'href="#id_dates_from"' in html
    assert Booking.objects.count() == 0


def test_two_megabytes_of_access_needs_are_refused_and_the_rest_is_kept(client, county):
    page = ask(client, county, access_needs="x" * 2_000_000)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Access needs must be 2,000 characters or fewer" in html
    assert "Sam Patel" in html  # nothing typed is lost
    assert Booking.objects.count() == 0


def test_a_link_with_a_thirty_digit_id_is_not_found(client, county):
    client.force_login(county["coordinator"])
    assert client.get(f"/book/queue/{'9' * 30}/").status_code == 404
    assert client.get(f"/book/school/{'9' * 30}/").status_code == 404


def test_an_overlong_name_is_refused_in_plain_english(client, county):
    page = ask(client, county, contact_name="N" * 5025)
    assert "Your name must be 200 characters or fewer" in page.content.decode()
    assert Booking.objects.count() == 0
