"""The officer's week in a real browser: the route map draws (Leaflet on a blank background),
the visits are listed in order, the page passes axe-core; and the coordinator's term plan."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from safereach.bookings.models import Booking, Visit
from safereach.bookings.offers import at
from safereach.bookings.tests.factories import make_county, quiet_monday
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def week_county(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    county = make_county()
    monday = quiet_monday()
    for school, minute in ((county["other"], 780), (county["school"], 600)):
        booking = Booking.objects.create(
            school=school,
            contact_name="Sam Lee",
            contact_email="sam@oakfield.sch.uk",
            dates_from=monday,
            dates_to=monday,
            pupils=25,
            access_needs="Sign in at the side gate",
            status=Booking.Status.CONFIRMED,
        )
        booking.sessions.add(county["home_fire"])
        Visit.objects.create(
            booking=booking,
            school=school,
            session=county["home_fire"],
            officer=county["owen"],
            starts_at=at(monday, minute),
            ends_at=at(monday, minute + 60),
            status=Visit.Status.CONFIRMED,
        )
    queued = Booking.objects.create(
        school=county["other"],
        contact_name="Head",
        contact_email="h@riverside.example",
        dates_from=monday,
        dates_to=monday + timedelta(days=4),
        pupils=25,
        status=Booking.Status.QUEUED,
    )
    queued.sessions.add(county["hoax"])
    county["monday"] = monday
    return county


def test_officer_week_draws_the_route(page, live_server, week_county):
    owen = week_county["owen"]
    sign_in(page, live_server, owen.user)
    page.get_by_role("link", name="Your week").first.click()
    page.goto(f"{page.url}?week={week_county['monday'].isoformat()}")
    expect(page.locator("#week-map[data-ready=true]")).to_be_attached()
    # Two stops and the base drawn, one route line.
    assert page.locator("#week-map .leaflet-marker-icon").count() == 3
    assert page.locator("#week-map path.leaflet-interactive, #week-map path").count() >= 1
    headings = page.locator("h3").all_inner_texts()
    assert headings[0].startswith("10:00 to 11:00: Oakfield") and headings[1].startswith(
        "13:00 to 14:00: Riverside"
    )
    expect(page.get_by_text("Sign in at the side gate").first).to_be_visible()
    feed = page.get_by_label("Calendar address").input_value()
    assert feed.startswith(live_server.url) and feed.endswith(".ics")
    assert page.request.get(feed).headers["content-type"].startswith("text/calendar")
    assert_accessible(page, "officer-week")


def test_coordinator_plans_the_term(page, live_server, week_county):
    sign_in(page, live_server, week_county["coordinator"])
    page.get_by_role("link", name="Term plan").click()
    monday = week_county["monday"]
    page.get_by_label("First day").fill(monday.isoformat())
    page.get_by_label("Last day").fill((monday + timedelta(days=4)).isoformat())
    page.get_by_label("Seconds to plan for").fill("1")
    page.get_by_role("button", name="Plan the term").click()
    expect(page.get_by_text("Travel with the plan")).to_be_visible()
    assert_accessible(page, "term-plan")
    page.get_by_role("button", name="Apply the plan and email the schools").click()
    expect(page.get_by_text("Booked 1 request from the plan")).to_be_visible()
