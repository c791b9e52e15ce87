"""Runs of the term planner can be read in the admin by administrators, and changed by no one
there: the term plan page and the planner's task own them."""

from datetime import timedelta

from django.urls import reverse

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.tests.factories import quiet_monday
from safereach.planning.models import PlanRun


def a_run(county) -> PlanRun:
    monday = quiet_monday()
    run = PlanRun.objects.create(
        asked_by=county["coordinator"],
        agency=county["fire"],
        first_day=monday,
        last_day=monday + timedelta(days=11),
        seconds=20,
    )
    run.start()
    run.record_progress(0.4, "Planning week 2 of 5")
    return run


def test_administrators_read_the_runs(client, county):
    run = a_run(county)
    client.force_login(make_user(Role.ADMINISTRATOR))
    listing = client.get(reverse("admin:planning_planrun_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    for shown in ("Testshire Fire and Rescue Service", "coordinator@fire.example", "Planning", "40%"):
        assert shown in html, shown
    change = client.get(reverse("admin:planning_planrun_change", args=[run.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()


def test_no_one_adds_changes_or_deletes_a_run_there(client, county):
    run = a_run(county)
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get(reverse("admin:planning_planrun_add")).status_code == 403
    change = reverse("admin:planning_planrun_change", args=[run.pk])
    assert client.post(change, {"seconds": "5", "state": "failed"}).status_code == 403
    assert (
        client.post(reverse("admin:planning_planrun_delete", args=[run.pk]), {"post": "yes"}).status_code
        == 403
    )
    run.refresh_from_db()
    assert (run.seconds, run.state) == (20, PlanRun.State.RUNNING)


def test_coordinators_are_kept_out(client, county):
    a_run(county)
    client.force_login(county["coordinator"])
    response = client.get(reverse("admin:planning_planrun_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
