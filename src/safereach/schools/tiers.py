"""The tier of need in force for a school: one rule, used wherever a tier is set.

The latest decision (a coordinator's, or the council's loaded from its file) stands; until
there is one, the school's own view from its latest statement of need does. The tier in force
is kept on School.need_tier, which the vulnerability matrix's need indicator reads.
"""

from django.db import transaction

from safereach.accounts.models import AuditEvent
from safereach.schools.models import School, SchoolNeed, TierDecision


def tier_in_force(school: School) -> int | None:
    decision = school.tier_decisions.order_by("-decided_at", "-pk").first()
    if decision is not None:
        return decision.tier
    need = school.needs.exclude(own_tier=None).order_by("-school_year", "-updated_at").first()
    return need.own_tier if need is not None else None


def refresh_tier(school: School) -> int | None:
    """Set School.need_tier by the rule; returns it."""
    tier = tier_in_force(school)
    if school.need_tier != tier:
        school.need_tier = tier
        school.save(update_fields=["need_tier"])
    return tier


def awaits_decision(school: School, need: SchoolNeed | None) -> bool:
    """The school has said a tier that no decision since has confirmed or changed."""
    if need is None or need.own_tier is None:
        return False
    decision = school.tier_decisions.order_by("-decided_at", "-pk").first()
    return decision is None or decision.decided_at < need.updated_at


def decide_tier(school: School, tier: int, reason: str, user) -> TierDecision:
    """A coordinator confirms or changes a school's tier, with the reason; audited."""
    with transaction.atomic():
        before = school.need_tier
        decision = TierDecision.objects.create(
            school=school, tier=tier, reason=reason, source=TierDecision.Source.COORDINATOR,
            decided_by=user)
        refresh_tier(school)
        AuditEvent.objects.create(
            user=user, action="schools.tier.decide", target=f"School {school.urn}: {school.name}",
            detail={"school": school.pk, "tier": tier, "was": before,
                    "confirmed": before == tier})
    return decision
