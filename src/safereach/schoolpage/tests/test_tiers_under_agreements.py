"""A council's tiers are OFFICIAL-SENSITIVE: shown to the agencies and roles its agreement names
while it is in force, with a reason asked and audited; withheld when it has ended."""

import datetime

import pytest
from django.urls import reverse

from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.tests.factories import make_agency, make_user
from safereach.evidence.tests.factories import make_dataset
from safereach.governance.tests.factories import make_agreement
from safereach.schools.models import TierDecision
from safereach.schools.tests.factories import make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_tiers():
    council = make_agency("Northshire County Council", kind="council")
    tiers = make_dataset(kind="tiers", classification="OFFICIAL-SENSITIVE",
                         loaded_by=make_user(Role.ANALYST, agency=council))
    school = make_school(name="Ashby Primary")
    TierDecision.objects.create(school=school, tier=3, reason="Council panel: complex needs",
                                source=TierDecision.Source.COUNCIL, dataset=tiers)
    return council, tiers, school


def test_an_ended_agreement_withholds_the_councils_tiers(client, sign_in_as, agency, council_tiers):
    council, tiers, school = council_tiers
    make_agreement(council, [agency], [tiers], sensitive_roles=[Role.COORDINATOR],
                   ends_on=datetime.date(2026, 10, 31))
    sign_in_as(Role.COORDINATOR)
    page = client.get(reverse("schoolpage:tier-decision", args=[school.urn])).content.decode()
    assert "Council panel: complex needs" not in page


def test_in_force_the_tiers_need_a_reason_and_are_audited(client, sign_in_as, agency, council_tiers):
    council, tiers, school = council_tiers
    make_agreement(council, [agency], [tiers], sensitive_roles=[Role.COORDINATOR])
    coordinator = sign_in_as(Role.COORDINATOR)
    url = reverse("schoolpage:tier-decision", args=[school.urn])
    assert client.get(url)["Location"].startswith(reverse("governance:reason"))
    client.post(reverse("governance:reason"),
                {"reason": "Deciding Ashby's tier with the school", "next": url})
    assert "Council panel: complex needs" in client.get(url).content.decode()
    event = AuditEvent.objects.get(action="sensitive.view")
    assert event.user == coordinator and event.detail["reason"] == "Deciding Ashby's tier with the school"
