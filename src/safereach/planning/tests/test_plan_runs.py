"""A term plan runs as a background task: the run's row holds what was asked, how far the
planner has got, and the plan or the reason it failed; only the coordinator's own agency sees
it; its progress is served as JSON for the page's script."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.models import Booking
from safereach.bookings.tests.factories import quiet_monday
from safereach.planning import tasks
from safereach.planning.models import PlanRun
from safereach.planning.tasks import ProgressWriter, plan_the_term
from safereach.planning.tests.test_term_plan_page import ask, form


def a_run(county, monday, **extra) -> PlanRun:
    values = dict(
        asked_by=county["coordinator"],
        agency=county["fire"],
        first_day=monday,
        last_day=monday + timedelta(days=11),
        seconds=1,
    )
    values.update(extra)
    return PlanRun.objects.create(**values)


def test_the_task_stores_the_plan_and_its_progress(county, monkeypatch):
    monday = quiet_monday()
    a = ask(county, county["school"], county["home_fire"], monday)
    ask(county, county["other"], county["hoax"], monday + timedelta(days=7), part_of_day="morning")
    run = a_run(county, monday)
    written = []
    record = PlanRun.record_progress
    monkeypatch.setattr(
        PlanRun, "record_progress", lambda self, f, text: (written.append((f, text)), record(self, f, text))
    )

    plan_the_term.enqueue(run.pk)

    run.refresh_from_db()
    assert run.state == PlanRun.State.DONE and run.error == ""
    assert run.progress == 1.0 and run.progress_text == "Plan ready"
    assert run.started_at <= run.finished_at
    assert run.plan["visits_planned"] == 2 and run.plan["term"][0] == monday.isoformat()
    assert {v["request"].split(":")[0] for v in run.plan["visits"]} >= {str(a.pk)}
    assert written[0] == (0.0, "Reading the open requests, the officers' diaries and travel times")
    assert written[-1] == (1.0, "Planning 2 weeks of visits")
    fractions = [f for f, _ in written]
    assert fractions == sorted(fractions) and len(fractions) >= 2


def test_progress_is_written_at_most_twice_a_second():
    class Run:
        writes = []

        def record_progress(self, fraction, text):
            self.writes.append((fraction, text))

    now = [0.0]
    writer = ProgressWriter(Run(), weeks=4, clock=lambda: now[0])
    for at, fraction in [(0.0, 0.25), (0.2, 0.5), (0.6, 0.75), (0.7, 1.0)]:
        now[0] = at
        writer(fraction)

    # 0.5 came too soon after 0.25; the end is always written.
    assert Run.writes == [
        (0.25, "Planning 4 weeks of visits"),
        (0.75, "Planning 4 weeks of visits"),
        (1.0, "Planning 4 weeks of visits"),
    ]
    assert ProgressWriter(Run(), weeks=1).text == "Planning 1 week of visits"


def test_a_failure_is_recorded_and_shown(client, county, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the travel-time server did not answer")

    monkeypatch.setattr(tasks, "make_plan", broken)
    client.force_login(county["coordinator"])

    response = client.post(reverse("planning:term-plan"), form(quiet_monday()), follow=True)

    run = PlanRun.objects.get()
    assert run.state == PlanRun.State.FAILED and run.finished_at is not None
    assert run.error == "The planner stopped with an error: the travel-time server did not answer."
    html = response.content.decode()
    assert "The plan could not be made" in html
    assert "The planner stopped with an error: the travel-time server did not answer." in html
    assert "Nothing has been booked" in html and "Plan the term again" in html
    progress = client.get(reverse("planning:term-plan-progress", args=[run.pk])).json()
    assert progress["finished"] and progress["state"] == "failed" and "did not answer" in progress["error"]


def test_a_run_that_stopped_or_never_started_is_given_up_on(client, county):
    client.force_login(county["coordinator"])
    monday = quiet_monday()
    long_ago = timezone.now() - timedelta(hours=2)
    stopped = a_run(county, monday, seconds=60, state=PlanRun.State.RUNNING, started_at=long_ago)
    never = a_run(county, monday)
    PlanRun.objects.filter(pk=never.pk).update(created_at=long_ago)
    still_going = a_run(county, monday, seconds=60, state=PlanRun.State.RUNNING, started_at=timezone.now())

    page = client.get(reverse("planning:term-plan-run", args=[stopped.pk])).content.decode()
    assert "The planner stopped without finishing" in page
    stopped.refresh_from_db()
    assert stopped.state == PlanRun.State.FAILED

    progress = client.get(reverse("planning:term-plan-progress", args=[never.pk])).json()
    assert progress["state"] == "failed" and "never started" in progress["error"]
    # If its task turns up after all, it finds the run given up on and does nothing.
    assert plan_the_term.enqueue(never.pk).return_value == "failed"

    progress = client.get(reverse("planning:term-plan-progress", args=[still_going.pk])).json()
    assert progress["state"] == "running" and not progress["finished"]


def test_progress_as_json(client, county):
    client.force_login(county["coordinator"])
    run = a_run(county, quiet_monday(), seconds=100)
    url = reverse("planning:term-plan-progress", args=[run.pk])

    waiting = client.get(url)
    assert waiting["Content-Type"] == "application/json" and waiting["Cache-Control"] == "no-store"
    assert waiting.json() == {
        "state": "waiting",
        "state_label": "Waiting to start",
        "finished": False,
        "progress": 0.0,
        "percent": 0,
        "text": "",
        "seconds_left": None,
        "error": "",
        "url": reverse("planning:term-plan-run", args=[run.pk]),
    }

    # The clock stands still from the start to the answer: seconds left is exact, however long
    # a busy machine takes over the request.
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert run.start()
        run.record_progress(0.25, "Planning 4 weeks of visits")
        running = client.get(url).json()
        assert running["state"] == "running" and running["state_label"] == "Planning"
        assert running["percent"] == 25 and running["text"] == "Planning 4 weeks of visits"
        assert running["seconds_left"] == 100
        clock.shift(timedelta(seconds=30))
        assert client.get(url).json()["seconds_left"] == 70

    page = client.get(reverse("planning:term-plan-run", args=[run.pk])).content.decode()
    assert 'data-progress-url="' + url + '"' in page and 'value="25"' in page
    assert "Planning 4 weeks of visits" in page and "check progress again" in page

    run.finish(plan={"visits": []})
    assert client.get(url).json()["finished"] is True

    client.logout()
    assert client.get(url).status_code == 302  # to sign in


@pytest.fixture
def police_coordinator(county):
    return make_user(Role.COORDINATOR, email="coordinator@police.example", agency=county["police"])


def test_another_agencys_runs_are_not_found(client, county, police_coordinator):
    monday = quiet_monday()
    ask(county, county["school"], county["home_fire"], monday)
    client.force_login(county["coordinator"])
    client.post(reverse("planning:term-plan"), form(monday))
    run = PlanRun.objects.get()
    assert run.state == PlanRun.State.DONE

    client.force_login(police_coordinator)
    assert client.get(reverse("planning:term-plan-run", args=[run.pk])).status_code == 404
    assert client.get(reverse("planning:term-plan-progress", args=[run.pk])).status_code == 404
    assert client.post(reverse("planning:term-plan-apply", args=[run.pk])).status_code == 404
    # Nor can it be the plan a new one starts from.
    assert client.post(reverse("planning:term-plan"), form(monday, previous=run.pk)).status_code == 404
    assert client.post(reverse("planning:term-plan"), form(monday, previous="x")).status_code == 404
    assert PlanRun.objects.count() == 1
    assert (
        reverse("planning:term-plan-run", args=[run.pk])
        not in client.get(reverse("planning:term-plan")).content.decode()
    )
    run.refresh_from_db()
    assert run.applied_at is None

    officer = make_user(Role.OFFICER, email="olive@fire.example", agency=county["fire"])
    client.force_login(officer)
    assert client.get(reverse("planning:term-plan-run", args=[run.pk])).status_code == 403

    administrator = make_user(Role.ADMINISTRATOR, email="admin@example.org", agency=county["police"])
    client.force_login(administrator)
    assert client.get(reverse("planning:term-plan-run", args=[run.pk])).status_code == 200


@pytest.mark.parametrize(
    "change, message",
    [
        ({"first_day": ""}, "Enter the first day to plan"),
        ({"last_day": "31/02/2027"}, "Enter the last day as a real date"),
        ({"seconds": "twenty"}, "Enter the seconds as a whole number, like 20"),
        ({"seconds": "0"}, "Plan for at least 1 second"),
        ({"seconds": "301"}, "Plan for at most 300 seconds"),
    ],
)
def test_bad_input_is_explained_and_plans_nothing(client, county, change, message):
    client.force_login(county["coordinator"])

    response = client.post(reverse("planning:term-plan"), {**form(quiet_monday()), **change})

    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html and message in html
    assert not PlanRun.objects.exists()


def test_the_seconds_asked_for_go_to_the_planner(client, county, monkeypatch):
    asked = {}

    def planner(first_day, last_day, **options):
        asked.update(options)
        raise RuntimeError("stop here")

    monkeypatch.setattr(tasks, "make_plan", planner)
    client.force_login(county["coordinator"])
    client.post(reverse("planning:term-plan"), form(quiet_monday(), seconds="240"))

    assert PlanRun.objects.get().seconds == 240 and asked["seconds"] == 240
    assert asked["agency_id"] == county["fire"].pk


def test_a_plan_is_applied_once(client, county):
    monday = quiet_monday()
    booking = ask(county, county["school"], county["home_fire"], monday)
    client.force_login(county["coordinator"])
    client.post(reverse("planning:term-plan"), form(monday))
    run = PlanRun.objects.get()

    client.post(reverse("planning:term-plan-apply", args=[run.pk]))
    again = client.post(reverse("planning:term-plan-apply", args=[run.pk]), follow=True).content.decode()

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.visits.count() == 1
    assert "This plan has already been applied" in again
    assert "Apply the plan and email the schools" not in again


def test_a_plan_not_ready_is_not_applied(client, county):
    client.force_login(county["coordinator"])
    run = a_run(county, quiet_monday())

    response = client.post(reverse("planning:term-plan-apply", args=[run.pk]), follow=True)

    assert "This plan is not ready to apply yet" in response.content.decode()
    run.refresh_from_db()
    assert run.applied_at is None and run.state == PlanRun.State.WAITING


def test_the_start_page_lists_recent_plans_and_asks_again_as_last_time(client, county):
    client.force_login(county["coordinator"])
    monday = quiet_monday()
    a_run(county, monday, seconds=45, state=PlanRun.State.FAILED, error="Broken")

    html = client.get(reverse("planning:term-plan")).content.decode()

    assert "Recent plans" in html and "Failed" in html
    assert 'name="seconds" type="number" value="45"' in html
    assert f'value="{monday.isoformat()}"' in html
