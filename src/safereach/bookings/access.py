"""May this staff user act on this booking, visit or session? Every coordinator's page asks here.

A booking may hold sessions of several agencies (a joint booking: a fire session and a police
session at one school). Each part belongs to the agency that delivers its session, and only
that agency's staff act on it (accounts.access.may_act_for); the other parts are shown to
them read-only. The booking as a whole (approving it, cancelling all of it) is acted on only by
someone who may act on every part of it.
"""

from safereach.accounts.access import acts_for_every_agency, may_act_for, only_theirs
from safereach.bookings.models import Booking


def may_act_on_session(user, session) -> bool:
    return may_act_for(user, session.partner_id)


def may_act_on_visit(user, visit) -> bool:
    return may_act_for(user, visit.session.partner_id)


def partner_ids(booking) -> set[int]:
    """The agencies whose sessions the booking asked for."""
    return set(booking.sessions.values_list("partner_id", flat=True))


def may_act_on_booking(user, booking) -> bool:
    """Every part of the booking is the user's to act on."""
    return acts_for_every_agency(user) or all(may_act_for(user, p) for p in partner_ids(booking) or {None})


def bookings_seen_by(user):
    """Bookings with at least one part the user may act on (the others' parts shown read-only)."""
    bookings = Booking.objects.select_related("school")
    if acts_for_every_agency(user):
        return bookings
    return only_theirs(bookings, user, "sessions__partner").distinct()
