"""Waiting for the database rather than failing when another writer holds it."""

import random
import time

from django.db import OperationalError, transaction


def when_unlocked(work, attempts: int = 200):
    """Run `work` (a whole transaction, or one write), trying again while another writer holds
    the lock.

    PostgreSQL waits for a row lock by itself and SQLite waits up to its busy timeout, but
    SQLite can still answer "database is locked" or "database table is locked" (always, for an
    in-memory database shared between threads); then the work is rolled back and tried again a
    moment later. Inside a transaction nothing can be tried again, so the error is raised.
    """
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError as exc:
            if (
                "locked" not in str(exc)
                or attempt == attempts - 1
                or transaction.get_connection().in_atomic_block
            ):
                raise
            time.sleep(random.uniform(0.002, 0.02) * min(attempt + 1, 10))
