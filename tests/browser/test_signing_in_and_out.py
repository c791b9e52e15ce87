import pytest
from playwright.sync_api import expect

from safereach.accounts.models import Role
from tests.browser.conftest import sign_in, wait_for_govuk_frontend

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_signs_in_sees_their_page_and_signs_out(page, live_server, county):
    page.goto(live_server.url)
    # The home page shows schools the catalogue and booking first; staff sign in from below.
    expect(page.get_by_role("button", name="Book a session")).to_be_visible()
    page.get_by_role("link", name="sign in").first.click()
    page.wait_for_url("**/accounts/sign-in/**")

    sign_in(page, live_server, county[Role.ANALYST])

    expect(page.get_by_role("heading", name="Analysis")).to_be_visible()
    expect(page.get_by_text("Signed in as analyst@demo.example")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Safety sessions for your school", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_error_summary_link_takes_you_to_the_field(page, live_server):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    wait_for_govuk_frontend(page)

    page.get_by_role("link", name="Enter your email address").click()

    expect(page.get_by_label("Email address")).to_be_focused()
