"""An analyst's first sign-in: password, then setting up an authenticator from the QR code or
the key, with a wrong code shown as a GOV.UK error; the page is accessible at 1280 and 375 px."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import PASSWORD
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.two_step]


def test_an_analyst_sets_up_two_step_sign_in(page, live_server, county):
    analyst = county[Role.ANALYST]
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Email address").fill(analyst.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-step/**")
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    qr = page.get_by_role("img", name="QR code of your SafeReach key for an authenticator app")
    expect(qr).to_be_visible()
    assert_accessible(page, "two-step-setup")

    page.get_by_label("Code from your authenticator app").fill("000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the code as 6 numbers")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, "two-step-error-375")

    device = TOTPDevice.objects.get(user=analyst)
    page.get_by_label("Code from your authenticator app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text(f"Signed in as {analyst.email}")).to_be_visible()
