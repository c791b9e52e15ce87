"""A coordinator asks for a term plan, watches the planner work in the background, and applies
the plan; each page passes axe-core in a real browser."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from safereach.background import wait_for_background_tasks
from safereach.bookings.models import Booking, PlanRun
from safereach.bookings.tests.factories import make_county, quiet_monday
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planning_county(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The demo's way: the plan runs in a thread of the (live) server.
    settings.TASKS = {"default": settings.TASK_BACKENDS["thread"]}
    county = make_county()
    monday = quiet_monday()
    # One request in each of two weeks.
    for school, week in [(county["school"], 0), (county["other"], 1)]:
        booking = Booking.objects.create(
            school=school,
            contact_name="Sam",
            contact_email="sam@oakfield.sch.uk",
            dates_from=monday + timedelta(weeks=week),
            dates_to=monday + timedelta(weeks=week, days=4),
            pupils=30,
            status=Booking.Status.QUEUED,
        )
        booking.sessions.add(county["home_fire"])
    county["monday"] = monday
    yield county
    wait_for_background_tasks()


def test_a_coordinator_plans_the_term_in_the_background(page, live_server, planning_county):
    county, monday = planning_county, planning_county["monday"]
    sign_in(page, live_server, county["coordinator"])
    page.get_by_role("link", name="Term plan").click()
    assert_accessible(page, "term-plan")

    page.get_by_label("First day").fill(monday.isoformat())
    page.get_by_label("Last day").fill((monday + timedelta(days=11)).isoformat())
    page.get_by_label("Seconds to plan for").fill("8")
    page.get_by_role("button", name="Plan the term").click()

    expect(page.get_by_role("heading", name="Planning the term")).to_be_visible()
    expect(page.get_by_role("progressbar", name="How far the planner has got")).to_be_visible()
    assert_accessible(page, "term-plan-progress")
    # The page's script shows the planner's progress without reloading...
    page.evaluate("window.notReloaded = true")
    expect(page.get_by_role("status")).to_contain_text("Planning 2 weeks of visits", timeout=20_000)
    page.wait_for_function("document.querySelector('progress').value > 0", timeout=20_000)
    assert page.evaluate("window.notReloaded === true")
    # ...and the plan once it is ready.
    expect(page.get_by_role("heading", name="Proposed plan")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("row").filter(has_text="Riverside Junior School")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Oakfield Primary School").first).to_be_visible()
    assert_accessible(page, "term-plan-ready")

    page.get_by_role("button", name="Apply the plan and email the schools").click()
    expect(page.get_by_text("Booked 2 requests from the plan")).to_be_visible()
    assert PlanRun.objects.get().applied_at is not None
    assert_accessible(page, "term-plan-applied")


def test_a_failed_plan_says_why(page, live_server, planning_county):
    county = planning_county
    run = PlanRun.objects.create(
        asked_by=county["coordinator"],
        agency=county["fire"],
        first_day=county["monday"],
        last_day=county["monday"] + timedelta(days=4),
        seconds=20,
        state=PlanRun.State.FAILED,
        error="The planner stopped with an error: the travel-time server did not answer.",
    )
    sign_in(page, live_server, county["coordinator"])
    page.goto(f"{live_server.url}/book/plan/{run.pk}/")

    expect(page.get_by_text("the travel-time server did not answer")).to_be_visible()
    page.get_by_label("Seconds to plan for").fill("999")
    page.get_by_role("button", name="Plan the term again").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text("Plan for at most 300 seconds")
    assert PlanRun.objects.count() == 1
    assert_accessible(page, "term-plan-failed-errors")
