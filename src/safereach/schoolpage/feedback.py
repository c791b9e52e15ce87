"""Schools' feedback on delivered visits: asking for it once, summing it up per session, and
flagging a session whose feedback is poor to its partner.

A session's feedback is poor when at least POOR_AFTER responses have come in and their mean
usefulness is below POOR_BELOW out of 5: one bad day is not a pattern, two is worth a look.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from safereach.accounts.models import Role, User
from safereach.bookings.models import Visit
from safereach.core.small_counts import FEWER_THAN_SMALL, enough_to_summarise
from safereach.delivery.reach import VisitResults, school_year_of
from safereach.schoolpage.links import feedback_url, knowledge_check_url, schools_settings
from safereach.schoolpage.models import Feedback, FeedbackRequest, KnowledgeCheckResult

POOR_AFTER = 2
POOR_BELOW = 3.0


@dataclass(frozen=True)
class FeedbackSummary:
    responses: int
    mean_usefulness: float | None
    mean_officer: float | None
    fit: dict[str, int]  # Feedback.Fit label → responses
    about_right_share: float | None

    @property
    def is_poor(self) -> bool:
        return is_poor(self.responses, self.mean_usefulness)


def is_poor(responses: int, mean_usefulness: float | None) -> bool:
    return responses >= POOR_AFTER and mean_usefulness is not None and mean_usefulness < POOR_BELOW


def summarise(feedback: list[Feedback]) -> FeedbackSummary:
    if not feedback:
        return FeedbackSummary(0, None, None, {}, None)
    fit = {label: sum(f.fit == value for f in feedback) for value, label in Feedback.Fit.choices}
    return FeedbackSummary(
        responses=len(feedback),
        mean_usefulness=mean(f.usefulness for f in feedback),
        mean_officer=mean(f.officer_rating for f in feedback),
        fit=fit,
        about_right_share=fit[Feedback.Fit.ABOUT_RIGHT.label] / len(feedback),
    )


def session_feedback(session) -> list[Feedback]:
    return list(Feedback.objects.filter(visit__session=session).select_related(
        "visit__school", "visit__officer"))


@dataclass(frozen=True)
class CheckSummary:
    classes: int  # classes that took the check straight after the visit
    pupils: int
    after: float | None  # share right straight after, over the classes that took it
    six_weeks: float | None  # share right six weeks on, over the classes that took both
    after_of_repeaters: float | None  # the same classes' share straight after, to compare


def summarise_checks(results: list[KnowledgeCheckResult]) -> CheckSummary:
    """Class-level knowledge-check scores, weighted by pupils. What was kept six weeks on is
    compared with the same classes' scores after the visit, not with every class's."""
    def pooled(rows):
        asked = sum(r.pupils * len(r.correct_counts) for r in rows)
        return sum(sum(r.correct_counts) for r in rows) / asked if asked else None

    after = {r.visit_id: r for r in results if r.round == KnowledgeCheckResult.Round.AFTER}
    later = [r for r in results if r.round == KnowledgeCheckResult.Round.SIX_WEEKS]
    repeaters = [after[r.visit_id] for r in later if r.visit_id in after]
    return CheckSummary(
        classes=len(after), pupils=sum(r.pupils for r in after.values()),
        after=pooled(list(after.values())), six_weeks=pooled(later),
        after_of_repeaters=pooled(repeaters))


def public_results(session) -> dict:
    """What the session's public page says of its feedback and knowledge checks: averages and
    shares only, each over enough schools or classes that none is its own figure (the small
    counts rule); otherwise only that there are fewer than 5."""
    summary = summarise(session_feedback(session))
    checks = summarise_checks(list(KnowledgeCheckResult.objects.filter(visit__session=session)))
    repeated = KnowledgeCheckResult.objects.filter(
        visit__session=session, round=KnowledgeCheckResult.Round.SIX_WEEKS).count()
    return {
        "feedback": summary if enough_to_summarise(summary.responses) else None,
        "feedback_count": summary.responses,
        "check": checks if enough_to_summarise(checks.classes) else None,
        "check_count": checks.classes,
        "six_weeks_shown": enough_to_summarise(repeated),
        "six_weeks_count": repeated,
        "fewer_than": FEWER_THAN_SMALL,
        "repeat_days": schools_settings()["KNOWLEDGE_CHECK_REPEAT_DAYS"],
    }


def visit_results(agency_id: int | None = None) -> list[VisitResults]:
    """Each visit's feedback and class scores (of `agency_id`'s sessions, or every agency's) as
    the reach figures add them up: class totals only, never a pupil."""
    feedback = Feedback.objects.all()
    checks = KnowledgeCheckResult.objects.all()
    if agency_id is not None:
        feedback = feedback.filter(visit__session__partner_id=agency_id)
        checks = checks.filter(visit__session__partner_id=agency_id)
    visits: dict[int, dict] = {}

    def visit(pk, agency, programme, starts_at) -> dict:
        return visits.setdefault(pk, {"agency_id": agency, "programme": programme,
                                      "school_year": school_year_of(timezone.localdate(starts_at))})

    where = ("visit_id", "visit__session__partner_id", "visit__session__programme__slug", "visit__starts_at")
    for *about, usefulness, fit in feedback.values_list(*where, "usefulness", "fit"):
        visit(*about).update(usefulness=usefulness, about_right=fit == Feedback.Fit.ABOUT_RIGHT)
    for *about, round_, pupils, counts in checks.values_list(*where, "round", "pupils", "correct_counts"):
        key = "after" if round_ == KnowledgeCheckResult.Round.AFTER else "six_weeks"
        visit(*about)[key] = (sum(counts), pupils * len(counts))
    return [VisitResults(**v) for v in visits.values()]


def repeat_opens_on(visit: Visit) -> date:
    days = schools_settings()["KNOWLEDGE_CHECK_REPEAT_DAYS"]
    return timezone.localdate(visit.starts_at) + timedelta(days=days)


def contact_for(visit: Visit) -> str:
    return visit.booking.contact_email if visit.booking_id else ""


def ask_for_feedback(visit: Visit, site_url: str) -> FeedbackRequest | None:
    """Email the school contact the feedback link for a delivered visit, once. None when the
    visit has no booking contact to ask, or was asked already."""
    to = contact_for(visit)
    if not to or not site_url:
        return None
    with transaction.atomic():
        request, created = FeedbackRequest.objects.get_or_create(visit=visit,
                                                                 defaults={"sent_to": to})
        if not created:
            return None
        context = {"visit": visit, "site_url": site_url, "feedback_url": feedback_url(visit),
                   "check_url": knowledge_check_url(visit) if has_check(visit) else "",
                   "repeat_on": repeat_opens_on(visit)}
        message = EmailMessage(
            f"How did {visit.session.title} go at {visit.school.name}?",
            render_to_string("schoolpage/email/feedback_request.txt", context), to=[to])
        transaction.on_commit(message.send)
    return request


def remind_to_repeat(today: date, site_url: str) -> int:
    """Remind schools whose class took a check after a visit six weeks ago to take it again."""
    sent = 0
    due = (FeedbackRequest.objects.filter(repeat_reminder_sent_at=None,
                                          visit__knowledge_checks__round="after")
           .exclude(visit__knowledge_checks__round="six-weeks")
           .select_related("visit__session", "visit__school").distinct())
    for request in due:
        visit = request.visit
        if repeat_opens_on(visit) > today:
            continue
        body = render_to_string("schoolpage/email/repeat_check.txt", {
            "visit": visit, "site_url": site_url, "check_url": knowledge_check_url(visit)})
        EmailMessage(f"Six weeks on: the {visit.session.title} knowledge check",
                     body, to=[request.sent_to]).send()
        request.repeat_reminder_sent_at = timezone.now()
        request.save(update_fields=["repeat_reminder_sent_at"])
        sent += 1
    return sent


def has_check(visit: Visit) -> bool:
    return visit.session.knowledge_questions.exists()


def save_feedback(visit: Visit, answers: dict, given_by: str) -> tuple[Feedback, bool]:
    """Store the school's feedback (a second answer replaces the first) and tell the partner
    when it tips the session into poor feedback. Returns the feedback and whether it did."""
    session = visit.session
    with transaction.atomic():
        before = summarise(session_feedback(session))
        feedback, _ = Feedback.objects.update_or_create(
            visit=visit, defaults={**answers, "given_by": given_by, "given_at": timezone.now()})
        after = summarise(session_feedback(session))
        flagged = after.is_poor and not before.is_poor
        if flagged:
            transaction.on_commit(lambda: flag_to_partner(session, after))
    return feedback, flagged


def partner_staff(agency) -> list[str]:
    """The agency's partner and coordinator staff: those who look after its sessions."""
    users = User.objects.filter(agency=agency, is_active=True)
    return sorted(u.email for u in users if {Role.PARTNER, Role.COORDINATOR} & set(u.roles or []))


def flag_to_partner(session, summary: FeedbackSummary) -> None:
    to = partner_staff(session.partner)
    if not to:
        return
    body = render_to_string("schoolpage/email/poor_feedback.txt", {
        "session": session, "summary": summary, "site_url": getattr(settings, "SAFEREACH_SITE_URL", ""),
        "poor_below": POOR_BELOW})
    EmailMessage(f"Schools' feedback on {session.title} needs a look", body, to=to).send()


def agency_figures(agency) -> list[dict]:
    """Figures for an agency's reach: schools' responses, mean usefulness, sessions flagged,
    and what classes got right in knowledge checks after a visit. (number, label) dicts."""
    feedback = list(Feedback.objects.filter(visit__session__partner=agency).select_related("visit"))
    by_session: dict[int, list[Feedback]] = {}
    for f in feedback:
        by_session.setdefault(f.visit.session_id, []).append(f)
    overall = summarise(feedback)
    checks = summarise_checks(list(KnowledgeCheckResult.objects.filter(
        visit__session__partner=agency)))
    if not overall.responses and not checks.classes:
        return []
    figures = [{"number": overall.responses, "label": "feedback responses from schools"}]
    if overall.responses:
        useful = sum(f.usefulness >= 4 for f in feedback)
        figures.append({"number": round(100 * useful / len(feedback)),
                        "label": "% of responses rate the session useful (4 or 5 out of 5)"})
        figures.append({"number": sum(summarise(fs).is_poor for fs in by_session.values()),
                        "label": "sessions flagged for poor feedback"})
    if checks.classes:
        figures.append({"number": round(100 * checks.after),
                        "label": f"% of knowledge-check answers right after a visit "
                                 f"({checks.classes} classes)"})
    return figures
