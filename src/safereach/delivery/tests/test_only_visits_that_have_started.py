"""An outcome is recorded from the day of the visit on, and only for a visit that is still held
or confirmed; the officer's week offers the link exactly then."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safereach.bookings.models import Visit
from safereach.delivery.models import VisitOutcome, can_be_recorded
from safereach.delivery.tests.factories import last_week, make_visit

ANSWERS = {"delivered": "yes", "pupils_5": "28"}


def url(visit):
    return reverse("delivery:outcome", args=[visit.pk])


def test_a_future_visit_says_it_cannot_be_recorded_yet(client, county):
    future = make_visit(county, timezone.localdate() + timedelta(days=1))
    client.force_login(county["owen"].user)
    response = client.get(url(future))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The outcome cannot be recorded yet" in html and "from that day on" in html
    assert "<form" not in html.split("<main", 1)[1]
    assert client.post(url(future), ANSWERS).status_code == 409
    assert not VisitOutcome.objects.exists()


def test_a_visit_today_can_be_recorded_even_before_it_starts(client, county):
    # 23:00 today is later than now (except in the last hour of the day, when it is still today).
    today = make_visit(county, timezone.localdate(), hour=23)
    assert can_be_recorded(today)
    client.force_login(county["owen"].user)
    assert client.post(url(today), ANSWERS).status_code == 302


@pytest.mark.parametrize("status", [Visit.Status.CANCELLED, Visit.Status.RELEASED])
def test_a_visit_that_did_not_go_ahead_has_no_outcome(client, county, status):
    gone = make_visit(county, last_week(), status=status)
    client.force_login(county["owen"].user)
    assert "There is no outcome to record" in client.get(url(gone)).content.decode()
    assert client.post(url(gone), ANSWERS).status_code == 409
    assert not VisitOutcome.objects.exists()


@pytest.mark.parametrize("status", [Visit.Status.HELD, Visit.Status.CONFIRMED])
def test_held_and_confirmed_visits_that_have_started(county, status):
    assert can_be_recorded(make_visit(county, last_week(), status=status))


def test_the_week_links_only_to_visits_that_have_started(client, county):
    monday = last_week()
    past = make_visit(county, monday, hour=10)
    # A visit next week, shown on its own week's page: no link there.
    future_monday = monday + timedelta(days=14)
    future = make_visit(county, future_monday, hour=10)
    client.force_login(county["owen"].user)
    week = reverse("week:officer", args=[county["owen"].pk])
    html = client.get(week, {"week": monday.isoformat()}).content.decode()
    assert f'href="{url(past)}">Record the outcome' in html and "Not recorded yet" in html
    html = client.get(week, {"week": future_monday.isoformat()}).content.decode()
    assert url(future) not in html and "Record the outcome" not in html


def test_the_coordinator_sees_the_same_links_on_the_officers_week(client, county):
    past = make_visit(county, last_week())
    client.force_login(county["coordinator"])
    week = reverse("week:officer", args=[county["owen"].pk])
    html = client.get(week, {"week": last_week().isoformat()}).content.decode()
    assert f'href="{url(past)}">Record the outcome' in html
