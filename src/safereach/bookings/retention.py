"""Schools' contact details are kept only as long as they are needed: deleted a set time after a
booking's last visit (or its last date, if it had no visit). What was booked and delivered stays,
without the person (the privacy notice says so)."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from safereach.bookings.diary import at
from safereach.bookings.models import Booking, ChangeEmail

FORGOTTEN = "(deleted after the retention period)"


def contact_retention_days() -> int:
    return int(getattr(settings, "SAFEREACH_CONTACT_RETENTION_DAYS", 730))


def forget_old_contacts(today: date) -> int:
    """Blank the contact details of bookings finished more than the retention period before
    `today`; returns how many bookings."""
    cutoff = today - timedelta(days=contact_retention_days())
    candidates = (
        Booking.objects.exclude(contact_name=FORGOTTEN)
        .filter(dates_to__lt=cutoff)
        .annotate(last_visit=Max("visits__ends_at"))
    )
    old = [
        b.pk
        for b in candidates
        if (b.last_visit is None or b.last_visit < at(cutoff, 0))
        and max(last for _, last in b.date_ranges) < cutoff
    ]
    with transaction.atomic():
        Booking.objects.filter(pk__in=old).update(
            contact_name=FORGOTTEN, contact_email="", contact_role="", access_needs=""
        )
        ChangeEmail.objects.filter(booking__in=old).update(to="")
    return len(old)
