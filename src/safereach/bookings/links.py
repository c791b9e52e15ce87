"""Signed links a school contact follows instead of signing in.

Each link names one booking and one purpose and is signed with the site's secret, so a link
for one booking cannot be changed into a link for another, and it stops working after its
time: an hour or so to confirm a held slot, the term's length to manage a booking.
"""

from django.core import signing
from django.urls import reverse

SALT = "safereach.bookings.link"


class BadLink(Exception):
    def __init__(self, expired: bool):
        self.expired = expired


def make_token(booking, purpose: str) -> str:
    return signing.dumps({"b": booking.pk, "p": purpose}, salt=SALT, compress=True)


def read_token(token: str, purpose: str, max_age_seconds: float) -> int:
    """The booking id the token was made for; BadLink if it is forged, for another purpose, or old."""
    try:
        value = signing.loads(token, salt=SALT, max_age=max_age_seconds)
    except signing.SignatureExpired as exc:
        raise BadLink(expired=True) from exc
    except signing.BadSignature as exc:
        raise BadLink(expired=False) from exc
    if not isinstance(value, dict) or value.get("p") != purpose or not isinstance(value.get("b"), int):
        raise BadLink(expired=False)
    return value["b"]


def manage_url(booking) -> str:
    return reverse("bookings:manage", args=[make_token(booking, "manage")])


def confirm_url(booking) -> str:
    return reverse("bookings:confirm", args=[make_token(booking, "confirm")])


def choose_url(booking) -> str:
    return reverse("bookings:times", args=[make_token(booking, "choose")])
