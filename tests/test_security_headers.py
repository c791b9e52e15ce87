"""Every answer has a Content-Security-Policy; signed-in pages and pages opened by a signed link
are not kept by browsers or proxies (Cache-Control: no-store)."""

from django.urls import reverse

from safereach.accounts.models import Role
from safereach.bookings.links import manage_url
from safereach.bookings.models import Booking
from safereach.bookings.tests.factories import quiet_monday
from safereach.core.headers import CONTENT_SECURITY_POLICY


def test_every_page_has_a_content_security_policy_that_allows_no_script_from_elsewhere(client, db):
    response = client.get(reverse("accessibility"))
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


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
