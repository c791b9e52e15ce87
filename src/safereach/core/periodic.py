"""Background tasks that run every so often: releasing holds past their time, sending the
outbox of visit changes to case systems.

django-tasks runs a task when it is enqueued and has no clock of its own, so something must
enqueue periodic tasks when they fall due. Here that is `run_due`, which any number of
processes may call as often as they like: each task's turn is claimed with one UPDATE guarded
by the time it was due (as BackgroundRun's changes are), so one caller enqueues each turn and
the others see it taken. Where the task then runs is the task backend's business: a thread of
this process (the demo's ThreadBackend), or a `db_worker` process (production).

Two things call `run_due`:
- the ticker, a daemon thread started once in each web process on its first request
  (`with_ticker` wraps the WSGI application), so `make demo` needs nothing more;
- `safereach periodic`, a loop for a process of its own beside the `db_worker`s, for
  deployments whose web processes may sit idle or are many (set SAFEREACH_PERIODIC_TICKER=0
  there; running both does no harm, only work).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task: object  # a django-tasks Task that takes no arguments


_registry: dict[str, Periodic] = {}


def periodic(seconds: int):
    """Register a django-tasks task (put this above `@task()`) to run every `seconds`.
    Register in the module an app's `ready()` imports, so every process knows it."""

    def register(task):
        _registry[task.module_path] = Periodic(task.module_path, timedelta(seconds=seconds), task)
        return task

    return register


def registered() -> list[Periodic]:
    return sorted(_registry.values(), key=lambda p: p.name)


def run_due(now=None, only: list[str] | None = None) -> list[str]:
    """Enqueue every registered task whose turn has come and that no other process has
    claimed; returns the names of those this call enqueued."""
    from safereach.core.models import PeriodicTask

    now = now or timezone.now()
    started = []
    for job in registered():
        if only is not None and job.name not in only:
            continue
        row = PeriodicTask.objects.filter(name=job.name).first()
        if row is None:
            try:
                row = PeriodicTask.objects.create(
                    name=job.name, every_seconds=int(job.every.total_seconds()), next_due_at=now
                )
            except IntegrityError:  # another process made it a moment ago: its turn
                continue
        if row.next_due_at > now:
            continue
        claimed = PeriodicTask.objects.filter(pk=row.pk, next_due_at=row.next_due_at).update(
            next_due_at=now + job.every, last_started_at=now, every_seconds=int(job.every.total_seconds())
        )
        if claimed:
            job.task.enqueue()
            started.append(job.name)
    return started


class Ticker(threading.Thread):
    """Calls `run_due` every `tick` seconds until stopped."""

    def __init__(self, tick: float):
        super().__init__(name="periodic tasks", daemon=True)
        self.tick = tick
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                run_due()
            except Exception:  # noqa: BLE001 - a bad turn is logged; the next tick tries again
                logger.exception("Periodic tasks could not be started")
            finally:
                connections.close_all()
            self.stopped.wait(self.tick)

    def stop(self) -> None:
        self.stopped.set()


_lock = threading.Lock()
_ticker: tuple[int, Ticker] | None = None  # (process id, thread): a forked child starts its own


def start_ticker(tick: float | None = None) -> Ticker:
    """Start this process's ticker if it has none; returns it."""
    global _ticker
    with _lock:
        if _ticker is None or _ticker[0] != os.getpid() or not _ticker[1].is_alive():
            ticker = Ticker(settings.SAFEREACH_PERIODIC["TICK_SECONDS"] if tick is None else tick)
            ticker.start()
            _ticker = (os.getpid(), ticker)
        return _ticker[1]


def stop_ticker() -> None:
    global _ticker
    with _lock:
        if _ticker is not None:
            _ticker[1].stop()
            _ticker[1].join(10)
            _ticker = None


def with_ticker(application):
    """The WSGI application, starting the ticker on the first request each process serves
    (not at import: a server that forks after importing would leave it in the parent)."""
    if not settings.SAFEREACH_PERIODIC["TICKER"]:
        return application

    def app(environ, start_response):
        if _ticker is None or _ticker[0] != os.getpid():
            start_ticker()
        return application(environ, start_response)

    return app
