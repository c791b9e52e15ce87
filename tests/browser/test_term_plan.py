"""A coordinator asks for a term plan, watches the planner work in the background, applies the
plan and watches the visits being booked, then sees what was booked; each page passes axe-core
in a real browser."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from safereach.bookings.models import Booking
from safereach.bookings.tests.factories import make_county, quiet_monday
from safereach.core.background import wait_for_background_tasks
from safereach.planning import tasks
from safereach.planning.models import PlanRun
from safereach.planning.tasks import ApplyingRecord
from tests.browser.conftest import BACKGROUND_MS, BACKGROUND_SECONDS, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planning_county(db, settings):
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


def test_a_coordinator_plans_the_term_in_the_background(
    page, live_server, planning_county, gates, monkeypatch
):
    county, monday = planning_county, planning_county["monday"]
    # Applying two visits takes a blink: hold it after the first until the test has looked.
    looked = gates()
    emailed = ApplyingRecord.emailed

    def held_after_the_first(self, booking):
        emailed(self, booking)
        looked.wait(BACKGROUND_SECONDS)

    monkeypatch.setattr(ApplyingRecord, "emailed", held_after_the_first)
    # Planning, likewise, waits once it has shown some progress until the test has seen it, so a
    # busy machine cannot finish the plan before the page has been looked at.
    seen_planning = gates()
    make_plan = tasks.make_plan

    def held_once_under_way(*args, progress, **kwargs):
        def report(fraction):
            progress(fraction)
            if 0 < fraction < 1:
                seen_planning.wait(BACKGROUND_SECONDS)

        return make_plan(*args, progress=report, **kwargs)

    monkeypatch.setattr(tasks, "make_plan", held_once_under_way)
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
    expect(page.get_by_role("status")).to_contain_text("Planning 2 weeks of visits", timeout=BACKGROUND_MS)
    page.wait_for_function("() => document.querySelector('progress').value > 0", timeout=BACKGROUND_MS)
    assert page.evaluate("window.notReloaded === true")
    seen_planning.set()
    # ...and the plan once it is ready.
    expect(page.get_by_role("heading", name="Proposed plan")).to_be_visible(timeout=BACKGROUND_MS)
    expect(page.get_by_role("row").filter(has_text="Riverside Junior School")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Oakfield Primary School").first).to_be_visible()
    assert_accessible(page, "term-plan-ready")

    page.get_by_role("button", name="Apply the plan and email the schools").click()
    expect(page.get_by_role("heading", name="Applying the plan")).to_be_visible()
    expect(page.get_by_role("progressbar", name="How far applying has got")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "Applying: 1 of 2 visits booked", timeout=BACKGROUND_MS
    )
    assert_accessible(page, "term-plan-applying")
    looked.set()
    # The page reloads itself when applying ends, and shows what it did.
    expect(page.get_by_role("heading", name="Plan applied")).to_be_visible(timeout=BACKGROUND_MS)
    expect(page.get_by_role("heading", name="Booked (2)")).to_be_visible()
    booked = page.get_by_role("region", name="Visits booked")
    expect(booked.get_by_role("row").filter(has_text="Riverside Junior School")).to_contain_text(
        "Sent to sam@oakfield.sch.uk"
    )
    expect(page.get_by_role("heading", name="Could not be booked (0)")).to_be_visible()
    expect(page.get_by_role("button", name="Apply the plan and email the schools")).to_have_count(0)
    run = PlanRun.objects.get()
    assert run.state == PlanRun.State.APPLIED and run.applied_at is not None
    assert Booking.objects.filter(status=Booking.Status.CONFIRMED).count() == 2
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


def test_applying_that_stopped_says_what_was_booked(page, live_server, planning_county):
    county, monday = planning_county, planning_county["monday"]
    visits = [
        {
            "request": f"{booking.pk}:{county['home_fire'].pk}",
            "school": booking.school.name,
            "session": "Home fire safety for juniors",
            "high_priority": False,
            "officer_id": county["owen"].pk,
            "officer": "Owen Jones",
            "day": (monday + timedelta(weeks=week)).isoformat(),
            "starts": "09:30",
            "ends": "10:30",
            "travel_in_minutes": 5.0,
        }
        for week, booking in enumerate(Booking.objects.order_by("pk"))
    ]
    run = PlanRun.objects.create(
        asked_by=county["coordinator"],
        agency=county["fire"],
        first_day=monday,
        last_day=monday + timedelta(days=11),
        seconds=8,
        state=PlanRun.State.DONE,
        plan={"requests": 2, "visits_planned": 2, "visits": visits, "officers": [], "left_out_requests": []},
    )
    assert run.claim_for_applying(county["coordinator"])
    first = visits[0]["request"]
    run.stop_applying(
        "Applying stopped with an error: the mail server did not answer.",
        {"total": 2, "booked": [first], "not_booked": {}, "emailed": {}},
    )
    sign_in(page, live_server, county["coordinator"])
    page.goto(f"{live_server.url}/book/plan/{run.pk}/")

    expect(page.get_by_role("heading", name="Applying the plan stopped")).to_be_visible()
    expect(page.get_by_text("the mail server did not answer")).to_be_visible()
    expect(page.get_by_role("region", name="Visits booked")).to_contain_text("Not sent")
    expect(page.get_by_role("heading", name="Not tried (1)")).to_be_visible()
    assert_accessible(page, "term-plan-apply-stopped")
