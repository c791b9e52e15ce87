"""A school contact books a session end to end in a real browser, confirms it from the email,
gets a valid calendar file, and reschedules through the link; a school asking for a session no
officer can reach books the rest and sees that one go to the coordinator. Every page passes
axe-core."""

import re

import pytest
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect

from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import make_county, make_session_nobody_can_reach, quiet_monday
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def schools_county(db, settings):
    return make_county()


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def test_a_school_books_confirms_and_reschedules(page, live_server, schools_county):
    monday = quiet_monday()
    page.goto(f"{live_server.url}/sessions/")
    expect(page.get_by_role("heading", name="Safety sessions for schools")).to_be_visible()
    assert_accessible(page, "catalogue")

    page.get_by_label("Key stage").select_option("KS3")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="2 sessions of 3")).to_be_visible()

    page.get_by_role("link", name="Book a session for your school").click()
    page.get_by_label("School name, URN or postcode").fill("oakfield")
    page.get_by_role("button", name="Find your school").click()
    assert_accessible(page, "book-find-school")
    page.get_by_role("link", name="Oakfield Primary School").click()

    page.get_by_label("Home fire safety for juniors").check()
    dates = page.get_by_role("group", name="Dates that suit", exact=True)
    dates.get_by_label("From").fill(monday.isoformat())
    dates.get_by_label("To", exact=True).fill(monday.isoformat())
    page.get_by_label("Year 5").check()
    page.get_by_label("Your name").fill("Sam Patel")
    page.get_by_label("Your email address").fill("s.patel@oakfield.sch.uk")
    page.get_by_role("button", name="See available times").click()  # pupils left out

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(["Enter the number of pupils"])
    expect(page.get_by_label("Your name")).to_have_value("Sam Patel")
    assert_accessible(page, "book-request-errors")

    page.get_by_label("Number of pupils").fill("28")
    page.get_by_role("button", name="See available times").click()
    expect(page.get_by_role("heading", name="Choose a time")).to_be_visible()
    assert_accessible(page, "book-times")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Book").click()

    expect(page.get_by_role("heading", name="We are holding your time")).to_be_visible()
    assert_accessible(page, "book-held")
    confirm = re.search(r"(http\S+/book/confirm/\S+/)", mail.outbox[0].body).group(1)
    page.goto(live_server.url + path_of(confirm))
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("heading", name="Booking confirmed")).to_be_visible()
    assert_accessible(page, "book-manage")

    booking = Booking.objects.get()
    visit = Visit.objects.get()
    assert booking.status == Booking.Status.CONFIRMED
    confirmation = next(
        m
        for m in mail.outbox
        if m.subject.startswith("Booking confirmed") and m.to == ["s.patel@oakfield.sch.uk"]
    )
    event = Calendar.from_ical(confirmation.attachments[0][1]).walk("VEVENT")[0]
    assert event.decoded("dtstart") == visit.starts_at

    page.get_by_role("link", name=re.compile("Reschedule")).click()
    assert_accessible(page, "book-reschedule")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Move the visit").click()
    expect(page.get_by_text("Your visit has been moved")).to_be_visible()
    visit.refresh_from_db()
    moved = next(m for m in mail.outbox if m.subject.startswith("Booking changed"))
    event = Calendar.from_ical(moved.attachments[0][1]).walk("VEVENT")[0]
    assert event.decoded("dtstart") == visit.starts_at


def test_a_school_books_what_fits_and_the_coordinator_gets_the_rest(page, live_server, schools_county):
    make_session_nobody_can_reach(schools_county)
    monday = quiet_monday()
    page.goto(f"{live_server.url}/book/school/{schools_county['school'].urn}/")
    page.get_by_label("Home fire safety for juniors").check()
    page.get_by_label("Water safety assembly").check()
    dates = page.get_by_role("group", name="Dates that suit", exact=True)
    dates.get_by_label("From").fill(monday.isoformat())
    dates.get_by_label("To", exact=True).fill(monday.isoformat())
    page.get_by_label("Number of pupils").fill("28")
    page.get_by_label("Year 5").check()
    page.get_by_label("Your name").fill("Sam Patel")
    page.get_by_label("Your email address").fill("s.patel@oakfield.sch.uk")
    page.get_by_role("button", name="See available times").click()

    expect(page.get_by_role("heading", name="Choose a time")).to_be_visible()
    expect(page.get_by_role("heading", name="Water safety assembly")).to_be_visible()
    no_time = "No officer can reach you on the days you gave: this session goes to the coordinator"
    expect(page.get_by_text(no_time)).to_be_visible()
    expect(page.get_by_role("group", name="Water safety assembly")).to_have_count(0)
    page.get_by_role("button", name="Book").click()  # no time chosen
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(["Select a time for Home fire safety for juniors"])
    assert_accessible(page, "book-times-part-errors")
    assert not Visit.objects.exists()

    page.get_by_role("group", name="Home fire safety for juniors").get_by_role("radio").first.check()
    page.get_by_role("button", name="Book").click()

    expect(page.get_by_role("heading", name="We are holding your time")).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting for the coordinator")).to_be_visible()
    assert_accessible(page, "book-held-part")
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.HELD
    assert [v.session.title for v in Visit.objects.all()] == ["Home fire safety for juniors"]
    assert [s.title for s in booking.waiting_sessions()] == ["Water safety assembly"]
    assert "Water safety assembly" in mail.outbox[0].body.split("Waiting for the booking coordinator")[1]
