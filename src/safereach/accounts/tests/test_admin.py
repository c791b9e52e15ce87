"""The Django admin is for administrators, and every model can be found in it."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from safereach.accounts.models import Role, User
from safereach.accounts.tests.factories import make_user
from safereach.areas.tests.factories import make_area
from safereach.evidence.tests.factories import make_dataset, make_incident, make_notice, make_place
from safereach.schools.tests.factories import make_school
from safereach.workforce.tests.factories import make_officer, make_station

pytestmark = pytest.mark.django_db
SAFEREACH_APPS = ["accounts", "areas", "schools", "evidence", "workforce"]
# Schools' safeguarding concerns are for their named recipients only, administrators included.
KEPT_OUT = {"schools.Concern"}


def safereach_models():
    return [m for label in SAFEREACH_APPS for m in apps.get_app_config(label).get_models()
            if m._meta.label not in KEPT_OUT]


def test_concerns_are_kept_out_of_the_admin():
    assert not any(admin.site.is_registered(apps.get_model(label)) for label in KEPT_OUT)


def test_every_safereach_model_is_in_the_admin():
    missing = [m._meta.label for m in safereach_models() if not admin.site.is_registered(m)]

    assert missing == []


def test_an_administrator_who_is_not_a_superuser_can_see_every_list(client, agency):
    # One row of each, so list columns and filters are rendered, not just an empty table.
    dataset = make_dataset()
    make_area()
    make_school(lsoa=make_area())
    make_incident(dataset, lsoa=make_area())
    make_place(dataset)
    make_notice(dataset)
    make_officer(agency, base=make_station())
    client.force_login(make_user(Role.ADMINISTRATOR, agency=agency))

    for model in safereach_models():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        first = model.objects.first()
        if first is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            assert client.get(change).status_code == 200, change


@pytest.mark.parametrize("role", [Role.ANALYST, Role.COORDINATOR, Role.OFFICER, Role.PARTNER])
def test_other_roles_are_kept_out_of_the_admin(client, role):
    client.force_login(make_user(role))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_loaded_evidence_cannot_be_edited_by_hand(client):
    dataset = make_dataset()
    incident = make_incident(dataset)
    client.force_login(make_user(Role.ADMINISTRATOR))

    change = reverse("admin:evidence_incident_change", args=[incident.pk])
    response = client.post(change, {"category": "Something else"})

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.category == "Criminal damage and arson"
    assert client.get(reverse("admin:evidence_incident_add")).status_code == 403


def test_administrator_creates_a_user_with_roles_ticked(client, agency):
    client.force_login(make_user(Role.ADMINISTRATOR))

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.analyst@example.org",
            "first_name": "Nia",
            "last_name": "Evans",
            "agency": agency.pk,
            "roles": [Role.ANALYST, Role.PARTNER],
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new.analyst@example.org")
    assert user.roles == [Role.ANALYST, Role.PARTNER]
    assert user.agency == agency
    assert not user.is_staff  # no administrator role, so no admin access
    assert user.check_password("a-long-enough-passphrase")


def test_users_can_be_filtered_by_role(client):
    make_user(Role.OFFICER, email="officer@example.org")
    make_user(Role.ANALYST, Role.OFFICER, email="both@example.org")
    make_user(Role.ANALYST, email="analyst@example.org")
    client.force_login(make_user(Role.ADMINISTRATOR, email="admin@example.org"))

    response = client.get(reverse("admin:accounts_user_changelist"), {"role": Role.OFFICER})

    shown = sorted(u.email for u in response.context["cl"].result_list)
    assert shown == ["both@example.org", "officer@example.org"]


def test_giving_the_administrator_role_opens_the_admin(client):
    analyst = make_user(Role.ANALYST, email="ana@example.org")
    client.force_login(make_user(Role.ADMINISTRATOR))

    response = client.post(
        reverse("admin:accounts_user_change", args=[analyst.pk]),
        {
            "email": "ana@example.org",
            "first_name": "",
            "last_name": "",
            "agency": "",
            "roles": [Role.ANALYST, Role.ADMINISTRATOR],
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    analyst.refresh_from_db()
    assert analyst.roles == [Role.ANALYST, Role.ADMINISTRATOR]
    assert analyst.is_staff
