"""`safereach read_calendars`: read every officer's own calendar now (cron, or a scheduler)."""

from django.core.management.base import BaseCommand

from safereach.workforce.own_calendars import read_every_own_calendar


class Command(BaseCommand):
    help = "Read the busy times of every officer who gave their own calendar's address."

    def handle(self, *args, **options):
        counts = read_every_own_calendar()
        self.stdout.write(f"Read {counts['read']} calendar(s); {counts['failed']} could not be read.")
