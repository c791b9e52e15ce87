"""What of a target list a user may see, by the sharing agreements behind its evidence: a
contribution computed from a dataset withheld from the user's agency is withheld with it
(governance.access decides), and one drawn from OFFICIAL-SENSITIVE data needs a reason."""

from safereach.evidence.models import Dataset
from safereach.governance.access import visible_sensitive, withheld

# The kinds of load each kind of indicator is computed from.
SOURCES = {
    "deprivation": ("deprivation",),
    "fsm": ("schools",),
    "need": ("tiers",),
    "incidents": ("crime", "fire-incidents"),
    "trend": ("crime", "fire-incidents"),
    "hotspot": ("crime", "fire-incidents"),
    "places": ("places",),
    "area_rate": ("area-rates",),
    # The forecast's parts name the incidents near the school and the people living there.
    "forecast": ("crime", "fire-incidents", "deprivation"),
    "classification": ("lookups",),
}
WITHHELD = "Withheld: the sharing agreement for the data behind it is not in force for your agency"


def hidden_kinds(user) -> set[str]:
    """Indicator kinds computed from a dataset withheld from `user`."""
    loads = {d.kind for d in withheld(user, Dataset.objects.filter(kind__in=_all_loads()))}
    return {kind for kind, sources in SOURCES.items() if loads & set(sources)}


def sensitive_behind(user, indicator_kinds) -> list[Dataset]:
    """The OFFICIAL-SENSITIVE datasets `user` may see that indicators of `indicator_kinds` draw on."""
    loads = {load for kind in indicator_kinds for load in SOURCES.get(kind, ())}
    return visible_sensitive(user, Dataset.objects.filter(kind__in=loads))


def without_hidden(contributions: list[dict], hidden: set[str]) -> list[dict]:
    """Contributions with those of `hidden` kinds blanked: the row stays, so the reader knows
    something is withheld, never what."""
    return [c if c.get("kind") not in hidden else
            {**c, "display": "Withheld", "display_shared": "Withheld", "percentile": None,
             "points": None, "value": None, "reason": WITHHELD, "reason_shared": WITHHELD}
            for c in contributions]


def _all_loads() -> set[str]:
    return {load for sources in SOURCES.values() for load in sources}
