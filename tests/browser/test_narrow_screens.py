"""Pages with wide tables never make the page wider than a phone's screen (375 pixels): the
school's manage-booking page, the coordinator's queue and projected delivery, with long names in
them. On projected delivery the private calendar-feed address stays in its own column at 1280
pixels instead of running over the table beside it."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.diary import at
from safereach.bookings.links import manage_url
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import make_county, quiet_monday
from safereach.schools.tests.factories import make_school
from tests.browser.conftest import ARTIFACTS, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "The Blessed Cardinal Newman Catholic Voluntary Academy and Sixth Form Centre"


@pytest.fixture
def booked_county(db):
    county = make_county()
    monday = quiet_monday()
    long_school = make_school(name=LONG_NAME, urn=765432, la_code="881", lon=0.47, lat=51.74)
    confirmed = Booking.objects.create(
        school=county["school"],
        contact_name="Sam Patel",
        contact_email="s.patel@oakfield.sch.uk",
        dates_from=monday,
        dates_to=monday + timedelta(days=4),
        pupils=28,
        status=Booking.Status.CONFIRMED,
    )
    confirmed.sessions.add(county["home_fire"], county["hoax"])
    for day, session in ((0, county["home_fire"]), (2, county["hoax"])):
        Visit.objects.create(
            booking=confirmed,
            school=county["school"],
            session=session,
            officer=county["owen"],
            starts_at=at(monday + timedelta(days=day), 600),
            ends_at=at(monday + timedelta(days=day), 600 + session.length_minutes),
            status=Visit.Status.CONFIRMED,
        )
    for school in (long_school, county["other"]):
        queued = Booking.objects.create(
            school=school,
            contact_name="Head",
            contact_email="head@school.example",
            dates_from=monday,
            dates_to=monday + timedelta(days=4),
            pupils=25,
            status=Booking.Status.QUEUED,
            is_target=True,
        )
        queued.sessions.add(county["home_fire"], county["hoax"])
    county["confirmed"] = confirmed
    return county


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_schools_manage_page_fits_a_phone(phone, live_server, booked_county):
    phone.goto(live_server.url + manage_url(booked_county["confirmed"]))
    expect(phone.get_by_role("link", name="Reschedule").first).to_be_visible()
    assert_accessible(phone, "manage-booking-375")
    assert fits_the_screen(phone)


def test_the_coordinators_queue_and_projected_delivery_fit_a_phone(phone, live_server, booked_county):
    sign_in(phone, live_server, booked_county["coordinator"])
    phone.goto(f"{live_server.url}/book/queue/")
    expect(phone.get_by_text(LONG_NAME).first).to_be_attached()
    assert_accessible(phone, "coordinator-queue-375")
    assert fits_the_screen(phone)

    phone.goto(f"{live_server.url}/delivery/projected/")
    expect(phone.get_by_text("Calendar feed")).to_be_visible()
    assert_accessible(phone, "projected-delivery-375")
    assert fits_the_screen(phone)


def test_staff_lists_fit_a_phone(phone, live_server, booked_county):
    # Officers, the programmes' lists, an analyst's home and the queue's cancelled bookings:
    # each wide table scrolls in its own region instead of widening the page.
    cancelled = Booking.objects.create(
        school=booked_county["other"], contact_name="Head", contact_email="head@school.example",
        dates_from=quiet_monday(), dates_to=quiet_monday() + timedelta(days=4), pupils=25,
        status=Booking.Status.QUEUED)
    cancelled.sessions.add(booked_county["home_fire"])
    cancelled.cancel(by="Casey Coordinator (booking coordinator)", reason="The hall is closed " * 8)
    sign_in(phone, live_server, booked_county["coordinator"])
    for path, seen in (("/officers/", "Owen"), ("/book/queue/", "The hall is closed"),
                       ("/matrix/", "Home fire safety")):
        phone.goto(live_server.url + path)
        expect(phone.get_by_text(seen).first).to_be_attached()
        assert fits_the_screen(phone), path
    phone.context.clear_cookies()
    sign_in(phone, live_server, make_user(Role.ANALYST, agency=booked_county["fire"]))
    phone.goto(live_server.url + "/")
    assert fits_the_screen(phone), "an analyst's home page"
    assert_accessible(phone, "analyst-home-375")


def test_the_calendar_feed_address_stays_beside_the_table(page, live_server, booked_county):
    sign_in(page, live_server, booked_county["coordinator"])
    page.goto(f"{live_server.url}/delivery/projected/")
    feed = page.locator(".app-feed-url").bounding_box()
    table = page.locator("table").first.bounding_box()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "projected-delivery-1280.png"), full_page=True)
    assert feed["x"] + feed["width"] <= table["x"], "the feed address runs into the tables"
    assert fits_the_screen(page)


def test_school_search_pages_fit_a_phone(phone, live_server, db):
    for n in range(30):
        make_school(name=f"Meadow Lane School {n:02d}")
    phone.goto(f"{live_server.url}/book/?q=meadow")
    expect(phone.get_by_role("heading", name="30 schools found")).to_be_visible()
    expect(phone.get_by_text("Showing 1 to 25 of 30")).to_be_visible()
    assert_accessible(phone, "school-search-375")
    assert fits_the_screen(phone)
    phone.get_by_role("link", name="Next page").click()
    expect(phone.get_by_text("Page 2 of 2")).to_be_visible()
    expect(phone.get_by_role("link", name="Meadow Lane School 29")).to_be_visible()
