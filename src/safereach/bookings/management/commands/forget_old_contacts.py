"""`safereach forget_old_contacts`: delete schools' contact details past the retention period
(run it daily)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from safereach.bookings.retention import contact_retention_days, forget_old_contacts


class Command(BaseCommand):
    help = "Delete the contact details of bookings that ended more than the retention period ago."

    def handle(self, *args, **options):
        count = forget_old_contacts(timezone.localdate())
        self.stdout.write(
            f"Deleted the contact details of {count} booking(s) that ended more than "
            f"{contact_retention_days()} days ago."
        )
