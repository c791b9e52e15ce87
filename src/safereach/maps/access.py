"""What a viewer of the map may see: the person's role decides how (street points, exact
counts), and governance.access decides which data (one rule for every page, map and export).

- Which datasets: `governance.access.withheld` names those the viewer's agency and roles may
  not see today (an ended sharing agreement, an OFFICIAL-SENSITIVE dataset whose agreement does
  not name their role). Their rows are left out of every layer, table, export and map pack, and
  incident counts are made without them. OFFICIAL-SENSITIVE is a dataset's classification
  (the notices importer classifies any file holding a child abduction warning notice so);
  showing or exporting rows of such a dataset asks for a reason and is audited
  (governance.gate), and a map pack holds them only when its builder gave one.
- Street-level incident points (police.uk snap points, fire incidents near an address): analysts
  and coordinators, whose agencies run the service; never partners.
- Exact counts: analysts and coordinators, and anyone for figures that are wholly their own
  agency's (visits it delivers, its officers). Everyone else gets counts of 1 to 4 as "fewer than
  5", with secondary suppression (accounts.sharing), as on the target lists.
"""

from dataclasses import dataclass

from safereach.accounts.models import Role
from safereach.evidence.models import Classification, Dataset
from safereach.maps.counts import INCIDENT_KINDS

MAP_ROLES = (Role.ANALYST, Role.COORDINATOR, Role.PARTNER)


@dataclass(frozen=True)
class Viewer:
    """What one person may see on the map and in its exports and map packs."""

    street_points: bool
    shared: bool  # counts of others' data are shared figures: small ones suppressed
    agency_id: int | None = None
    may_invite: bool = False
    loads_data: bool = False  # analysts: the page says which files load places and notices
    user: object = None
    hidden: frozenset = frozenset()  # ids of the datasets governance withholds from the viewer
    hidden_incidents: frozenset = frozenset()  # those of them that hold incidents
    hidden_kinds: frozenset = frozenset()  # the kinds of load withheld (crime, places, ...)
    hidden_reasons: frozenset = frozenset()  # target-list indicator kinds drawn from them

    @classmethod
    def of(cls, user, *, sensitive: bool = True, today=None) -> "Viewer":
        """`sensitive` False leaves out OFFICIAL-SENSITIVE datasets even where governance would
        show them (a map pack whose builder gave no reason)."""
        staff = user.has_role(Role.ANALYST, Role.COORDINATOR)
        return cls(
            street_points=staff,
            shared=not staff,
            agency_id=user.agency_id,
            may_invite=user.has_role(Role.COORDINATOR),
            loads_data=user.has_role(Role.ANALYST),
            user=user,
            **_withheld_from(user, sensitive, today),
        )

    @classmethod
    def everyone(cls) -> "Viewer":
        """As any partner at the meeting may see it: the map pack's shared version, with only
        the open OFFICIAL data governance shows a member of staff of no particular agency."""
        return cls(street_points=False, shared=True, **_withheld_from(_NoAgency(), False, None))

    @classmethod
    def analyst(cls) -> "Viewer":
        """Everything, exactly: the map pack built from the command line for the analysts' team."""
        return cls(street_points=True, shared=False, loads_data=True)

    @property
    def sensitive_left_out(self) -> bool:
        return Classification.OFFICIAL_SENSITIVE.value in self.hidden_classifications

    @property
    def hidden_classifications(self) -> set[str]:
        return set(Dataset.objects.filter(pk__in=self.hidden).values_list("classification", flat=True))


class _NoAgency:
    """A member of staff of no agency, as governance.access reads one."""

    agency_id = None
    roles: list = []


def _withheld_from(user, sensitive: bool, today) -> dict:
    from safereach.governance.access import withheld
    from safereach.matrix.sharing import kinds_drawn_from

    hidden = withheld(user, today=today)
    if not sensitive:
        hidden += list(Dataset.objects.filter(classification=Classification.OFFICIAL_SENSITIVE)
                       .exclude(pk__in=[d.pk for d in hidden]))
    return {
        "hidden": frozenset(d.pk for d in hidden),
        "hidden_incidents": frozenset(d.pk for d in hidden if d.kind in INCIDENT_KINDS),
        "hidden_kinds": frozenset(d.kind for d in hidden),
        "hidden_reasons": frozenset(kinds_drawn_from({d.kind for d in hidden})),
    }


def is_sensitive(classification: str) -> bool:
    return classification == Classification.OFFICIAL_SENSITIVE
