"""A django-tasks backend that runs each task in a thread of the web process.

django-tasks ships two backends of its own: ImmediateBackend runs the task inside the request
that enqueued it (so the page would wait for a term plan, as it did before tasks), and
DummyBackend never runs it. The database backend (django-tasks-db) needs a worker process
beside the web server. A laptop demo (`make demo`) runs one process only, so this backend is
the embedded default: the task starts at once, in a daemon thread, and the page that enqueued
it returns straight away.

What the page shows comes from the database (a task writes its own progress and result to its
rows), never from this process's memory, so switching to the database backend and its workers
changes nothing else. A task lost when the process stops is the task's own rows to notice
(they stop moving); nothing here retries it.

OPTIONS:
    MAX_THREADS: how many tasks run at once in one process (the rest wait their turn); 2 by
    default, one per core of a small machine.

`BackgroundRun` is the row such a task and its page share: an abstract model that each kind of
long work (a back-test, a term plan) extends with what was asked and what came of it.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.db import connections, models, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskContext, TaskResult, TaskResultStatus
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskError
from django_tasks.signals import task_enqueued, task_finished, task_started
from django_tasks.utils import get_exception_traceback, get_module_path, get_random_id, normalize_json

from safereach.core.database import when_unlocked

logger = logging.getLogger(__name__)

# django-tasks keeps one backend object per thread, so what every thread must share lives here.
_lock = threading.Lock()
_threads: set[threading.Thread] = set()
_slots: dict[str, threading.BoundedSemaphore] = {}


class ThreadBackend(BaseTaskBackend):
    supports_priority = True  # accepted and ignored: tasks start in the order they come

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.max_threads = int(self.options.get("MAX_THREADS", 2))
        self.worker_id = f"thread-{get_random_id()[:12]}"

    def _slot(self) -> threading.BoundedSemaphore:
        with _lock:
            return _slots.setdefault(self.alias, threading.BoundedSemaphore(self.max_threads))

    def enqueue(self, task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        task_enqueued.send(type(self), task_result=result)
        thread = threading.Thread(target=self._run, args=(result,), name=f"task {task.name}", daemon=True)
        # The thread reads with its own connection: inside a transaction, let it start once
        # what the caller wrote is committed (never, if that rolls back).
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: _start(thread))
        else:
            _start(thread)
        return result

    def _run(self, result: TaskResult) -> None:
        task = result.task
        try:
            with self._slot():
                self._set(result, status=TaskResultStatus.RUNNING, started_at=timezone.now())
                object.__setattr__(result, "last_attempted_at", result.started_at)
                result.worker_ids.append(self.worker_id)
                task_started.send(type(self), task_result=result)
                try:
                    if task.takes_context:
                        value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
                    else:
                        value = task.call(*result.args, **result.kwargs)
                    object.__setattr__(result, "_return_value", normalize_json(value))
                except Exception as exc:
                    logger.exception("Task %s failed", task.module_path)
                    result.errors.append(
                        TaskError(
                            exception_class_path=get_module_path(type(exc)),
                            traceback=get_exception_traceback(exc),
                        )
                    )
                    self._set(result, status=TaskResultStatus.FAILED, finished_at=timezone.now())
                else:
                    self._set(result, status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now())
                task_finished.send(type(self), task_result=result)
        finally:
            # Connections belong to the thread that opened them: close this one's, or the
            # database keeps them open until the process ends.
            connections.close_all()
            with _lock:
                _threads.discard(threading.current_thread())

    @staticmethod
    def _set(result: TaskResult, **values) -> None:
        for name, value in values.items():
            object.__setattr__(result, name, value)


def _start(thread: threading.Thread) -> None:
    with _lock:
        _threads.add(thread)
    thread.start()


def wait_for_background_tasks(timeout: float = 60.0) -> None:
    """Wait until every task this process started has finished (tests use it to know when).
    Raises TimeoutError if some are still running after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            running = list(_threads)
        if not running:
            return
        for thread in running:
            thread.join(max(0.0, deadline - time.monotonic()))
        if time.monotonic() >= deadline and any(t.is_alive() for t in running):
            raise TimeoutError(f"background tasks still running after {timeout} seconds")


class BackgroundRun(models.Model):
    """One run of long work asked for on a page and carried out by a background task: how far
    it has got, and when it started and ended or why it failed. A concrete run adds what was
    asked, who asked, and a field for what came of it, which `finish` fills in.

    Each change is one UPDATE of the fields it owns, guarded by the state it expects, so the
    task, a page noticing a stalled run, and anything acting on a finished run never overwrite
    one another."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    # A task that never starts, or whose process stops under it, writes nothing more: the run
    # is given up on after these, so no page waits for ever.
    NEVER_STARTED_AFTER = timedelta(hours=1)
    STOPPED_AFTER = timedelta(minutes=10)  # with nothing written since
    NEVER_STARTED = (
        "The work never started. The background worker may not be running: tell your administrator."
    )
    STOPPED = "The work stopped without finishing, perhaps because the server restarted."
    FINISHED_TEXT = "Finished"

    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING, db_index=True)
    progress = models.FloatField(default=0.0)
    progress_text = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1),
                name="%(app_label)s_%(class)s_progress_is_a_fraction",
            )
        ]

    @property
    def is_finished(self) -> bool:
        """Whether the run's page has nothing more to wait for."""
        return self.state not in (self.State.WAITING, self.State.RUNNING)

    @property
    def percent(self) -> int:
        return int(round(self.progress * 100))

    def _rows(self, **states):
        return type(self)._default_manager.filter(pk=self.pk, **states)

    def _update(self, states: dict, **values) -> int:
        """One guarded UPDATE of this run's row; a database busy with another writer is waited
        for, so a task never stops (and its page never waits for ever) because of a lock."""
        return when_unlocked(lambda: self._rows(**states).update(**values))

    def start(self) -> bool:
        """Claim a waiting run for its task; False if it was already taken or given up on."""
        now = timezone.now()
        claimed = self._update(
            {"state": self.State.WAITING}, state=self.State.RUNNING, started_at=now, updated_at=now
        )
        if claimed:
            self.state, self.started_at, self.updated_at = self.State.RUNNING, now, now
        return bool(claimed)

    def record_progress(self, fraction: float, text: str) -> None:
        fraction = min(1.0, max(0.0, float(fraction)))
        self._update(
            {"state": self.State.RUNNING},
            progress=fraction,
            progress_text=text[:200],
            updated_at=timezone.now(),
        )
        self.progress, self.progress_text = fraction, text[:200]

    def finish(self, **outcome) -> None:
        """Done, with `outcome` (field name → value) stored. A run given up on as stalled whose
        task finishes after all is done too: its outcome is as good as any."""
        now = timezone.now()
        self._update(
            {"state__in": [self.State.WAITING, self.State.RUNNING, self.State.FAILED]},
            state=self.State.DONE,
            progress=1.0,
            progress_text=self.FINISHED_TEXT,
            error="",
            finished_at=now,
            updated_at=now,
            **outcome,
        )
        self.refresh_from_db()

    def fail(self, error: str, **only_if) -> None:
        """Failed with `error`, if still waiting or running (and as `only_if` says)."""
        now = timezone.now()
        self._update(
            {"state__in": [self.State.WAITING, self.State.RUNNING], **only_if},
            state=self.State.FAILED, error=error, finished_at=now, updated_at=now,
        )
        self.refresh_from_db()

    def has_stopped(self, now) -> bool:
        """Whether a running run's task has surely stopped: by default, nothing written for
        STOPPED_AFTER. Work that knows how long it takes can say better."""
        return now - (self.updated_at or self.started_at) > self.STOPPED_AFTER

    def give_up_if_stalled(self, now=None) -> None:
        """Fail a run whose task never started, or stopped without finishing (its process
        ended), with a message that says so."""
        now = now or timezone.now()
        # Each guarded by what was seen, so a task that starts or reports at this moment wins.
        if self.state == self.State.WAITING and now - self.created_at > self.NEVER_STARTED_AFTER:
            self.fail(self.NEVER_STARTED, state=self.State.WAITING)
        elif self.state == self.State.RUNNING and self.started_at is not None and self.has_stopped(now):
            self.fail(self.STOPPED, updated_at=self.updated_at)

    def progress_report(self) -> dict:
        """How far the run has got, as its page's script reads it."""
        return {
            "state": self.state,
            "state_label": self.get_state_display(),
            "finished": self.is_finished,
            "progress": self.progress,
            "percent": self.percent,
            "text": self.progress_text,
            "error": self.error,
        }
