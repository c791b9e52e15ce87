"""What a viewer of the map may see, decided in one place from their role and agency.

- Street-level incident points (police.uk snap points, fire incidents near an address): analysts
  and coordinators, whose agencies run the service; never partners.
- OFFICIAL-SENSITIVE rows (every child abduction warning notice, and anything from a dataset
  classified OFFICIAL-SENSITIVE): analysts only. Showing or exporting them is audited.
- Exact counts: analysts and coordinators, and anyone for figures that are wholly their own
  agency's (visits it delivers, its officers). Everyone else gets counts of 1 to 4 as "fewer than
  5", with secondary suppression (accounts.sharing), as on the target lists.
"""

from dataclasses import dataclass

from safereach.accounts.models import Role
from safereach.evidence.models import Classification

MAP_ROLES = (Role.ANALYST, Role.COORDINATOR, Role.PARTNER)
CAWN = "child abduction warning notice"


@dataclass(frozen=True)
class Viewer:
    """What one person may see on the map and in its exports and map packs."""

    street_points: bool
    sensitive: bool
    shared: bool  # counts of others' data are shared figures: small ones suppressed
    agency_id: int | None = None
    may_invite: bool = False
    user: object = None

    @classmethod
    def of(cls, user) -> "Viewer":
        staff = user.has_role(Role.ANALYST, Role.COORDINATOR)
        return cls(
            street_points=staff,
            sensitive=user.has_role(Role.ANALYST),
            shared=not staff,
            agency_id=user.agency_id,
            may_invite=user.has_role(Role.COORDINATOR),
            user=user,
        )

    @classmethod
    def everyone(cls) -> "Viewer":
        """As any partner at the meeting may see it: the map pack's shared version."""
        return cls(street_points=False, sensitive=False, shared=True)

    @classmethod
    def analyst(cls) -> "Viewer":
        """Everything, exactly: the map pack built from the command line for the analysts' team."""
        return cls(street_points=True, sensitive=True, shared=False)


def is_sensitive_notice(kind: str, classification: str) -> bool:
    return kind.strip().lower() == CAWN or classification == Classification.OFFICIAL_SENSITIVE


def is_sensitive(classification: str) -> bool:
    return classification == Classification.OFFICIAL_SENSITIVE
