"""Leave over booked visits, a refused cancellation reason, rescheduling on other dates and a
session booked with the partner directly: each page passes axe-core at 1280 and 375 pixels."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from safereach.bookings.links import manage_url
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import make_county, make_session, quiet_monday
from safereach.delivery.tests.factories import make_visit
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 375]


@pytest.fixture
def booked_county(db):
    county = make_county()
    monday = quiet_monday()
    county["monday"] = monday
    county["visits"] = [make_visit(county, monday + timedelta(days=d), hour=10) for d in range(2)]
    contact = "schools@fire.example"
    make_session(county["fire"], "Water safety assembly", slug="water-safety", contact_email=contact)
    return county


@pytest.mark.parametrize("width", WIDTHS)
def test_leave_over_visits_moves_them_in_the_same_step(page, live_server, booked_county, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, booked_county["coordinator"])
    monday = booked_county["monday"]

    page.goto(f"{live_server.url}/officers/{booked_county['owen'].pk}/")
    page.get_by_label("First day away").fill(monday.isoformat())
    page.get_by_label("Last day away").fill((monday + timedelta(days=4)).isoformat())
    page.get_by_role("button", name="Add leave").click()
    expect(page.get_by_role("heading", name="This leave is over 2 booked visits")).to_be_visible()
    assert_accessible(page, f"leave-over-visits-{width}")

    page.get_by_role("button", name="Add leave and move the visits").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, f"leave-over-visits-errors-{width}")

    page.get_by_label("Put them back in the booking queue").check()
    page.get_by_role("button", name="Add leave and move the visits").click()
    expect(page.get_by_text("2 visits went back to the booking queue")).to_be_visible()
    assert not Visit.objects.filter(status__in=Visit.LIVE).exists()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_cancellation_reason_is_refused_beside_the_field(page, live_server, booked_county, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, booked_county["coordinator"])
    booking = booked_county["visits"][0].booking

    page.goto(f"{live_server.url}/book/queue/{booking.pk}/")
    page.get_by_label("Reason (optional)").fill("Too long. " * 60)
    page.get_by_role("button", name="Cancel booking").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter 500 characters or fewer")
    assert_accessible(page, f"cancel-reason-errors-{width}")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


@pytest.mark.parametrize("width", WIDTHS)
def test_reschedule_on_other_dates(page, live_server, booked_county, width):
    page.set_viewport_size({"width": width, "height": 900})
    visit = booked_county["visits"][0]
    manage = manage_url(visit.booking)
    token = manage.rstrip("/").split("/")[-1]

    page.goto(f"{live_server.url}/book/manage/{token}/visit/{visit.pk}/")
    page.get_by_label("From", exact=True).fill("2020-01-01")
    page.get_by_role("button", name="Show times on these dates").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, f"reschedule-dates-errors-{width}")

    later = booked_county["monday"] + timedelta(days=21)
    page.get_by_label("From", exact=True).fill(later.isoformat())
    page.get_by_label("To", exact=True).fill((later + timedelta(days=4)).isoformat())
    page.get_by_role("button", name="Show times on these dates").click()
    expect(page.get_by_role("button", name="Move the visit")).to_be_visible()
    assert_accessible(page, f"reschedule-other-dates-{width}")


def test_a_session_booked_directly(page, live_server, booked_county):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/sessions/water-safety/")
        expect(page.get_by_text("books Water safety assembly directly")).to_be_visible()
        expect(page.get_by_role("button", name="Book this session")).to_have_count(0)
        assert_accessible(page, f"session-booked-directly-{width}")
