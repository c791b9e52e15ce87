"""Which agency's named staff receive a school's concern: the routing rules, read one way.

The rules that match a concern most closely win: topic and area both named, then the topic
anywhere, then any topic in the area, then any topic anywhere. Every rule at the winning level
applies, so a concern about exploitation can go to the police and the council together.
"""

from dataclasses import dataclass

from safereach.accounts.models import Agency, ConcernRoute, User


@dataclass(frozen=True)
class Routing:
    agencies: list[Agency]
    recipients: list[User]

    def __bool__(self) -> bool:
        return bool(self.recipients)


def closeness(route_topic: str, route_area: str, topic: str, area_code: str) -> int | None:
    """How closely a rule fits: 3 for topic and area, 2 topic only, 1 area only, 0 neither
    named; None when the rule names another topic or area."""
    if route_topic and route_topic != topic:
        return None
    if route_area and route_area != area_code:
        return None
    return 2 * bool(route_topic) + bool(route_area)


def route_concern(topic: str, area_code: str) -> Routing:
    """The agencies and active named recipients a concern on `topic` in `area_code` goes to."""
    routes = list(ConcernRoute.objects.select_related("agency").prefetch_related("recipients"))
    scored = [(closeness(r.topic, r.area_code, topic, area_code), r) for r in routes]
    # A rule whose named staff have all left routes nothing: the next closest rule takes over.
    live = [(score, r) for score, r in scored
            if score is not None and any(u.is_active for u in r.recipients.all())]
    if not live:
        return Routing([], [])
    best = max(score for score, _ in live)
    chosen = [r for score, r in live if score == best]
    agencies = sorted({r.agency for r in chosen}, key=lambda a: a.name)
    recipients = sorted({u for r in chosen for u in r.recipients.all() if u.is_active},
                        key=lambda u: u.email)
    return Routing(agencies, recipients)
