"""Every page a person meets first passes axe-core's WCAG 2.2 AA checks in a real browser."""

import pytest
from playwright.sync_api import expect

from safereach.accounts.models import Role
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_signed_out(page, live_server, county):
    page.goto(live_server.url)

    expect(page.get_by_text("Fictional demo county: not real data")).to_be_visible()
    assert_accessible(page, "home-signed-out")


def test_sign_in_page(page, live_server):
    page.goto(f"{live_server.url}/accounts/sign-in/")

    assert_accessible(page, "sign-in")


def test_sign_in_page_with_errors(page, live_server, county):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Email address").fill("analyst@demo.example")
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text("Enter a correct email address and password")
    # GOV.UK Frontend's JavaScript moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value("analyst@demo.example")
    assert_accessible(page, "sign-in-errors")


@pytest.mark.parametrize("role", Role.values)
def test_home_page_of_each_role(page, live_server, county, role):
    sign_in(page, live_server, county[role])

    section = page.locator(f"section#{role}")
    expect(section).to_be_visible()
    expect(section.locator(".app-figures__number, .govuk-summary-list").first).to_be_visible()
    assert_accessible(page, f"{role}-home")


def test_datasets_page(page, live_server, county):
    sign_in(page, live_server, county[Role.ANALYST])
    page.get_by_role("link", name="Datasets").click()

    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)  # header and two datasets
    expect(table.get_by_text("OFFICIAL-SENSITIVE")).to_be_visible()
    assert_accessible(page, "datasets")


def test_datasets_page_on_a_phone(browser, live_server, county):
    # WCAG 1.4.10: at 320 CSS pixels nothing but the table's own region scrolls sideways.
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        sign_in(page, live_server, county[Role.ANALYST])
        page.goto(f"{live_server.url}/evidence/datasets/")

        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert_accessible(page, "datasets-phone")
    finally:
        context.close()
