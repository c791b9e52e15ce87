"""The register's today, and the moment events are recorded at.

Normally the real date. SAFEREACH_REGISTER_TODAY (a YYYY-MM-DD date, refused when DEBUG is off)
holds the register at a fixed day, so a demonstration or an acceptance check can load notices
with dates before and after each deadline and see the register exactly as on that day: events
recorded then are recorded on that day too, since the register reads only what it knew by then.
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone


def today() -> date:
    fixed = settings.SAFEREACH_REGISTER["TODAY"]
    return fixed or timezone.localdate()


def now() -> datetime:
    fixed = settings.SAFEREACH_REGISTER["TODAY"]
    moment = timezone.localtime()
    if fixed:
        return timezone.make_aware(datetime.combine(fixed, moment.time()))
    return moment


def keep_years() -> int:
    return settings.SAFEREACH_REGISTER["KEEP_YEARS"]
