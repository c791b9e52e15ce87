"""Background tasks of bookings: letting go of holds past their time, every minute."""

from django.conf import settings
from django_tasks import task

from safereach.bookings.services import release_expired_holds
from safereach.core.periodic import periodic


@periodic(seconds=60)
@task()
def release_holds() -> int:
    """Release slots held and never confirmed in time, and email the schools; returns how many."""
    return release_expired_holds(settings.SAFEREACH_SITE_URL)


@periodic(seconds=24 * 60 * 60)
@task()
def forget_contacts() -> int:
    """Delete schools' contact details past the retention period, once a day."""
    from django.utils import timezone

    from safereach.bookings.retention import forget_old_contacts

    return forget_old_contacts(timezone.localdate())
