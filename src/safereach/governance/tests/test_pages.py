"""Administrators' governance pages: agreements with warnings, the reason for sensitive data,
the inventory and the audit log, with their exports; and audit retention."""

import datetime

import pytest
from django.urls import reverse

from safereach.accounts.audit import record
from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.tests.factories import make_agency, make_user
from safereach.evidence.tests.factories import make_dataset
from safereach.governance.models import SharingAgreement
from safereach.governance.retention import delete_old_audit_entries
from safereach.governance.tests.factories import make_agreement

pytestmark = pytest.mark.django_db


def test_the_agreements_page_warns_ahead_of_an_end_and_says_what_is_withheld(client, sign_in_as, agency):
    sign_in_as(Role.ADMINISTRATOR)
    police = make_agency("Northshire Police", kind="police")
    make_agreement(police, [agency], [make_dataset()], title="Ends soon",
                   ends_on=datetime.date(2026, 12, 20), review_on=datetime.date(2026, 12, 1))
    make_agreement(police, [agency], [make_dataset()], title="Ended",
                   ends_on=datetime.date(2026, 10, 1), review_on=datetime.date(2026, 9, 1))
    page = client.get(reverse("governance:agreements")).content.decode()
    assert "“Ends soon” ends on 20 December 2026 (34 days)" in page
    assert "“Ends soon” is due for review by 1 December 2026." in page
    assert "“Ended” ended on 1 October 2026: its 1 dataset is withheld" in page


def test_other_roles_cannot_open_governance_pages(client, sign_in_as):
    sign_in_as(Role.COORDINATOR, Role.ANALYST)
    for name in ("agreements", "agreement-new", "inventory", "inventory-csv", "audit", "audit-csv"):
        assert client.get(reverse(f"governance:{name}")).status_code == 403


def test_adding_an_agreement_is_audited_with_what_changed(client, sign_in_as, agency):
    admin = sign_in_as(Role.ADMINISTRATOR)
    police = make_agency("Northshire Police", kind="police")
    data = make_dataset()
    response = client.post(reverse("governance:agreement-new"), {
        "title": "Street crime", "provider": police.pk, "parties": [agency.pk],
        "purpose": "Targeting", "legal_basis": "public-task", "datasets": [data.pk],
        "starts_on": "2026-01-01", "ends_on": "2027-01-01", "review_on": "2026-12-01"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="agreement.create")
    assert event.user == admin and event.target == "Street crime"
    assert event.detail["changes"]["datasets"]["to"] == [str(data)]


def test_a_bad_agreement_is_refused_with_errors_and_keeps_what_was_typed(client, sign_in_as, agency):
    sign_in_as(Role.ADMINISTRATOR)
    response = client.post(reverse("governance:agreement-new"), {
        "title": "Half typed", "provider": agency.pk, "purpose": "", "legal_basis": "public-task",
        "starts_on": "2026-05-01", "ends_on": "2026-04-01", "review_on": "not a date"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and 'value="Half typed"' in page
    for message in ("Select the agencies it is shared with", "Enter what the data is shared for",
                    "The day it ends must be the same as or after the day it starts",
                    "Enter the day it is to be reviewed by as a real date"):
        assert message in page
    assert not SharingAgreement.objects.exists()


def test_the_reason_page_refuses_a_blank_reason_and_returns_to_the_page(client, sign_in_as):
    sign_in_as(Role.ANALYST)
    url = reverse("governance:reason")
    response = client.post(url, {"reason": "  ", "next": "/matrix/"})
    assert response.status_code == 400 and "Enter why you need to see this data" in response.content.decode()
    response = client.post(url, {"reason": "Planning the MACE meeting", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    response = client.post(url, {"reason": "Planning the MACE meeting", "next": "/matrix/"})
    assert response["Location"] == "/matrix/"


def test_the_inventory_lists_every_dataset_and_store_and_exports_for_a_dpia(client, sign_in_as):
    sign_in_as(Role.ADMINISTRATOR)
    make_dataset(kind="notices", name="Child abduction warning notices", classification="OFFICIAL-SENSITIVE")
    page = client.get(reverse("governance:inventory")).content.decode()
    assert "Child abduction warning notices" in page and "Booking contacts" in page
    csv = client.get(reverse("governance:inventory-csv")).content.decode()
    assert csv.splitlines()[0].startswith("Store,What it holds,About a person,Classification,Retention")
    assert "name the adult warned" in csv
    assert AuditEvent.objects.filter(action="inventory.export").exists()


def test_the_audit_log_filters_and_exports(client, sign_in_as):
    sign_in_as(Role.ADMINISTRATOR)
    coordinator = make_user(Role.COORDINATOR, email="co@example.org")
    record("booking.cancel", user=coordinator, target="SR-1234", reason="School closed")
    record("leave.add", user=coordinator, target="Sam Officer")
    page = client.get(reverse("governance:audit"), {"area": "booking"}).content.decode()
    assert "Cancelled a visit" in page and "School closed" in page and "Added leave" not in page
    csv = client.get(reverse("governance:audit-csv"), {"who": "co@"}).content.decode()
    assert "SR-1234" in csv and "Sam Officer" in csv
    bad = client.get(reverse("governance:audit"), {"since": "2026-13-01"})
    assert bad.status_code == 400 and "Enter the first day as a real date" in bad.content.decode()


def test_audit_entries_past_their_period_are_deleted_with_a_trace(settings):
    settings.SAFEREACH_AUDIT_RETENTION_DAYS = 30
    old = record("leave.add", actor="someone", target="old")
    AuditEvent.objects.filter(pk=old.pk).update(at=datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))
    record("leave.add", actor="someone", target="new")
    assert delete_old_audit_entries(datetime.date(2026, 11, 16), actor="daily") == 1
    assert set(AuditEvent.objects.values_list("target", flat=True)) == {"new", "1 audit entries"}


def test_the_periodic_ticker_runs_audit_retention_daily():
    from safereach.core.periodic import registered

    jobs = {job.name: job.every.total_seconds() for job in registered()}
    assert jobs["safereach.governance.tasks.delete_old_audit"] == 24 * 60 * 60
    assert "safereach.bookings.tasks.forget_contacts" in jobs
    assert "safereach.schoolpage.tasks.delete_expired_concerns" in jobs


def test_the_administrators_home_page_warns_of_an_agreement_ending(client, sign_in_as, agency):
    sign_in_as(Role.ADMINISTRATOR)
    make_agreement(make_agency("Northshire Police", kind="police"), [agency], [make_dataset()],
                   title="Crime for schools", ends_on=datetime.date(2026, 12, 20))
    page = client.get(reverse("home")).content.decode()
    assert "“Crime for schools” ends on 20 December 2026 (34 days)" in page
