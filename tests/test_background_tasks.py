"""SAFEREACH_TASKS picks where background tasks run, and the embedded default runs each task
in a thread of the web process, so a term plan asked for on a page goes on after the page has
answered."""

import json
import os
import subprocess
import sys
import threading
from datetime import date

import pytest
from django.urls import reverse
from django_tasks import TaskResultStatus, task

from safereach.core.background import ThreadBackend, wait_for_background_tasks

PROBE = "import json; from safereach import settings; print(json.dumps(settings.TASKS))"


def tasks_setting(**env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SAFEREACH_")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, timeout=60, check=False
    )


def backend(**env: str) -> str:
    result = tasks_setting(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["default"]["BACKEND"]


def test_tasks_run_in_a_thread_of_the_web_process_by_default():
    assert backend() == "safereach.core.background.ThreadBackend"


def test_production_queues_tasks_in_the_database_for_workers():
    assert backend(SAFEREACH_TASKS="database") == "django_tasks_db.DatabaseBackend"
    assert backend(SAFEREACH_TASKS="immediate") == "django_tasks.backends.immediate.ImmediateBackend"


def test_an_unknown_choice_is_refused():
    result = tasks_setting(SAFEREACH_TASKS="celery")
    assert (
        result.returncode != 0
        and "SAFEREACH_TASKS must be one of thread, database, immediate" in result.stderr
    )


# Tasks must be module-level functions.
ran_in = []


@task()
def note_the_thread(word: str) -> str:
    ran_in.append(threading.current_thread().name)
    return word.upper()


@task()
def break_down() -> None:
    raise ValueError("no such school")


@pytest.fixture
def thread_backend(settings):
    settings.TASKS = {"default": settings.TASK_BACKENDS["thread"]}
    yield
    wait_for_background_tasks()


def test_a_task_runs_in_its_own_thread_and_the_caller_does_not_wait(thread_backend):
    result = note_the_thread.enqueue("hello")

    assert isinstance(note_the_thread.get_backend(), ThreadBackend)
    wait_for_background_tasks()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "HELLO"
    assert result.started_at and result.finished_at and len(result.worker_ids) == 1
    assert ran_in[-1] == "task note_the_thread" != threading.current_thread().name


def test_a_failing_task_is_recorded_as_failed(thread_backend):
    result = break_down.enqueue()

    wait_for_background_tasks()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is ValueError and "no such school" in result.errors[0].traceback


@pytest.mark.django_db(transaction=True)
def test_a_term_plan_runs_in_the_background(client, thread_backend, settings):
    from safereach.bookings.tests.factories import make_county, quiet_monday
    from safereach.planning.models import PlanRun
    from safereach.planning.tests.test_term_plan_page import ask, form

    county = make_county()
    monday = quiet_monday()
    ask(county, county["school"], county["home_fire"], monday)
    client.force_login(county["coordinator"])

    response = client.post(reverse("planning:term-plan"), form(monday, seconds="2"))

    run = PlanRun.objects.get()
    assert response["Location"] == reverse("planning:term-plan-run", args=[run.pk])
    wait_for_background_tasks()
    run.refresh_from_db()
    assert run.state == PlanRun.State.DONE, run.error
    assert run.plan["visits_planned"] == 1 and run.progress == 1.0


@pytest.mark.django_db(transaction=True)  # as a task's thread: outside any transaction
def test_a_run_that_meets_a_locked_database_waits_and_goes_on(monkeypatch):
    """SQLite answers "database table is locked" when another thread holds the table: the run's
    writes wait and try again, so the task neither fails nor leaves its page waiting for ever."""
    from django.db import OperationalError
    from django.db.models.query import QuerySet

    from safereach.planning.models import PlanRun

    run = PlanRun.objects.create(first_day=date(2027, 1, 4), last_day=date(2027, 1, 8), seconds=1)
    real_update, refusals = QuerySet.update, []

    def busy_at_first(queryset, **values):
        if queryset.model is PlanRun and len(refusals) < 3:
            refusals.append(values)
            raise OperationalError("database table is locked: planning_planrun")
        return real_update(queryset, **values)

    monkeypatch.setattr(QuerySet, "update", busy_at_first)

    assert run.start()
    run.record_progress(0.5, "Half way")
    run.finish(plan={"visits": []})

    run.refresh_from_db()
    assert len(refusals) == 3 and run.state == PlanRun.State.DONE and run.plan == {"visits": []}


def test_other_database_errors_are_not_retried():
    from django.db import OperationalError

    from safereach.core.database import when_unlocked

    calls = []

    def broken():
        calls.append(1)
        raise OperationalError("no such table: planning_planrun")

    with pytest.raises(OperationalError):
        when_unlocked(broken)
    assert calls == [1]


def test_a_lock_held_a_long_while_is_waited_out_until_the_deadline(monkeypatch):
    """The wait is bounded by time, not by a count of tries: a lock held for a minute on a busy
    machine (thousands of tries) is waited out; one held past the deadline is reported."""
    from django.db import OperationalError

    from safereach.core import database

    clock = [0.0]
    monkeypatch.setattr(database.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(database.time, "sleep", lambda seconds: clock.__setitem__(0, clock[0] + seconds))

    def locked_until(moment):
        def work():
            if clock[0] < moment:
                raise OperationalError("database table is locked: planning_planrun")
            return "written"

        return work

    assert database.when_unlocked(locked_until(60.0)) == "written"
    clock[0] = 0.0
    with pytest.raises(OperationalError, match="locked"):
        database.when_unlocked(locked_until(10_000.0), patience=120.0)
    assert 120.0 <= clock[0] < 121.0
