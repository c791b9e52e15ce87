"""Recording a visit's outcome, with its audit event; and the line the officer's week shows
for each visit, so that the week asks delivery rather than knowing its rules."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse

from safereach.accounts.models import AuditEvent
from safereach.bookings.models import Visit
from safereach.delivery.models import VisitOutcome, can_be_recorded

# Counts and choices go into the audit detail as they are; free text only as "changed", so the
# audit log does not become a second copy of what schools and officers wrote.
AUDITED_VALUES = ["delivered", "reason", "pupils_by_year_group", "pupils_reached"]
AUDITED_TEXT = ["reason_other", "school_feedback", "officer_notes"]


def record_outcome(visit: Visit, user, answers: dict) -> tuple[VisitOutcome, bool]:
    """Save what the form found into the visit's outcome, new or changed, and audit it.
    Returns the outcome and whether it was new."""
    try:
        with transaction.atomic():
            return _record(visit, user, answers)
    except IntegrityError:
        # Someone else recorded this visit a moment ago: save again, as a change to theirs.
        with transaction.atomic():
            return _record(visit, user, answers)


def _record(visit, user, answers):
    outcome = VisitOutcome.objects.select_for_update().filter(visit=visit).first()
    created = outcome is None
    if created:
        outcome = VisitOutcome(visit=visit, recorded_by=user)
    before = {name: getattr(outcome, name) for name in AUDITED_VALUES + AUDITED_TEXT}
    outcome.delivered = answers["delivered"] == "yes"
    outcome.reason = answers["reason"]
    outcome.reason_other = answers["reason_other"]
    outcome.pupils_by_year_group = answers["pupils_by_year_group"]
    outcome.school_feedback = answers["school_feedback"]
    outcome.officer_notes = answers["officer_notes"]
    outcome.save()
    # Case systems hear of it in this same transaction (the outbox), or not at all.
    visit.outcome_recorded(outcome.delivered, outcome.for_case_systems())
    detail = {
        "visit": visit.pk,
        "officer": visit.officer_id,
        **{name: getattr(outcome, name) for name in AUDITED_VALUES},
    }
    if not created:
        detail["changed"] = {
            name: [before[name], getattr(outcome, name)] if name in AUDITED_VALUES else "changed"
            for name in AUDITED_VALUES + AUDITED_TEXT
            if before[name] != getattr(outcome, name)
        }
    AuditEvent.objects.create(
        user=user,
        action="delivery.outcome.record" if created else "delivery.outcome.change",
        target=f"Visit {visit.pk}: {visit.school.name}",
        detail=detail,
    )
    return outcome, created


@dataclass(frozen=True)
class OutcomeLine:
    """What the officer's week says about one visit's outcome."""

    summary: str  # blank until an outcome is recorded
    link: str  # blank while nothing can be recorded
    link_text: str


def outcome_lines(visits: list[Visit]) -> dict[int, OutcomeLine]:
    """Each visit's line, by visit id, from one query."""
    recorded = {o.visit_id: o for o in VisitOutcome.objects.filter(visit__in=[v.pk for v in visits])}
    lines = {}
    for visit in visits:
        outcome = recorded.get(visit.pk)
        recordable = can_be_recorded(visit)
        lines[visit.pk] = OutcomeLine(
            summary=outcome.summary if outcome else ("Not recorded yet" if recordable else ""),
            link=reverse("delivery:outcome", args=[visit.pk]) if recordable else "",
            link_text="Change the outcome" if outcome else "Record the outcome",
        )
    return lines
