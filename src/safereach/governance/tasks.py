"""Background task of governance: audit entries past their period go, daily (bookings' contacts
and schools' concerns have their own daily tasks, in their apps)."""

from django.utils import timezone
from django_tasks import task

from safereach.core.periodic import periodic
from safereach.governance.retention import delete_old_audit_entries


@periodic(seconds=24 * 60 * 60)
@task()
def delete_old_audit() -> int:
    return delete_old_audit_entries(timezone.localdate(), actor="SafeReach, daily")
