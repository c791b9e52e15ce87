"""A back-test runs as a background task: the run's row holds what was asked, how far the
back-test has got, and its figures or the reason it has none; its page shows the figures as the
back-test page always has, and its progress is served as JSON for the page's script."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.matrix import tasks, views
from safereach.matrix.models import Backtest, BacktestRun, Programme
from safereach.matrix.tasks import back_test

pytestmark = pytest.mark.django_db

ASKED = {"programme": "arson", "until": "2024-09", "horizon": "3", "origins": "6"}


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    # The back-test runs inside the request that asks for it, in the test's own transaction,
    # so the test reads what it wrote as soon as the page answers.
    settings.TASKS = {"default": settings.TASK_BACKENDS["immediate"]}


@pytest.fixture
def analyst(client, small_county):
    client.force_login(small_county["users"][Role.ANALYST])
    return client


def a_run(small_county, slug="arson", **extra) -> BacktestRun:
    values = dict(asked_by=small_county["users"][Role.ANALYST], programme=Programme.objects.get(slug=slug),
                  until=date(2024, 9, 1), horizon_months=3)
    values.update(extra)
    return BacktestRun.objects.create(**values)


def run_page(run) -> str:
    return reverse("matrix:backtest-run", args=[run.programme.slug, run.pk])


def progress_url(run) -> str:
    return reverse("matrix:backtest-progress", args=[run.programme.slug, run.pk])


def test_the_task_stores_the_figures_and_its_progress(small_county, monkeypatch):
    run = a_run(small_county)
    written = []
    record = BacktestRun.record_progress
    monkeypatch.setattr(BacktestRun, "record_progress",
                        lambda self, f, text: (written.append((f, text)), record(self, f, text)))

    back_test.enqueue(run.pk)

    run.refresh_from_db()
    assert run.state == BacktestRun.State.DONE and run.error == ""
    assert run.progress == 1.0 and run.progress_text == "Results ready"
    assert run.started_at <= run.finished_at
    assert run.result["incidents_after"] == 56 and run.result["until"] == "2024-09"
    assert run.result["origins_used"] == 6
    # The figures are kept with the earlier back-tests too.
    assert run.backtest == Backtest.objects.get() and run.backtest.result == run.result
    assert run.backtest.ran_by == "analyst@example.org"
    assert [text for _, text in written] == [
        "Reading the schools, areas and incidents loaded",
        *(f"Building the list from data up to 2024-{m:02d} ({m - 3} of 6)" for m in range(4, 10)),
        "Comparing the rankings with what happened",
    ]
    fractions = [f for f, _ in written]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] < 1


def test_asking_on_the_page_runs_it_and_shows_the_figures(analyst):
    response = analyst.post("/matrix/arson/backtest/", ASKED)

    run = BacktestRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run_page(run)
    page = analyst.get(run_page(run))
    html = page.content.decode()
    assert page.context["result"]["incidents_after"] == 56
    assert "Rankings compared, averaged over the origins" in html
    assert "Last period&#x27;s count alone" in html and "The ceiling" in html
    assert "What the figures mean" in html and "Top-decile precision" in html
    assert "6 origins from 2024-04 to 2024-09" in html
    assert "run-progress.js" not in html  # nothing left to wait for
    # The form is filled in as it was asked, to change and run again.
    assert page.context["form"].initial == {"programme": "arson", "until": "2024-09", "horizon": 3,
                                            "origins": 6}

    # Back on the programme's page, the run is among those kept, with a link to it.
    analyst.post("/matrix/arson/backtest/", {**ASKED, "until": "2024-08", "horizon": "2"})
    page = analyst.get("/matrix/arson/backtest/")
    assert [r.until.month for r in page.context["earlier"]] == [8, 9]
    assert run_page(run) in page.content.decode()
    assert page.context["form"].initial["until"] == "2024-08"


def test_another_programme_chosen_on_the_form_is_the_one_tested(analyst):
    response = analyst.post("/matrix/arson/backtest/", {**ASKED, "programme": "asb"})

    run = BacktestRun.objects.get()
    assert run.programme.slug == "asb"
    assert response["Location"] == f"/matrix/asb/backtest/{run.pk}/"
    # A run is found under its own programme only.
    assert analyst.get(f"/matrix/arson/backtest/{run.pk}/").status_code == 404
    assert analyst.get(f"/matrix/arson/backtest/{run.pk}/progress/").status_code == 404


def test_a_failure_is_recorded_and_shown(analyst, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the incidents table is locked")

    monkeypatch.setattr(tasks, "run_backtest", broken)

    page = analyst.post("/matrix/arson/backtest/", ASKED, follow=True)

    run = BacktestRun.objects.get()
    assert run.state == BacktestRun.State.FAILED and run.finished_at is not None
    assert run.error == "The back-test stopped with an error: the incidents table is locked."
    html = page.content.decode()
    assert "The back-test could not run: Arson" in html  # the title
    assert "The back-test stopped with an error: the incidents table is locked." in html
    assert "Run the back-test" in html and not Backtest.objects.exists()
    progress = analyst.get(progress_url(run)).json()
    assert progress["finished"] and progress["state"] == "failed" and "is locked" in progress["error"]


def test_data_that_cannot_be_tested_is_said_plainly(analyst, monkeypatch):
    def no_schools(*args, **kwargs):
        raise ValueError("No schools with a location are loaded")

    monkeypatch.setattr(tasks, "run_backtest", no_schools)
    analyst.post("/matrix/arson/backtest/", ASKED)

    error = BacktestRun.objects.get().error
    assert error == "The back-test could not run: no schools with a location are loaded."


def test_a_task_system_that_refuses_fails_the_run(analyst, monkeypatch):
    class Refusing:
        def enqueue(self, *args):
            raise RuntimeError("no such table: django_tasks_database_dbtaskresult")

    monkeypatch.setattr(views, "back_test", Refusing())
    analyst.post("/matrix/arson/backtest/", ASKED)

    run = BacktestRun.objects.get()
    assert run.state == BacktestRun.State.FAILED
    assert run.error.startswith("The back-test could not be started: no such table")


def test_a_run_that_stopped_or_never_started_is_given_up_on(analyst, small_county):
    long_ago = timezone.now() - timedelta(hours=2)
    stopped = a_run(small_county, state=BacktestRun.State.RUNNING, started_at=long_ago)
    BacktestRun.objects.filter(pk=stopped.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    never = a_run(small_county)
    BacktestRun.objects.filter(pk=never.pk).update(created_at=long_ago)
    # Started long ago but still writing its progress: still going.
    still_going = a_run(small_county, state=BacktestRun.State.RUNNING, started_at=long_ago)

    page = analyst.get(run_page(stopped)).content.decode()
    assert "The back-test stopped without finishing" in page
    stopped.refresh_from_db()
    assert stopped.state == BacktestRun.State.FAILED

    progress = analyst.get(progress_url(never)).json()
    assert progress["state"] == "failed" and "never started" in progress["error"]
    # If its task turns up after all, it finds the run given up on and does nothing.
    assert back_test.enqueue(never.pk).return_value == "failed"

    progress = analyst.get(progress_url(still_going)).json()
    assert progress["state"] == "running" and not progress["finished"]
    # One that looked stopped when the page read it, but whose task has reported since, goes on.
    reported = a_run(small_county, state=BacktestRun.State.RUNNING, started_at=long_ago)
    as_read = BacktestRun.objects.get(pk=reported.pk)
    as_read.updated_at = timezone.now() - timedelta(minutes=11)
    as_read.give_up_if_stalled()
    reported.refresh_from_db()
    assert reported.state == BacktestRun.State.RUNNING
    reported.finish(result={})
    # The programme's page lists the run still going, and only that one.
    page = analyst.get("/matrix/arson/backtest/")
    assert page.context["under_way"] == [still_going]
    assert run_page(still_going) in page.content.decode()


def test_progress_as_json(analyst, small_county):
    run = a_run(small_county)
    url = progress_url(run)

    waiting = analyst.get(url)
    assert waiting["Content-Type"] == "application/json" and waiting["Cache-Control"] == "no-store"
    assert waiting.json() == {
        "state": "waiting",
        "state_label": "Waiting to start",
        "finished": False,
        "progress": 0.0,
        "percent": 0,
        "text": "",
        "error": "",
        "url": run_page(run),
    }

    assert run.start()
    run.record_progress(0.4, "Building the list from data up to 2024-09")
    running = analyst.get(url).json()
    assert running["state"] == "running" and running["state_label"] == "Running"
    assert running["percent"] == 40 and running["text"] == "Building the list from data up to 2024-09"

    page = analyst.get(run_page(run)).content.decode()
    assert 'data-progress-url="' + url + '"' in page and 'value="40"' in page
    assert "Building the list from data up to 2024-09" in page and "check progress again" in page
    assert "/static/core/run-progress.js" in page and "Rankings compared" not in page

    run.finish(result={"rankings": {}})
    assert analyst.get(url).json()["finished"] is True

    analyst.logout()
    assert analyst.get(url).status_code == 302  # to sign in


def test_who_may_ask_for_and_see_a_back_test(client, small_county):
    users = small_county["users"]
    arson, knife = a_run(small_county), a_run(small_county, slug="knife-crime")
    pages = [lambda run: f"/matrix/{run.programme.slug}/backtest/", run_page, progress_url]

    assert all(client.get(page(arson)).status_code == 302 for page in pages)  # sign in first
    client.force_login(users[Role.OFFICER])
    assert all(client.get(page(arson)).status_code == 403 for page in pages)
    assert client.post("/matrix/arson/backtest/", ASKED).status_code == 403
    client.force_login(users[Role.COORDINATOR])
    assert all(client.get(page(arson)).status_code == 200 for page in pages)
    # A partner sees the back-tests of the programmes its agency delivers, and nothing else.
    client.force_login(users[Role.PARTNER])
    assert all(client.get(page(knife)).status_code == 200 for page in pages)
    assert all(client.get(page(arson)).status_code == 403 for page in pages)
    assert client.post("/matrix/arson/backtest/", ASKED).status_code == 403
    # Nor can it ask for one of another programme through its own programme's form.
    refused = client.post("/matrix/knife-crime/backtest/", ASKED)
    assert refused.status_code == 400 and "Choose a programme from the list" in refused.content.decode()
    assert BacktestRun.objects.count() == 2


@pytest.mark.parametrize("change, message", [
    ({"programme": "fire-dancing"}, "Choose a programme from the list"),
    ({"programme": ""}, "Choose a programme"),
    ({"until": "Sept"}, "Enter a month as YYYY-MM, for example 2018-12"),
    ({"until": "2024-13"}, "Enter a month as YYYY-MM, for example 2018-12"),
    ({"until": "0000-05"}, "Enter a real month, for example 2018-12"),
    ({"until": ""}, "Enter the month to build the list up to"),
    ({"horizon": "0"}, "Look ahead at least 1 month"),
    ({"horizon": "25"}, "Look ahead at most 24 months"),
    ({"horizon": "three"}, "Months to look ahead must be a whole number"),
    ({"origins": "0"}, "Forecast from at least 1 month"),
    ({"origins": "25"}, "Forecast from at most 24 months"),
    ({"origins": "six"}, "How many months to forecast from must be a whole number"),
    ({"origins": ""}, "Enter how many months to forecast from"),
])
def test_bad_input_is_explained_and_runs_nothing(analyst, change, message):
    response = analyst.post("/matrix/arson/backtest/", {**ASKED, **change})

    html = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in html and message in html
    assert "<title>Error: " in html
    assert not BacktestRun.objects.exists() and not Backtest.objects.exists()


def test_a_month_not_yet_over_cannot_be_built_up_to(analyst):
    this_month = f"{timezone.localdate():%Y-%m}"

    response = analyst.post("/matrix/arson/backtest/", {**ASKED, "until": this_month})

    assert response.status_code == 400 and "The month must be before this one" in response.content.decode()
    assert not BacktestRun.objects.exists()
