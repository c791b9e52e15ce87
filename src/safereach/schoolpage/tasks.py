"""Background tasks of the schools' side: concerns past their retention period go, daily."""

from django.utils import timezone
from django_tasks import task

from safereach.core.periodic import periodic
from safereach.schoolpage.concerns import delete_expired


@periodic(seconds=24 * 60 * 60)
@task()
def delete_expired_concerns() -> int:
    return delete_expired(timezone.localdate(), actor="SafeReach, daily")
