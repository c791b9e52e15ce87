"""The target list and a school profile, as an analyst meets them in a real browser."""

import pytest
from playwright.sync_api import expect

from safereach.accounts.models import Role
from safereach.matrix.models import Programme
from safereach.matrix.tests.conftest import small_county  # noqa: F401 (a fixture)
from tests.browser.conftest import ARTIFACTS, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_target_list_and_school_profile(page, live_server, small_county):  # noqa: F811
    sign_in(page, live_server, small_county["users"][Role.ANALYST])
    page.get_by_role("link", name="Target lists").click()
    page.get_by_role("link", name="Arson and deliberate fire-setting").click()

    table = page.get_by_role("table")
    first = table.get_by_role("row").nth(1)
    # Ranked by the forecast: Ivy Academy stands beside the incidents with a 3 km reach.
    expect(first).to_contain_text("Ivy Academy")
    expect(first).to_contain_text(
        "criminal damage and arson crimes and deliberate fires expected within 3 km")
    expect(table.get_by_role("columnheader", name="Need")).to_be_visible()
    expect(page.get_by_text("Schools are ordered by risk alone")).to_be_visible()
    assert_accessible(page, "matrix-target-list")

    page.get_by_role("link", name="See the list by district").click()
    expect(page.get_by_role("table", name="Incidents and top-decile schools by district")).to_be_visible()
    expect(page.get_by_role("row", name="Northvale")).to_be_visible()
    assert_accessible(page, "matrix-district-summary")
    page.go_back()

    page.get_by_label("Phase").select_option("secondary")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(1 + 4)

    page.get_by_role("link", name="Grove Academy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grove Academy")
    # The map draws without any tile server.
    expect(page.locator("#school-map[data-ready=true] path").first).to_be_attached()
    assert_accessible(page, "matrix-school-profile")


def test_bad_filter_shows_an_error_summary(page, live_server, small_county):  # noqa: F811
    sign_in(page, live_server, small_county["users"][Role.ANALYST])
    page.goto(f"{live_server.url}/matrix/arson/?phase=university")

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text("Choose a phase from the list")
    assert_accessible(page, "matrix-target-list-error")


def test_an_analyst_changes_a_weight_and_rebuilds_the_list(page, live_server, small_county):  # noqa: F811
    sign_in(page, live_server, small_county["users"][Role.ANALYST])
    page.goto(f"{live_server.url}/matrix/arson/profile/")
    version = Programme.objects.get(slug="arson").version
    weight = page.get_by_label("Weight of IMD")
    weight.fill("1e308")
    page.get_by_label("What changed and why").fill("IMD counts far more")
    page.get_by_role("button", name="Save as a new version").click()

    # Refused beside the field, linked from the summary, with what was typed kept.
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text("Enter the weight of IMD as a number from 0 to 100")
    expect(page.get_by_label("Weight of IMD")).to_have_value("1e308")
    assert_accessible(page, "matrix-profile-error")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Weight of IMD")).to_be_focused()

    page.get_by_label("Weight of IMD").fill("2")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text(f"Targeting profile, version {version + 1}")).to_be_visible()
    expect(page.get_by_role("cell", name="IMD counts far more")).to_be_visible()

    page.get_by_role("button", name="Rebuild the list now").click()
    # The rebuild runs in the background; the page follows it and shows how it ended.
    expect(page.get_by_text("Last rebuild")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("The current list was built on")).to_contain_text(
        f"profile version {version + 1}")
    assert_accessible(page, "matrix-profile")
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "matrix-profile-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
