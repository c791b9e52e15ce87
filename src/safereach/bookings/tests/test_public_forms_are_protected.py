from django.test import Client
from django.urls import reverse

from safereach.bookings.models import Booking
from safereach.bookings.tests.factories import request_data


def test_posting_without_the_csrf_token_is_refused(county):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("bookings:request", args=[county["school"].urn]), request_data(county))

    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_the_request_form_carries_a_csrf_token(client, county):
    page = client.get(reverse("bookings:request", args=[county["school"].urn]))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


def test_too_many_submissions_from_one_address_are_turned_away(client, county, settings):
    settings.SAFEREACH_RATE_LIMIT = {**settings.SAFEREACH_RATE_LIMIT, "SUBMISSIONS": 3}
    url = reverse("bookings:request", args=[county["school"].urn])
    bad = request_data(county, pupils="")  # invalid, so nothing is created, but it still counts

    statuses = [client.post(url, bad).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    other_address = client.post(url, bad, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 200


def test_behind_a_load_balancer_the_client_address_comes_from_its_header(client, county, settings):
    settings.SAFEREACH_RATE_LIMIT = {**settings.SAFEREACH_RATE_LIMIT, "SUBMISSIONS": 1,
                                     "CLIENT_ADDRESS_HEADER": "HTTP_X_FORWARDED_FOR"}
    url = reverse("bookings:request", args=[county["school"].urn])
    bad = request_data(county, pupils="")

    first = client.post(url, bad, HTTP_X_FORWARDED_FOR="203.0.113.7")
    other_client = client.post(url, bad, HTTP_X_FORWARDED_FOR="203.0.113.8")
    # A client cannot dodge the limit by putting a made-up address in front of the real one.
    forged = client.post(url, bad, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")

    assert (first.status_code, other_client.status_code, forged.status_code) == (200, 200, 429)
