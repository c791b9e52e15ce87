"""Governance pages as an administrator and an analyst meet them: sharing agreements with their
warnings and form errors, the data inventory, the audit log, the reason asked before sensitive
data, and the fairness view; each checked with axe at 1280 and 375 pixels."""

import datetime

import pytest
from playwright.sync_api import expect

from safereach.accounts.audit import record
from safereach.accounts.models import Agency, Role
from safereach.evidence.models import Dataset
from safereach.governance.tests.factories import make_agreement
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def both_widths(page, name):
    assert_accessible(page, name)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, f"{name}-375")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_agreements_inventory_and_audit_log(page, live_server, county):
    admin = county[Role.ADMINISTRATOR]
    police = Agency.objects.get(kind=Agency.Kind.POLICE)
    crime = Dataset.objects.get(kind="crime")
    make_agreement(police, [admin.agency], [crime], title="Demoshire street crime for schools",
                   ends_on=datetime.date(2026, 12, 31), review_on=datetime.date(2026, 12, 1))
    record("booking.cancel", user=county[Role.COORDINATOR], target="SR-0001", reason="School closed for snow")
    sign_in(page, live_server, admin)

    page.get_by_role("link", name="Governance").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "“Demoshire street crime for schools” ends on 31 December 2026")
    both_widths(page, "governance-agreements")

    page.get_by_role("link", name="Add a sharing agreement").click()
    page.get_by_label("Name of the agreement").fill("Half typed")
    page.get_by_role("button", name="Save agreement").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter what the data is shared for")
    expect(page.get_by_label("Name of the agreement")).to_have_value("Half typed")
    both_widths(page, "governance-agreement-error")

    page.goto(f"{live_server.url}/governance/inventory/")
    expect(page.get_by_role("table")).to_contain_text("Demoshire street crime (fictional)")
    both_widths(page, "governance-inventory")

    page.goto(f"{live_server.url}/governance/audit/")
    expect(page.get_by_role("table")).to_contain_text("School closed for snow")
    both_widths(page, "governance-audit")


def test_reason_page_and_fairness_view(page, live_server, county):
    sign_in(page, live_server, county[Role.ANALYST])
    page.goto(f"{live_server.url}/governance/sensitive/reason/?next=/")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you need to see this data")
    both_widths(page, "governance-reason-error")

    page.goto(f"{live_server.url}/delivery/fairness/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fairness of targeting and delivery")
    both_widths(page, "delivery-fairness")
