"""Which staff may see OFFICIAL-SENSITIVE data, and so must sign in in two steps.

OFFICIAL-SENSITIVE data (tiers of need, child abduction warning notices, street-level points a
partner marks so, schools' safeguarding concerns) reaches analysts (evidence and the matrix),
booking coordinators (tiers of need, the queue's order), administrators (everything in the
admin), and the named recipients of schools' concerns, whatever their role. Governance
(classification and sharing agreements) asks here too, so the two never disagree.
"""

from safereach.accounts.models import Role

OFFICIAL_SENSITIVE_ROLES = (Role.ADMINISTRATOR, Role.ANALYST, Role.COORDINATOR)


def may_see_official_sensitive(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.has_role(*OFFICIAL_SENSITIVE_ROLES):
        return True
    return user.concern_routes.exists()  # a named recipient of schools' concerns


def needs_two_step_sign_in(user) -> bool:
    """A password alone is not enough for those who may see OFFICIAL-SENSITIVE data."""
    return may_see_official_sensitive(user)
