"""Background tasks of the workforce app: reading officers' own calendars."""

from django_tasks import task

from safereach.core.periodic import periodic
from safereach.workforce.models import Officer
from safereach.workforce.own_calendars import read_every_own_calendar, read_own_calendar


@task()
def read_an_own_calendar(officer_id: int) -> int:
    """Read one officer's own calendar (after it is set or changed); returns the busy times."""
    officer = Officer.objects.filter(pk=officer_id).exclude(own_calendar_url="").first()
    return read_own_calendar(officer) if officer else 0


@periodic(seconds=30 * 60)
@task()
def read_own_calendars() -> dict:
    """Read every officer's own calendar, every half hour."""
    return read_every_own_calendar()
