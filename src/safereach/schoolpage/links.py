"""Signed links a school contact follows instead of signing in.

A school's page link names the school and the contact it was sent to, and opens only while that
address is still one the school is known by (bookings.KnownAddress). A feedback link names one
visit. Each is signed with the site's secret for one purpose, so it cannot be changed to open
another school or visit, and each stops working after its time (settings.SAFEREACH_SCHOOLS).
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "safereach.schools.link"
DEFAULTS = {"SCHOOL_LINK_DAYS": 30, "FEEDBACK_LINK_DAYS": 120, "KNOWLEDGE_CHECK_REPEAT_DAYS": 42,
            "CONCERN_RETENTION_DAYS": 365, "FRONT_DOOR_NAME": "", "FRONT_DOOR_PHONE": ""}


def schools_settings() -> dict:
    return {**DEFAULTS, **getattr(settings, "SAFEREACH_SCHOOLS", {})}


class BadLink(Exception):
    def __init__(self, expired: bool):
        self.expired = expired


def _read(token: str, purpose: str, days: float) -> dict:
    try:
        value = signing.loads(token, salt=SALT, max_age=days * 86400)
    except signing.SignatureExpired as exc:
        raise BadLink(expired=True) from exc
    except signing.BadSignature as exc:
        raise BadLink(expired=False) from exc
    if not isinstance(value, dict) or value.get("p") != purpose:
        raise BadLink(expired=False)
    return value


def school_token(school, email: str) -> str:
    return signing.dumps({"p": "school", "s": school.pk, "e": email.strip().lower()}, salt=SALT,
                         compress=True)


def read_school_token(token: str) -> tuple[int, str]:
    """(school id, contact email) the link was made for; BadLink if forged, for another purpose
    or older than SCHOOL_LINK_DAYS."""
    value = _read(token, "school", schools_settings()["SCHOOL_LINK_DAYS"])
    if not isinstance(value.get("s"), int) or not isinstance(value.get("e"), str):
        raise BadLink(expired=False)
    return value["s"], value["e"]


def visit_token(visit) -> str:
    return signing.dumps({"p": "visit", "v": visit.pk}, salt=SALT, compress=True)


def read_visit_token(token: str) -> int:
    value = _read(token, "visit", schools_settings()["FEEDBACK_LINK_DAYS"])
    if not isinstance(value.get("v"), int):
        raise BadLink(expired=False)
    return value["v"]


def school_page_url(school, email: str) -> str:
    return reverse("schoolpage:page", args=[school_token(school, email)])


def feedback_url(visit) -> str:
    return reverse("schoolpage:feedback", args=[visit_token(visit)])


def knowledge_check_url(visit) -> str:
    return reverse("schoolpage:knowledge-check", args=[visit_token(visit)])
