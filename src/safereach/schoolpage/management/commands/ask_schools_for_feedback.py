"""`safereach ask_schools_for_feedback`: email schools about delivered visits not yet asked
(an outcome recorded while email was down, or before SAFEREACH_SITE_URL was set), and remind
those whose class took a knowledge check six weeks ago to take it again. Run it daily."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safereach.bookings.models import Visit
from safereach.schoolpage.feedback import ask_for_feedback, remind_to_repeat


class Command(BaseCommand):
    help = "Ask schools how delivered visits went, and remind them to repeat knowledge checks."

    def add_arguments(self, parser):
        parser.add_argument("--site-url", default=getattr(settings, "SAFEREACH_SITE_URL", ""),
                            help="Where SafeReach is reached, for links in the emails.")
        parser.add_argument("--today", help="YYYY-MM-DD (default: today).")
        parser.add_argument("--days", type=int, default=30,
                            help="Ask about visits delivered in this many days before (default 30).")

    def handle(self, *args, site_url, today=None, days, **options):
        if not site_url:
            raise CommandError("Give --site-url (or set SAFEREACH_SITE_URL): emails need it")
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today {today!r}: give a date as YYYY-MM-DD") from exc
        since = timezone.make_aware(datetime.combine(day - timedelta(days=days), time.min))
        visits = (Visit.objects.filter(outcome__delivered=True, starts_at__gte=since,
                                       feedback_request=None, booking__isnull=False)
                  .select_related("session__partner", "school", "booking"))
        asked = sum(ask_for_feedback(v, site_url.rstrip("/")) is not None for v in visits)
        reminded = remind_to_repeat(day, site_url.rstrip("/"))
        self.stdout.write(f"Asked {asked} schools for feedback; reminded {reminded} to repeat "
                          "a knowledge check.")
