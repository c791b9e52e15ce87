"""`safereach delete_expired_concerns`: delete schools' concerns past their retention period.
Run it daily (cron, a systemd timer or the platform's scheduler)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safereach.schoolpage.concerns import delete_expired


class Command(BaseCommand):
    help = "Delete schools' concerns whose retention period is over (SAFEREACH_CONCERN_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The day to count from, YYYY-MM-DD (default: today).")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today {today!r}: give a date as YYYY-MM-DD") from exc
        deleted = delete_expired(day, actor="safereach delete_expired_concerns")
        self.stdout.write(f"Deleted {deleted} concern{'' if deleted == 1 else 's'} past "
                          "their retention period.")
