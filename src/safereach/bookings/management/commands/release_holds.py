"""`safereach release_holds`: let go of slots held past their time now. The periodic task
(bookings.tasks.release_holds) does this every minute; this is for a look by hand."""

from django.conf import settings
from django.core.management.base import BaseCommand

from safereach.bookings.services import release_expired_holds


class Command(BaseCommand):
    help = "Release booked slots that were held and never confirmed in time, and tell the schools."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default=settings.SAFEREACH_SITE_URL,
            help="The site's address for links in the emails, e.g. https://safereach.example",
        )

    def handle(self, *args, site_url, **options):
        count = release_expired_holds(site_url.rstrip("/"))
        self.stdout.write(f"Released {count} booking{'s' if count != 1 else ''}.")
