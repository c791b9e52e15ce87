"""Bad answers on the outcome page: a GOV.UK error summary linking to the field, what was typed
kept, and nothing saved or audited, whether the outcome is new or being changed."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from safereach.accounts.models import AuditEvent
from safereach.delivery.models import VisitOutcome
from safereach.delivery.tests.factories import last_week, make_visit

BAD = [
    pytest.param(
        {"pupils_5": "-3"}, "pupils_5", "The number of pupils in Year 5 must be 0 or more", id="negative"
    ),
    pytest.param(
        {"pupils_5": "twenty"},
        "pupils_5",
        "Enter the number of pupils in Year 5 as a whole number, like 28",
        id="not-a-number",
    ),
    pytest.param(
        {"pupils_5": "2.5"},
        "pupils_5",
        "Enter the number of pupils in Year 5 as a whole number, like 28",
        id="not-whole",
    ),
    pytest.param(
        {"pupils_5": "501"}, "pupils_5", "The number of pupils in Year 5 must be 500 or fewer", id="too-many"
    ),
    pytest.param(
        {"pupils_5": "9" * 5000},
        "pupils_5",
        "The number of pupils in Year 5 must be 500 or fewer",
        id="thousands-of-digits",
    ),
    pytest.param(
        {"pupils_5": "", "pupils_6": "0"},
        "pupils_3",
        "Enter the number of pupils reached in at least one year group",
        id="delivered-to-nobody",
    ),
    pytest.param({"delivered": "no"}, "reason_0", "Select why the session was not delivered", id="no-reason"),
    pytest.param(
        {"delivered": "no", "reason": "other", "reason_other": "  "},
        "reason_other",
        "Enter what happened",
        id="another-reason-untold",
    ),
    pytest.param({"delivered": ""}, "delivered_0", "Select yes if the session was delivered", id="no-answer"),
    pytest.param(
        {"delivered": "maybe"}, "delivered_0", "Select yes if the session was delivered", id="made-up-answer"
    ),
]


@pytest.fixture
def visit(county):
    return make_visit(county, last_week())


def post(client, visit, changes):
    data = {"delivered": "yes", "pupils_5": "28", "school_feedback": "Typed feedback", **changes}
    return client.post(reverse("delivery:outcome", args=[visit.pk]), data)


def assert_error_page(response, field, message):
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    start = html.index('class="govuk-error-summary"')
    summary = html[start : html.index("</ul>", start)]
    assert f'<a href="#id_{field}">{message}</a>' in summary
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
    assert "Typed feedback</textarea>" in html


@pytest.mark.parametrize("changes, field, message", BAD)
def test_a_new_outcome_is_not_saved(client, county, visit, changes, field, message):
    client.force_login(county["owen"].user)
    response = post(client, visit, changes)
    assert_error_page(response, field, message)
    typed = changes.get("pupils_5")
    if typed and len(typed) < 100:
        assert f'value="{typed}"' in response.content.decode()
    assert not VisitOutcome.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("changes, field, message", BAD)
def test_a_recorded_outcome_is_not_changed(client, county, visit, changes, field, message):
    client.force_login(county["owen"].user)
    before = VisitOutcome.objects.create(
        visit=visit, delivered=True, pupils_by_year_group={"Year 5": 30}, school_feedback="Kept"
    )
    response = post(client, visit, changes)
    assert_error_page(response, field, message)
    after = VisitOutcome.objects.get()
    assert (after.delivered, after.pupils_by_year_group, after.school_feedback, after.updated_at) == (
        True,
        {"Year 5": 30},
        "Kept",
        before.updated_at,
    )
    assert not AuditEvent.objects.exists()


def test_a_made_up_reason_is_refused(client, county, visit):
    client.force_login(county["owen"].user)
    response = post(client, visit, {"delivered": "no", "reason": "aliens"})
    assert_error_page(response, "reason_0", "Select why the session was not delivered")
    assert not VisitOutcome.objects.exists()


def test_the_database_refuses_an_outcome_that_contradicts_itself(county, visit):
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitOutcome.objects.create(visit=visit, delivered=True, pupils_by_year_group={})
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitOutcome.objects.create(visit=visit, delivered=False, reason="")


def test_pupils_delivered_cannot_be_more_than_the_session_takes(client, county, visit):
    client.force_login(county["owen"].user)
    response = post(client, visit, {"pupils_5": "460"})
    assert_error_page(
        response,
        "pupils_5",
        "The session is for a group of up to 30 pupils: the numbers add up to 460. "
        "Enter the pupils who took part in this visit",
    )
    assert 'value="460"' in response.content.decode()
    assert not VisitOutcome.objects.exists() and not AuditEvent.objects.exists()
    assert post(client, visit, {"pupils_5": "30"}).status_code == 302
