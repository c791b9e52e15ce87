from unittest import mock

from django.core.cache.backends.db import DatabaseCache
from django.test import Client, RequestFactory
from django.urls import reverse

from safereach.bookings.models import Booking
from safereach.bookings.tests.factories import request_data
from safereach.core.rate_limit import over_limit


def test_posting_without_the_csrf_token_is_refused(county):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("bookings:request", args=[county["school"].urn]), request_data(county))

    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_the_request_form_carries_a_csrf_token(client, county):
    page = client.get(reverse("bookings:request", args=[county["school"].urn]))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


def test_too_many_requests_from_one_address_are_turned_away(client, county, settings):
    settings.SAFEREACH_RATE_LIMIT = {**settings.SAFEREACH_RATE_LIMIT, "SUBMISSIONS": 3}
    url = reverse("bookings:request", args=[county["school"].urn])

    statuses = [client.post(url, request_data(county)).status_code for _ in range(4)]

    assert statuses == [302, 302, 302, 429]
    assert Booking.objects.count() == 3
    other_address = client.post(url, request_data(county), REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 302


def test_correcting_a_form_costs_nothing(client, county, settings):
    """Only what costs something counts (a request made, an email sent): a contact who gets the
    form wrong ten times still books."""
    settings.SAFEREACH_RATE_LIMIT = {**settings.SAFEREACH_RATE_LIMIT, "SUBMISSIONS": 1}
    url = reverse("bookings:request", args=[county["school"].urn])
    for _ in range(10):
        assert client.post(url, request_data(county, pupils="")).status_code == 200
    assert client.post(url, request_data(county)).status_code == 302
    assert client.post(url, request_data(county)).status_code == 429


def test_the_count_is_kept_where_every_web_process_reads_it(client, county, settings):
    """Another process has a cache object of its own: it reads the same count from the
    database's table, so two processes do not each allow the limit."""
    settings.SAFEREACH_RATE_LIMIT = {**settings.SAFEREACH_RATE_LIMIT, "SUBMISSIONS": 2}
    url = reverse("bookings:request", args=[county["school"].urn])
    assert client.post(url, request_data(county)).status_code == 302
    assert client.post(url, request_data(county)).status_code == 302

    other_process = DatabaseCache(settings.CACHES["default"]["LOCATION"], {})
    with mock.patch("safereach.core.rate_limit.cache", other_process):
        assert over_limit(RequestFactory().post(url))


def test_behind_a_load_balancer_the_client_address_comes_from_its_header(client, county, settings):
    settings.SAFEREACH_RATE_LIMIT = {**settings.SAFEREACH_RATE_LIMIT, "SUBMISSIONS": 1,
                                     "CLIENT_ADDRESS_HEADER": "HTTP_X_FORWARDED_FOR"}
    url = reverse("bookings:request", args=[county["school"].urn])

    first = client.post(url, request_data(county), HTTP_X_FORWARDED_FOR="203.0.113.7")
    other_client = client.post(url, request_data(county), HTTP_X_FORWARDED_FOR="203.0.113.8")
    # A client cannot dodge the limit by putting a made-up address in front of the real one.
    forged = client.post(url, request_data(county), HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")

    assert (first.status_code, other_client.status_code, forged.status_code) == (302, 302, 429)
