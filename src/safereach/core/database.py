"""Waiting for the database rather than failing when another writer holds it."""

import random
import time

from django.db import OperationalError, transaction

# How long work keeps trying for: a writer on a busy machine can hold SQLite's lock for seconds,
# and a background run that gives up loses its plan (its page waits for ever).
PATIENCE_SECONDS = 300.0


def when_unlocked(work, patience: float = PATIENCE_SECONDS):
    """Run `work` (a whole transaction, or one write), trying again while another writer holds
    the lock, for up to `patience` seconds.

    PostgreSQL waits for a row lock by itself and SQLite waits up to its busy timeout, but
    SQLite can still answer "database is locked" or "database table is locked" (always, for an
    in-memory database shared between threads); then the work is rolled back and tried again a
    moment later. Inside a transaction nothing can be tried again, so the error is raised. The
    limit is a time, not a count of tries: how long a lock is held depends on the machine.
    """
    deadline = time.monotonic() + patience
    attempt = 0
    while True:
        try:
            return work()
        except OperationalError as exc:
            if (
                "locked" not in str(exc)
                or time.monotonic() >= deadline
                or transaction.get_connection().in_atomic_block
            ):
                raise
            attempt += 1
            time.sleep(random.uniform(0.002, 0.02) * min(attempt, 10))
