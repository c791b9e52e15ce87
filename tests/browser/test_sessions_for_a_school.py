"""A school sees the sessions for the year groups it teaches, in the catalogue and on the
request form, and is told plainly when its group does not fit a session; an analyst meets a
programme nobody targets yet. Every page passes axe-core, at 1280 and 375 pixels wide."""

import pytest
from playwright.sync_api import expect

from safereach.accounts.models import Role
from safereach.bookings.tests.factories import make_county, make_session, quiet_monday
from safereach.matrix.tests.conftest import small_county  # noqa: F401 (a fixture)
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def schools_county(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    county = make_county()
    arson = make_session(county["fire"], "Deliberate fires and their consequences", slug="deliberate-fires",
                         programme="arson", year_groups=[8, 9, 10])
    county["owen"].sessions.add(arson)
    return county


@pytest.mark.parametrize("width", [1280, 375])
def test_a_primary_school_sees_its_sessions_and_is_told_when_a_group_does_not_fit(
        browser, live_server, schools_county, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/sessions/?school=123456")
        expect(page.get_by_text("Showing the sessions for pupils at Oakfield Primary School, which "
                                "teaches Reception to Year 6.")).to_be_visible()
        expect(page.get_by_role("heading", name="2 sessions of 4")).to_be_visible()
        expect(page.get_by_role("link", name="Deliberate fires and their consequences")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page, f"catalogue-for-a-school-{width}")

        page.goto(f"{live_server.url}/book/school/123456/?session=deliberate-fires")
        expect(page.get_by_text("Deliberate fires and their consequences is for Years 8 to 10, which "
                                "Oakfield Primary School does not teach")).to_be_visible()
        expect(page.get_by_label("Year 7")).to_have_count(0)  # only the year groups it teaches
        monday = quiet_monday()
        page.get_by_label("Home fire safety for juniors").check()
        dates = page.get_by_role("group", name="Dates that suit", exact=True)
        dates.get_by_label("From").fill(monday.isoformat())
        dates.get_by_label("To", exact=True).fill(monday.isoformat())
        page.get_by_label("Number of pupils").fill("28")
        page.get_by_label("Year 1", exact=True).check()
        page.get_by_label("Year 2", exact=True).check()
        page.get_by_label("Your name").fill("Sam Patel")
        page.get_by_label("Your email address").fill("s.patel@oakfield.sch.uk")
        page.get_by_role("button", name="See available times").click()

        summary = page.locator(".govuk-error-summary")
        message = ("Home fire safety for juniors is for Years 3 to 6: choose year groups within those, "
                   "or request it on its own for other year groups")
        expect(summary.get_by_role("link")).to_have_text([message])
        expect(summary).to_be_focused()
        expect(page.locator("#id_year_groups-error")).to_contain_text(message)
        expect(page.get_by_label("Your name")).to_have_value("Sam Patel")
        expect(page.get_by_label("Year 2", exact=True)).to_be_checked()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page, f"book-request-year-groups-error-{width}")
    finally:
        context.close()


def test_an_analyst_meets_a_programme_nobody_targets_yet(page, live_server, small_county):  # noqa: F811
    sign_in(page, live_server, small_county["users"][Role.ANALYST])
    page.get_by_role("link", name="Target lists").click()
    row = page.get_by_role("row").filter(has_text="Road safety")
    expect(row).to_contain_text("No targeting profile yet")
    assert_accessible(page, "matrix-programmes-with-untargeted")

    row.get_by_role("link", name="Road safety").click()
    expect(page.get_by_text("it has no targeting profile yet")).to_be_visible()
    assert_accessible(page, "matrix-target-list-no-profile")
