"""Target lists, school pages and exports withhold what an ended sharing agreement covered,
and OFFICIAL-SENSITIVE evidence behind them needs a reason and leaves an audit entry."""

import datetime

import pytest
from django.urls import reverse

from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.tests.factories import make_agency, make_user
from safereach.evidence.tests.factories import make_dataset
from safereach.governance.tests.factories import make_agreement
from safereach.matrix.models import Score, TargetList
from safereach.matrix.tests.factories import programme
from safereach.schools.tests.factories import make_school

pytestmark = pytest.mark.django_db

CRIME = {"name": "arson", "kind": "incidents", "label": "arson nearby", "value": 46, "display": "46",
         "percentile": 91.0, "weight": 1, "points": 60.0, "reason": "46 arson crimes within 1 km",
         "reason_shared": "46 arson crimes within 1 km", "display_shared": "46"}
IMD = {**CRIME, "name": "imd", "kind": "deprivation", "label": "deprivation", "points": 40.0,
       "reason": "More deprived than 80% of England", "reason_shared": "More deprived than 80% of England"}


@pytest.fixture
def listed(db):
    chosen = programme("arson")
    school = make_school()
    target_list = TargetList.objects.create(programme=chosen, profile_version=chosen.current_version())
    Score.objects.create(target_list=target_list, programme=chosen, school=school, phase_group="primary",
                         score=90, rank=1, decile=1, contributions=[CRIME, IMD])
    return chosen, school


def crime_from_police(**agreement):
    police = make_agency("Northshire Police", kind="police")
    crime = make_dataset(kind="crime", loaded_by=make_user(Role.ANALYST, agency=police),
                         classification=agreement.pop("classification", "OFFICIAL"))
    return police, crime


def test_an_ended_agreement_withholds_its_reasons_on_pages_and_exports(client, sign_in_as, agency, listed):
    chosen, school = listed
    police, crime = crime_from_police()
    make_agreement(police, [agency], [crime], ends_on=datetime.date(2026, 10, 31))
    sign_in_as(Role.ANALYST)
    page = client.get(reverse("matrix:target-list", args=[chosen.slug])).content.decode()
    assert "More deprived than 80% of England" in page and "46 arson crimes" not in page
    assert "not in force for your agency" in page
    export = client.get(reverse("matrix:export", args=[chosen.slug, "csv"])).content.decode()
    assert "More deprived" in export and "46 arson crimes" not in export
    profile = client.get(reverse("matrix:school", args=[school.urn])).content.decode()
    assert "46 arson crimes" not in profile and "Withheld: the sharing agreement" in profile


def test_the_agreement_in_force_shows_them(client, sign_in_as, agency, listed):
    chosen, _ = listed
    police, crime = crime_from_police()
    make_agreement(police, [agency], [crime])
    sign_in_as(Role.ANALYST)
    assert "46 arson crimes" in client.get(reverse("matrix:target-list", args=[chosen.slug])).content.decode()


def test_sensitive_evidence_asks_why_then_audits_each_view_and_export(client, sign_in_as, agency, listed):
    chosen, _ = listed
    police, crime = crime_from_police(classification="OFFICIAL-SENSITIVE")
    make_agreement(police, [agency], [crime], sensitive_roles=[Role.ANALYST])
    analyst = sign_in_as(Role.ANALYST)
    url = reverse("matrix:target-list", args=[chosen.slug])
    asked = client.get(url)
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("governance:reason"))
    client.post(reverse("governance:reason"), {"reason": "Planning the MACE meeting", "next": url})
    assert "46 arson crimes" in client.get(url).content.decode()
    client.get(reverse("matrix:export", args=[chosen.slug, "csv"]))
    events = AuditEvent.objects.filter(action__startswith="sensitive.").order_by("at")
    assert [(e.action, e.user, e.detail["reason"]) for e in events] == [
        ("sensitive.view", analyst, "Planning the MACE meeting"),
        ("sensitive.export", analyst, "Planning the MACE meeting")]
    assert events[0].detail["datasets"] == [f"{crime.pk}: {crime.name}"]
