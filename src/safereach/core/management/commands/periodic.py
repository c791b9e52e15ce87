"""`safereach periodic`: enqueue the periodic tasks (releasing holds, sending visit changes to
case systems) as they fall due, for a process of its own beside `safereach db_worker`."""

import time

from django.core.management.base import BaseCommand, CommandError

from safereach.core.background import wait_for_background_tasks
from safereach.core.periodic import registered, run_due


class Command(BaseCommand):
    help = "Start the periodic tasks when they are due: every few seconds, or once with --once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=float, default=5.0, help="Seconds between looks at what is due (default 5)."
        )
        parser.add_argument("--once", action="store_true", help="Start what is due now, then stop.")
        parser.add_argument(
            "--list", dest="list_tasks", action="store_true", help="List the periodic tasks and stop."
        )

    def handle(self, *args, every, once, list_tasks, **options):
        if list_tasks:
            for job in registered():
                self.stdout.write(f"{job.name}\tevery {int(job.every.total_seconds())} s")
            return
        if every <= 0:
            raise CommandError("--every must be a number of seconds above 0")
        while True:
            for name in run_due():
                self.stdout.write(f"Started {name}")
            if once:
                # With the thread backend the tasks run in this process: let them finish.
                wait_for_background_tasks(timeout=600)
                return
            time.sleep(every)
