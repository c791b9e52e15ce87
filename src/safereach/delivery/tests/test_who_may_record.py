"""Only the visit's officer and coordinators (or administrators) of the officer's agency may open
the outcome page; everyone else is turned away and nothing is saved."""

import pytest
from django.urls import reverse

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.delivery.models import VisitOutcome
from safereach.delivery.tests.factories import last_week, make_visit

ANSWERS = {"delivered": "yes", "pupils_5": "28"}


@pytest.fixture
def visit(county):
    return make_visit(county, last_week())


def url(visit):
    return reverse("delivery:outcome", args=[visit.pk])


@pytest.mark.parametrize("who", ["officer", "coordinator", "administrator"])
def test_the_officer_and_their_agencys_coordinators_and_administrators(client, county, visit, who):
    user = {
        "officer": county["owen"].user,
        "coordinator": county["coordinator"],
        "administrator": make_user(Role.ADMINISTRATOR, email="a@fire.example", agency=county["fire"]),
    }[who]
    client.force_login(user)
    assert client.get(url(visit)).status_code == 200
    assert client.post(url(visit), ANSWERS).status_code == 302
    assert VisitOutcome.objects.get(visit=visit).recorded_by == user


@pytest.mark.parametrize(
    "who",
    [
        "another officer of the agency",
        "a coordinator of another agency",
        "an analyst of the agency",
        "an administrator of no agency",
    ],
)
def test_anyone_else_is_refused(client, county, visit, who):
    user = {
        "another officer of the agency": make_user(
            Role.OFFICER, email="o@fire.example", agency=county["fire"]
        ),
        "a coordinator of another agency": make_user(
            Role.COORDINATOR, email="c@police.example", agency=county["police"]
        ),
        "an analyst of the agency": make_user(Role.ANALYST, email="an@fire.example", agency=county["fire"]),
        "an administrator of no agency": make_user(Role.ADMINISTRATOR, email="a@example.org"),
    }[who]
    client.force_login(user)
    assert client.get(url(visit)).status_code == 403
    assert client.post(url(visit), ANSWERS).status_code == 403
    assert not VisitOutcome.objects.exists()


def test_fatimas_visit_is_not_owens_to_record(client, county):
    theirs = make_visit(county, last_week(), officer=county["fatima"])
    client.force_login(county["owen"].user)
    assert client.get(url(theirs)).status_code == 403


def test_signed_out_visitors_are_asked_to_sign_in(client, visit):
    response = client.get(url(visit))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))


def test_a_visit_that_does_not_exist(client, county):
    client.force_login(county["owen"].user)
    assert client.get(reverse("delivery:outcome", args=[999999])).status_code == 404
