"""Whose data a staff user may act on: the one rule every page asks.

Staff act for their own agency. Administrators act for every agency. A staff user who belongs
to no agency acts for none: a missing agency never widens what someone may see or do.
"""

from safereach.accounts.models import Role


def acts_for_every_agency(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_role(Role.ADMINISTRATOR))


def acting_agency_id(user) -> int | None:
    """The one agency whose data the user acts on; None for administrators (every agency, ask
    acts_for_every_agency) and for staff who belong to none (no agency)."""
    if not (user.is_authenticated and user.is_active) or acts_for_every_agency(user):
        return None
    return user.agency_id


def may_act_for(user, agency_id) -> bool:
    """May `user` act on data that belongs to the agency `agency_id`?"""
    if acts_for_every_agency(user):
        return True
    own = acting_agency_id(user)
    return own is not None and agency_id is not None and own == agency_id


def agency_filter(user, field: str = "agency") -> dict | None:
    """Keyword arguments that keep a queryset to what the user may act on: {} for every agency,
    {field: id} for their own, None when they may act on no agency's rows (use .none())."""
    if acts_for_every_agency(user):
        return {}
    own = acting_agency_id(user)
    return {field: own} if own is not None else None


def only_theirs(queryset, user, field: str = "agency"):
    """`queryset` kept to rows of the agencies the user may act on."""
    kept = agency_filter(user, field)
    return queryset.none() if kept is None else queryset.filter(**kept)
