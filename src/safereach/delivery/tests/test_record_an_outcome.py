"""An officer records what happened at a visit: delivered to so many pupils in each year group,
or not delivered and why; the week then says so; a change is kept and audited."""

import pytest
from django.urls import reverse

from safereach.accounts.models import AuditEvent
from safereach.delivery.models import VisitOutcome
from safereach.delivery.tests.factories import last_week, make_visit


@pytest.fixture
def visit(county):
    return make_visit(county, last_week())


def outcome_url(visit):
    return reverse("delivery:outcome", args=[visit.pk])


def week_url(visit):
    return reverse("week:officer", args=[visit.officer_id]) + f"?week={last_week().isoformat()}"


def answers(**extra):
    data = {"delivered": "yes", "pupils_3": "", "pupils_4": "", "pupils_5": "28", "pupils_6": ""}
    data.update(extra)
    return data


def test_the_form_asks_for_each_year_group_of_the_booking_and_the_session(client, county, visit):
    client.force_login(county["owen"].user)
    response = client.get(outcome_url(visit))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Record the outcome of the visit" in html and "Oakfield Primary School" in html
    for year in (3, 4, 5, 6):
        assert f'id="id_pupils_{year}"' in html and f">Year {year}</label>" in html
    assert 'id="id_pupils_7"' not in html


def test_the_officer_records_a_delivered_session(client, county, visit):
    owen = county["owen"]
    client.force_login(owen.user)
    response = client.post(
        outcome_url(visit),
        answers(
            pupils_6="2",
            school_feedback="The class loved the escape plans.",
            officer_notes="Bring more leaflets",
        ),
    )
    assert response.status_code == 302 and response.url == week_url(visit)
    outcome = VisitOutcome.objects.get(visit=visit)
    assert outcome.delivered and outcome.reason == ""
    assert outcome.pupils_by_year_group == {"Year 5": 28, "Year 6": 2}
    assert outcome.pupils_reached == 30
    assert outcome.school_feedback == "The class loved the escape plans."
    assert outcome.officer_notes == "Bring more leaflets"
    assert outcome.recorded_by == owen.user and outcome.recorded_at and outcome.updated_at
    event = AuditEvent.objects.get()
    assert event.action == "delivery.outcome.record" and event.user == owen.user
    assert event.detail["visit"] == visit.pk and event.detail["pupils_reached"] == 30

    week = client.get(response.url).content.decode()
    assert "Recorded the outcome of the visit to Oakfield Primary School" in week
    assert "Delivered to 30 pupils" in week and "Change the outcome" in week


def test_a_session_not_delivered_keeps_its_reason_and_no_pupils(client, county, visit):
    client.force_login(county["owen"].user)
    # Counts typed before choosing "No" are not kept: nobody was reached.
    client.post(
        outcome_url(visit), answers(delivered="no", reason="school_cancelled", reason_other="ignored")
    )
    outcome = VisitOutcome.objects.get(visit=visit)
    assert not outcome.delivered and outcome.reason == "school_cancelled" and outcome.reason_other == ""
    assert outcome.pupils_by_year_group == {} and outcome.pupils_reached == 0
    week = client.get(week_url(visit)).content.decode()
    assert "Not delivered: the school cancelled on the day" in week


def test_another_reason_is_told_in_the_officers_words(client, county, visit):
    client.force_login(county["owen"].user)
    client.post(
        outcome_url(visit), answers(delivered="no", reason="other", reason_other="Fire alarm went off")
    )
    outcome = VisitOutcome.objects.get(visit=visit)
    assert outcome.summary == "Not delivered: Fire alarm went off"


def test_changing_an_outcome_is_kept_and_audited(client, county, visit):
    owen, coordinator = county["owen"], county["coordinator"]
    client.force_login(owen.user)
    client.post(outcome_url(visit), answers(school_feedback="Good"))
    client.force_login(coordinator)
    form = client.get(outcome_url(visit))
    html = form.content.decode()
    assert "Change the outcome of the visit" in html
    assert 'name="pupils_5" type="text" inputmode="numeric" spellcheck="false" value="28"' in html
    assert 'value="yes" checked' in html and ">Good</textarea>" in html

    response = client.post(
        outcome_url(visit), answers(pupils_5="27", pupils_4="3", school_feedback="Very good")
    )
    assert response.status_code == 302
    outcome = VisitOutcome.objects.get(visit=visit)
    assert outcome.pupils_by_year_group == {"Year 4": 3, "Year 5": 27} and outcome.pupils_reached == 30
    assert outcome.recorded_by == owen.user  # who first recorded it; the audit log has who changed it
    change = AuditEvent.objects.filter(action="delivery.outcome.change").get()
    assert change.user == coordinator
    assert change.detail["changed"] == {
        "pupils_by_year_group": [{"Year 5": 28}, {"Year 4": 3, "Year 5": 27}],
        "pupils_reached": [28, 30],
        "school_feedback": "changed",
    }
    assert "Very good" not in str(change.detail)  # what the school wrote stays out of the audit log
    assert VisitOutcome.objects.count() == 1


def test_a_year_group_counted_before_is_still_asked_for(client, county, visit):
    client.force_login(county["owen"].user)
    VisitOutcome.objects.create(visit=visit, delivered=True, pupils_by_year_group={"Year 7": 12})
    html = client.get(outcome_url(visit)).content.decode()
    assert 'id="id_pupils_7"' in html and 'value="12"' in html
