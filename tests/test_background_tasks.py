"""SAFEREACH_TASKS picks where background tasks run, and the embedded default runs each task
in a thread of the web process, so a term plan asked for on a page goes on after the page has
answered."""

import json
import os
import subprocess
import sys
import threading

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

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    county = make_county()
    monday = quiet_monday()
    ask(county, county["school"], county["home_fire"], monday)
    client.force_login(county["coordinator"])

    response = client.post(reverse("planning:term-plan"), form(monday, seconds="2"))

    run = PlanRun.objects.get()
    assert response["Location"] == reverse("planning:term-plan-run", args=[run.pk])
    # The page answered before the two seconds of planning were up.
    assert run.state in (PlanRun.State.WAITING, PlanRun.State.RUNNING)
    wait_for_background_tasks()
    run.refresh_from_db()
    assert run.state == PlanRun.State.DONE, run.error
    assert run.plan["visits_planned"] == 1 and run.progress == 1.0
