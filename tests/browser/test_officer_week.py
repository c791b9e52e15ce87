"""The officer's week in a real browser: the route map draws (Leaflet on a blank background),
the visits are listed in order, the page passes axe-core; recording a visit's outcome from the
week, on a desktop and a phone; resetting the calendar link; and the coordinator's term plan."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from safereach.bookings.diary import at
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import make_county, quiet_monday
from safereach.delivery.tests.factories import last_week, make_visit
from tests.browser.conftest import BACKGROUND_MS, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def week_county(db, settings):
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


def test_officer_records_an_outcome_from_the_week(page, live_server, week_county):
    owen, monday = week_county["owen"], last_week()
    visit = make_visit(week_county, monday, 10, year_groups=(5, 6))
    sign_in(page, live_server, owen.user)
    page.goto(f"{live_server.url}/week/{owen.pk}/?week={monday.isoformat()}")
    expect(page.get_by_text("Not recorded yet")).to_be_visible()
    page.get_by_role("link", name="Record the outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the outcome of the visit")
    assert_accessible(page, "visit-outcome")

    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Year 5").fill("-2")
    page.get_by_label("Feedback from the school (optional)").fill("They want a follow-up in spring.")
    page.get_by_role("button", name="Save the outcome").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="The number of pupils in Year 5 must be 0 or more").click()
    expect(page.get_by_label("Year 5")).to_be_focused()
    expect(page.get_by_label("Year 5")).to_have_value("-2")
    expect(page.get_by_label("Feedback from the school (optional)")).to_have_value(
        "They want a follow-up in spring."
    )
    assert_accessible(page, "visit-outcome-errors")

    page.get_by_label("Year 5").fill("28")
    page.get_by_label("Year 6").fill("1")
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("delivered to 29 pupils")
    expect(page.locator(".govuk-summary-list__value", has_text="Delivered to 29 pupils")).to_be_visible()
    expect(page.get_by_role("link", name="Change the outcome")).to_be_visible()
    assert visit.outcome.pupils_by_year_group == {"Year 5": 28, "Year 6": 1}
    assert_accessible(page, "officer-week-with-outcome")

    old_feed = page.get_by_label("Calendar address").input_value()
    page.get_by_role("button", name="Reset the calendar link").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "calendar link has been reset"
    )
    new_feed = page.get_by_label("Calendar address").input_value()
    assert new_feed != old_feed
    assert page.request.get(old_feed).status == 404 and page.request.get(new_feed).status == 200
    assert_accessible(page, "officer-week-calendar-reset")


def test_outcome_page_on_a_phone(browser, live_server, week_county):
    # WCAG 1.4.10: at 320 CSS pixels the form reflows without scrolling sideways.
    visit = make_visit(week_county, last_week(), 10)
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    page = context.new_page()
    try:
        sign_in(page, live_server, week_county["coordinator"])
        page.goto(f"{live_server.url}/delivery/visits/{visit.pk}/outcome/")
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Save the outcome").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Select why the session was not delivered"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert_accessible(page, "visit-outcome-phone")
    finally:
        context.close()


def test_coordinator_plans_the_term(page, live_server, week_county):
    sign_in(page, live_server, week_county["coordinator"])
    page.get_by_role("link", name="Term plan").click()
    monday = week_county["monday"]
    page.get_by_label("First day").fill(monday.isoformat())
    page.get_by_label("Last day").fill((monday + timedelta(days=4)).isoformat())
    page.get_by_label("Seconds to plan for").fill("1")
    page.get_by_role("button", name="Plan the term").click()
    expect(page.get_by_text("Travel with the plan")).to_be_visible(timeout=BACKGROUND_MS)
    assert_accessible(page, "term-plan")
    page.get_by_role("button", name="Apply the plan and email the schools").click()
    expect(page.get_by_role("heading", name="Plan applied")).to_be_visible(timeout=BACKGROUND_MS)
    expect(page.get_by_role("heading", name="Booked (1)")).to_be_visible()
