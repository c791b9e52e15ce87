"""The audit log a person can read: one `record` every app calls, and the words each action
reads as. Kept in accounts, the floor every app stands on, so sign-in lock-outs (accounts),
queue actions (bookings) and agreement changes (governance) all write the same rows."""

from __future__ import annotations

from safereach.accounts.models import AuditEvent

# What each action reads as on the audit page. An action without a label still shows, as its
# code: a new action is never hidden for want of words.
LABELS = {
    "booking.approve": "Approved a visit",
    "booking.cancel": "Cancelled a visit",
    "booking.move": "Moved a visit to another officer",
    "booking.book": "Booked a visit for a request",
    "booking.decline": "Declined a request",
    "plan.apply": "Applied a term plan",
    "leave.add": "Added leave",
    "leave.delete": "Removed leave",
    "matrix.profile.change": "Changed a targeting profile",
    "agreement.create": "Added a sharing agreement",
    "agreement.change": "Changed a sharing agreement",
    "agreement.delete": "Deleted a sharing agreement",
    "signin.lockout": "Sign-in locked out after failed attempts",
    "sensitive.view": "Viewed OFFICIAL-SENSITIVE data",
    "sensitive.export": "Exported OFFICIAL-SENSITIVE data",
    "retention.delete": "Deleted data past its retention period",
    "dataset.load": "Loaded a dataset",
    "inventory.export": "Exported the data inventory",
    "audit.export": "Exported the audit log",
}

# Areas of work an administrator filters by: the part of an action before its first dot.
AREAS = {
    "booking": "Bookings", "plan": "Term plans", "leave": "Leave", "matrix": "Targeting",
    "agreement": "Sharing agreements", "signin": "Sign-in", "sensitive": "Sensitive data",
    "retention": "Retention", "dataset": "Datasets", "schools": "Schools' side",
    "delivery": "Delivery", "register": "Fire safety register",
    "inventory": "Data inventory", "audit": "Audit log", "bookings": "Projected delivery exports",
}


def record(action: str, *, user=None, actor: str = "", target: str = "", reason: str = "",
           **detail) -> AuditEvent:
    """Write one audit entry: `action` (e.g. "booking.cancel"), who did it (a signed-in `user`,
    or `actor` naming a command or a scheduled job), what it was done to, the reason the person
    gave, and any further facts as keywords. Texts are cut to their columns, never refused: an
    audit entry must not make the action it records fail."""
    if reason:
        detail["reason"] = reason[:1000]
    return AuditEvent.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        actor=(actor or (user.email if user is not None and user.is_authenticated else ""))[:200],
        action=action[:60], target=str(target)[:300], detail=detail,
    )


def label(action: str) -> str:
    return LABELS.get(action, action)


def area_of(action: str) -> str:
    return action.split(".", 1)[0]
