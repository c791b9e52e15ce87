"""The coordinator's and partners' booking pages pass axe-core in a real browser."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.diary import at
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import make_county, quiet_monday
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy_county(db, settings):
    county = make_county()
    monday = quiet_monday()
    queued = Booking.objects.create(
        school=county["other"],
        contact_name="Head",
        contact_email="head@riverside.example",
        dates_from=monday,
        dates_to=monday + timedelta(days=4),
        pupils=25,
        status=Booking.Status.QUEUED,
        is_target=True,
    )
    queued.sessions.add(county["home_fire"])
    held = Booking.objects.create(
        school=county["school"],
        contact_name="Sam",
        contact_email="sam@gmail.example",
        dates_from=monday,
        dates_to=monday + timedelta(days=4),
        pupils=25,
        status=Booking.Status.AWAITING_APPROVAL,
    )
    held.sessions.add(county["home_fire"])
    Visit.objects.create(
        booking=held,
        school=county["school"],
        session=county["home_fire"],
        officer=county["owen"],
        starts_at=at(monday, 600),
        ends_at=at(monday, 660),
        status=Visit.Status.HELD,
    )
    county["queued"] = queued
    return county


def test_coordinator_pages(page, live_server, busy_county):
    sign_in(page, live_server, busy_county["coordinator"])

    page.get_by_role("link", name="Booking queue").click()
    expect(page.get_by_text("Target school").first).to_be_visible()
    assert_accessible(page, "coordinator-queue")

    page.goto(f"{live_server.url}/book/queue/{busy_county['queued'].pk}/")
    expect(page.get_by_role("columnheader", name="Added travel").first).to_be_visible()
    assert_accessible(page, "coordinator-booking")

    page.get_by_role("button", name="Book").first.click()
    expect(page.get_by_text("is booked and the school has been emailed")).to_be_visible()

    page.get_by_role("link", name="Officers").click()
    page.get_by_role("link", name="Owen Jones").click()
    page.get_by_label("Working day ends").fill("7:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "officer-errors")

    page.get_by_role("link", name="Projected delivery").click()
    assert_accessible(page, "projected-delivery")


def test_partner_session_editing(page, live_server, busy_county):
    partner = make_user(Role.PARTNER, agency=busy_county["police"])
    sign_in(page, live_server, partner)

    page.get_by_role("link", name="Your sessions").click()
    page.get_by_role("button", name="Add a session").click()
    page.get_by_role("button", name="Save session").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "session-edit-errors")

    page.goto(f"{live_server.url}/sessions/knife-crime/")
    assert_accessible(page, "session-page")
