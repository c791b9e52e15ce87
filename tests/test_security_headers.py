"""Every answer has a Content-Security-Policy; signed-in pages and pages opened by a signed link
are not kept by browsers or proxies (Cache-Control: no-store)."""

from django.urls import reverse

from safereach.accounts.models import Role
from safereach.bookings.links import manage_url
from safereach.bookings.models import Booking
from safereach.bookings.tests.factories import quiet_monday


def test_every_page_has_a_content_security_policy_that_allows_no_script_from_elsewhere(client, db):
    policy = client.get(reverse("accessibility"))["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "img-src 'self' data:;" in policy  # no tiles from anywhere unless a site sets a server
    assert "frame-ancestors 'none'" in policy


def test_a_site_with_a_tile_server_lets_its_tiles_in_and_nothing_else(client, db, settings):
    settings.SAFEREACH_TILES = {"URL": "https://tiles.example.org/{z}/{x}/{y}.png", "ATTRIBUTION": ""}
    policy = client.get(reverse("accessibility"))["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.org;" in policy
    assert "script-src 'self';" in policy


def test_signed_in_pages_are_not_stored(client, sign_in_as):
    public = client.get(reverse("accessibility"))
    assert "no-store" not in public.get("Cache-Control", "")
    sign_in_as(Role.ANALYST)
    assert "no-store" in client.get(reverse("home")).get("Cache-Control", "")


def test_a_manage_page_is_not_stored(client, county):
    monday = quiet_monday()
    booking = Booking.objects.create(school=county["school"], contact_name="Sam", pupils=20,
                                     contact_email="s@oakfield.sch.uk", dates_from=monday, dates_to=monday)
    booking.sessions.add(county["home_fire"])
    page = client.get(manage_url(booking))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
