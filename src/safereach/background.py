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
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import connections, transaction
from django.utils import timezone
from django_tasks import TaskContext, TaskResult, TaskResultStatus
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskError
from django_tasks.signals import task_enqueued, task_finished, task_started
from django_tasks.utils import get_exception_traceback, get_module_path, get_random_id, normalize_json

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
