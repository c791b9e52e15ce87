"""What staff see of the schools' side: unmet demand and the tier mix (partners, coordinators,
analysts), tiers to confirm (coordinators), schools' feedback and knowledge checks on an
agency's own sessions (partners), and concerns routed to the one person signed in."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.permissions import role_required
from safereach.catalogue.models import Session
from safereach.evidence.models import Dataset
from safereach.governance.access import visible_sensitive, withheld
from safereach.governance.gate import sensitive_gate
from safereach.schoolpage import concerns
from safereach.schoolpage.feedback import (
    POOR_BELOW,
    agency_figures,
    session_feedback,
    summarise,
    summarise_checks,
)
from safereach.schoolpage.forms import QuestionForm, TierDecisionForm
from safereach.schoolpage.models import Feedback, KnowledgeCheckResult, KnowledgeQuestion
from safereach.schoolpage.needs import (
    area_of,
    current_school_year,
    need_of,
    needs_asked_summary,
    tier_mix_rows,
    topic_label,
    unmet_demand_rows,
)
from safereach.schools.models import (
    TIER_DEFINITIONS,
    School,
    SchoolNeed,
    TierDecision,
    school_year_label,
)
from safereach.schools.tiers import awaits_decision, decide_tier

SEES_DEMAND = (Role.PARTNER, Role.COORDINATOR, Role.ANALYST)


def _school_year(request) -> int:
    current = current_school_year()
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        return current
    return year if current - 5 <= year <= current + 1 else current


@role_required(*SEES_DEMAND)
def unmet_demand(request):
    year = _school_year(request)
    rows = unmet_demand_rows(year)
    return render(request, "schoolpage/unmet_demand.html", {
        "rows": [(r, topic_label(r.topic)) for r in rows],
        "schools_unmet": len({(r.area, r.topic) for r in rows}),
        "school_year": school_year_label(year), "year": year,
        "years": [(y, school_year_label(y)) for y in range(current_school_year() - 1,
                                                           current_school_year() + 1)],
        "asked": needs_asked_summary(year), "tier_mix": tier_mix_rows(),
        "tier_definitions": TIER_DEFINITIONS,
    })


@role_required(*SEES_DEMAND)
def unmet_demand_csv(request):
    year = _school_year(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="unmet-demand-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(["school_year", "area", "topic", "cohort", "reason", "schools",
                     "schools_saying_pressing"])
    for r in unmet_demand_rows(year):
        writer.writerow([school_year_label(year), r.area, topic_label(r.topic), r.cohort,
                         r.reason, r.schools, r.pressing])
    AuditEvent.objects.create(user=request.user, action="schools.unmet_demand.export",
                              target=f"Unmet demand {school_year_label(year)}")
    return response


def _shown_decisions(request, decisions, limit: int = 20) -> list:
    """Tier decisions less those loaded from a dataset withheld from the user's agency (a
    council's file shared under an agreement that has ended): governance.access decides."""
    hidden = {d.pk for d in withheld(request.user, Dataset.objects.filter(kind="tiers"))}
    return list(decisions.exclude(dataset__in=hidden)[:limit])


def _sensitive_of(request, decisions) -> list:
    ids = {d.dataset_id for d in decisions if d.dataset_id}
    return visible_sensitive(request.user, Dataset.objects.filter(pk__in=ids)) if ids else []


@role_required(Role.COORDINATOR)
def tiers(request):
    """Schools whose own view of their tier awaits a coordinator, and the latest decisions."""
    year = current_school_year()
    stated = (SchoolNeed.objects.filter(school_year=year).exclude(own_tier=None)
              .select_related("school__lsoa__district"))
    waiting = [n for n in stated if awaits_decision(n.school, n)]
    query = request.GET.get("q", "").strip()[:100]
    found = []
    if query:
        match = School.objects.filter(name__icontains=query)
        if query.isdigit():
            match = School.objects.filter(urn=int(query)) | match
        found = list(match[:25])
    recent = _shown_decisions(request, TierDecision.objects.select_related("school", "decided_by"))
    gate = sensitive_gate(request, _sensitive_of(request, recent), what="schools' tiers")
    if gate:
        return gate
    return render(request, "schoolpage/tiers.html", {
        "waiting": [(n, area_of(n.school)) for n in waiting], "recent": recent,
        "query": query, "found": found, "school_year": school_year_label(year)})


@role_required(Role.COORDINATOR)
def tier_decision(request, urn):
    school = get_object_or_404(School.objects.select_related("lsoa__district"), urn=urn)
    need = need_of(school, current_school_year())
    initial = {"tier": need.own_tier if need and need.own_tier else school.need_tier}
    form = TierDecisionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        decide_tier(school, form.cleaned_data["tier"], form.cleaned_data["reason"], request.user)
        messages.success(request, f"{school.name} is now {school.get_need_tier_display()}.")
        return redirect("schoolpage:tiers")
    history = _shown_decisions(request, school.tier_decisions.select_related("decided_by"), 10)
    gate = sensitive_gate(request, _sensitive_of(request, history), what=f"tiers of school {school.urn}")
    if gate:
        return gate
    return render(request, "schoolpage/tier_decision.html", {
        "school": school, "need": need, "form": form, "area": area_of(school),
        "history": history,
        "tier_definitions": TIER_DEFINITIONS})


def _own_agency(request):
    if request.user.agency is None:
        raise PermissionDenied("Your account is not linked to an agency.")
    return request.user.agency


@role_required(Role.PARTNER, Role.COORDINATOR)
def feedback_overview(request):
    """Schools' feedback on the agency's own sessions; sessions with poor feedback first."""
    agency = _own_agency(request)
    feedback = list(Feedback.objects.filter(visit__session__partner=agency).select_related("visit"))
    checks = list(KnowledgeCheckResult.objects.filter(visit__session__partner=agency)
                  .select_related("visit"))
    rows = []
    for session in Session.objects.filter(partner=agency):
        summary = summarise([f for f in feedback if f.visit.session_id == session.pk])
        check = summarise_checks([c for c in checks if c.visit.session_id == session.pk])
        rows.append({"session": session, "summary": summary, "check": check})
    rows.sort(key=lambda r: (not r["summary"].is_poor, -r["summary"].responses,
                             r["session"].title))
    return render(request, "schoolpage/feedback_overview.html", {
        "agency": agency, "rows": rows, "figures": agency_figures(agency),
        "checks": summarise_checks(checks), "poor_below": POOR_BELOW})


def _own_session(request, slug) -> Session:
    return get_object_or_404(Session, slug=slug, partner=_own_agency(request))


@role_required(Role.PARTNER, Role.COORDINATOR)
def session_feedback_page(request, slug):
    """One session's feedback and knowledge-check scores, and its questions to edit."""
    session = _own_session(request, slug)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        last = session.knowledge_questions.order_by("-position").first()
        KnowledgeQuestion.objects.create(
            session=session, position=(last.position + 1) if last else 1,
            text=form.cleaned_data["text"].strip(), answers=form.answers(),
            correct=form.correct_index())
        messages.success(request, "Question added to the knowledge check.")
        return redirect("schoolpage:session-feedback", slug=slug)
    feedback = sorted(session_feedback(session), key=lambda f: f.given_at, reverse=True)
    checks = list(KnowledgeCheckResult.objects.filter(visit__session=session)
                  .select_related("visit__school"))
    return render(request, "schoolpage/session_feedback.html", {
        "session": session, "summary": summarise(feedback), "feedback": feedback,
        "check": summarise_checks(checks), "checks": checks, "form": form,
        "questions": session.knowledge_questions.all(), "poor_below": POOR_BELOW})


@require_POST
@role_required(Role.PARTNER, Role.COORDINATOR)
def delete_question(request, slug, pk):
    session = _own_session(request, slug)
    question = get_object_or_404(KnowledgeQuestion, pk=pk, session=session)
    question.delete()
    messages.success(request, "Question removed. Results already recorded keep it.")
    return redirect("schoolpage:session-feedback", slug=slug)


@never_cache
@login_required
def concerns_inbox(request):
    """The concerns routed to the person signed in: theirs alone, never a shared listing."""
    routed = list(concerns.routed_to(request.user))
    AuditEvent.objects.create(user=request.user, action="schools.concern.list",
                              target=f"{len(routed)} concerns")
    return render(request, "schoolpage/concerns_inbox.html", {"concerns": routed})


@never_cache
@login_required
def concern_detail(request, reference):
    concern = concerns.open_concern(request.user, reference, request.path)
    if concern is None:
        # Not found, whether it exists or not: nobody learns of a concern not routed to them.
        raise Http404("No concern with this reference was routed to you")
    return render(request, "schoolpage/concern_detail.html", {
        "concern": concern, "agencies": concern.agencies.all(),
        "recipients": concern.recipients.all()})
