"""Periodic tasks: each turn is started by one caller however many processes tick, and the
ticker in a web process starts once and runs them."""

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import task

from safereach.core import periodic
from safereach.core.models import PeriodicTask

RAN = []


@task()
def note_a_turn() -> None:
    RAN.append(threading.current_thread().name)


@pytest.fixture
def only_our_task(monkeypatch):
    monkeypatch.setattr(periodic, "_registry", {})
    periodic.periodic(seconds=60)(note_a_turn)
    RAN.clear()
    yield note_a_turn.module_path
    RAN.clear()


@pytest.mark.django_db
def test_each_turn_is_started_once_by_whoever_asks_first(only_our_task):
    now = timezone.now()

    assert periodic.run_due(now) == [only_our_task]
    # Another process asking at the same moment, or a little later, finds the turn taken.
    assert periodic.run_due(now) == []
    assert periodic.run_due(now + timedelta(seconds=59)) == []
    assert periodic.run_due(now + timedelta(seconds=60)) == [only_our_task]

    assert len(RAN) == 2
    row = PeriodicTask.objects.get(name=only_our_task)
    assert row.every_seconds == 60 and row.next_due_at == now + timedelta(seconds=120)


@pytest.mark.django_db
def test_a_caller_that_read_the_old_turn_does_not_start_it_again(only_our_task):
    now = timezone.now()
    periodic.run_due(now)
    PeriodicTask.objects.update(next_due_at=now)  # due again…
    stale = PeriodicTask.objects.get()
    PeriodicTask.objects.filter(pk=stale.pk).update(next_due_at=now + timedelta(seconds=60))  # …and taken

    claimed = PeriodicTask.objects.filter(pk=stale.pk, next_due_at=stale.next_due_at).update(
        next_due_at=now + timedelta(seconds=60)
    )
    assert claimed == 0


@pytest.mark.django_db(transaction=True)
def test_the_ticker_starts_once_per_process_and_runs_what_is_due(only_our_task, settings):
    settings.SAFEREACH_PERIODIC = {"TICKER": True, "TICK_SECONDS": 0.05}
    served = []
    app = periodic.with_ticker(lambda environ, start_response: served.append(1) or [b""])
    try:
        app({}, None)
        first = periodic._ticker[1]
        app({}, None)
        assert periodic._ticker[1] is first and len(served) == 2
        deadline = time.monotonic() + 180  # generous for a busy machine; ends once it has run
        while not RAN and time.monotonic() < deadline:
            time.sleep(0.02)
        assert RAN == ["periodic tasks"], "run in the ticker's thread (immediate backend in tests)"
    finally:
        periodic.stop_ticker()


def test_no_ticker_when_turned_off(settings):
    settings.SAFEREACH_PERIODIC = {"TICKER": False, "TICK_SECONDS": 5}
    app = object()
    assert periodic.with_ticker(app) is app


@pytest.mark.django_db
def test_the_periodic_command_lists_starts_what_is_due_once_and_refuses_a_bad_interval(only_our_task):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("periodic", "--list", stdout=out)
    assert out.getvalue() == f"{only_our_task}\tevery 60 s\n"

    out = io.StringIO()
    call_command("periodic", "--once", stdout=out)
    assert out.getvalue() == f"Started {only_our_task}\n" and len(RAN) == 1
    call_command("periodic", "--once", stdout=io.StringIO())
    assert len(RAN) == 1, "not due again for a minute"

    with pytest.raises(CommandError, match="--every must be a number of seconds above 0"):
        call_command("periodic", "--every", "0")
