"""The school's side, reached by signed links: no password. A school's page link opens only its
own school and only while the address it was sent to is still one the school is known by."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from safereach.bookings.links import manage_url
from safereach.bookings.models import Booking, Visit, is_known_address
from safereach.catalogue.models import YEAR_LABEL
from safereach.core.rate_limit import over_limit, too_many
from safereach.delivery.models import VisitOutcome
from safereach.schoolpage import concerns
from safereach.schoolpage.feedback import has_check, repeat_opens_on, save_feedback
from safereach.schoolpage.forms import (
    AskForLinkForm,
    ConcernForm,
    FeedbackForm,
    KnowledgeCheckForm,
    NeedForm,
)
from safereach.schoolpage.links import (
    BadLink,
    feedback_url,
    knowledge_check_url,
    read_school_token,
    read_visit_token,
    school_page_url,
    schools_settings,
)
from safereach.schoolpage.mail import send_school_link
from safereach.schoolpage.models import Feedback, KnowledgeCheckResult
from safereach.schoolpage.needs import current_school_year, need_of, save_need, sessions_suiting, topic_label
from safereach.schools.models import TIER_DEFINITIONS, Concern, School, school_year_label
from safereach.schools.tiers import awaits_decision


def site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class LinkProblem(Exception):
    def __init__(self, expired: bool):
        self.expired = expired


def link_problem(request, problem: LinkProblem):
    return render(request, "schoolpage/link_problem.html", {"expired": problem.expired}, status=404)


def _school_from(token: str) -> tuple[School, str]:
    try:
        school_id, email = read_school_token(token)
    except BadLink as bad:
        raise LinkProblem(bad.expired) from None
    school = School.objects.filter(pk=school_id).select_related("lsoa__district").first()
    # An address the school no longer vouches for loses its links at once.
    if school is None or not is_known_address(school, email):
        raise LinkProblem(expired=False)
    return school, email


def _visit_from(token: str) -> Visit:
    try:
        visit_id = read_visit_token(token)
    except BadLink as bad:
        raise LinkProblem(bad.expired) from None
    visit = (Visit.objects.select_related("school", "session__partner", "officer", "booking")
             .filter(pk=visit_id).first())
    if visit is None:
        raise LinkProblem(expired=False)
    return visit


def school_link_view(view):
    """Views under a school's page link get the school and the contact's email, or the page
    that says the link has expired or is not valid."""
    def wrapped(request, token, *args, **kwargs):
        try:
            school, email = _school_from(token)
        except LinkProblem as problem:
            return link_problem(request, problem)
        return view(request, token, school, email, *args, **kwargs)
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return never_cache(wrapped)


def ask_for_link(request):
    """A school contact asks for the link to the school's page. The same answer whether or not
    the address is known, so the form cannot be used to find out who is."""
    if request.method == "POST":
        if over_limit(request, "school-links", emails_others=True):
            return too_many(request)
        form = AskForLinkForm(request.POST)
        if form.is_valid():
            school = School.objects.get(urn=form.cleaned_data["urn"])
            email = form.cleaned_data["email"].strip().lower()
            if is_known_address(school, email):
                send_school_link(school, email, site_url(request))
            request.session["school_link_asked"] = {"school": school.name, "email": email}
            return redirect("schoolpage:link-sent")
    else:
        form = AskForLinkForm()
    return render(request, "schoolpage/ask_for_link.html",
                  {"form": form, "days": schools_settings()["SCHOOL_LINK_DAYS"]})


def link_sent(request):
    asked = request.session.get("school_link_asked")
    if not asked:
        return redirect("schoolpage:ask")
    return render(request, "schoolpage/link_sent.html", {"asked": asked})


@school_link_view
def school_page(request, token, school, email):
    year = current_school_year()
    bookings = (Booking.objects.filter(school=school).exclude(
        status__in=[Booking.Status.CANCELLED, Booking.Status.RELEASED, Booking.Status.REQUESTED])
        .prefetch_related("sessions"))
    now = timezone.now()
    visits = list(Visit.objects.filter(school=school, status__in=Visit.LIVE)
                  .select_related("session__partner", "officer", "outcome", "feedback")
                  .order_by("starts_at"))
    ahead = [v for v in visits if v.starts_at >= now]
    delivered = [v for v in visits if v.starts_at < now and _delivered(v)]
    delivered.reverse()
    need = need_of(school, year)
    return render(request, "schoolpage/page.html", {
        "token": token, "school": school, "email": email,
        "bookings": [(b, manage_url(b)) for b in bookings],
        "ahead": ahead,
        "delivered": [{"visit": v, "feedback_url": feedback_url(v),
                       "check_url": knowledge_check_url(v) if has_check(v) else "",
                       "feedback": getattr(v, "feedback", None) if _has_feedback(v) else None}
                      for v in delivered[:20]],
        "suiting": sessions_suiting(school)[:30],
        "need": need, "need_topics": [topic_label(t) for t in need.topics] if need else [],
        "need_years": [YEAR_LABEL[y] for y in need.year_groups if y in YEAR_LABEL] if need else [],
        "school_year": school_year_label(year),
        "tier_awaits_decision": awaits_decision(school, need),
        "latest_decision": school.tier_decisions.order_by("-decided_at", "-pk").first(),
        "concerns_sent": Concern.objects.filter(school=school).count(),
    })


def _delivered(visit) -> bool:
    try:
        return visit.outcome.delivered
    except VisitOutcome.DoesNotExist:
        return False


def _has_feedback(visit) -> bool:
    try:
        return visit.feedback is not None
    except Feedback.DoesNotExist:
        return False


@school_link_view
def needs(request, token, school, email):
    """What would help your school: topics, cohorts, urgency and its own view of its tier."""
    year = current_school_year()
    need = need_of(school, year)
    initial = {} if need else {"contact_email": email}
    form = NeedForm(request.POST if request.method == "POST" else None, instance=need,
                    initial=initial, school=school)
    if request.method == "POST":
        if over_limit(request):
            return too_many(request)
        if form.is_valid():
            save_need(school, year, {f: form.cleaned_data[f] for f in NeedForm.Meta.fields})
            return redirect(reverse("schoolpage:page", args=[token]) + "?saved=need#what-would-help")
    return render(request, "schoolpage/needs.html", {
        "token": token, "school": school, "form": form, "school_year": school_year_label(year),
        "tier_definitions": TIER_DEFINITIONS})


@school_link_view
def share_concern(request, token, school, email):
    """The designated safeguarding lead passes on a concern. Plain HTML: works without
    JavaScript; no file is accepted."""
    areas = concerns.areas_for(school)
    form = ConcernForm(request.POST if request.method == "POST" else None, areas=areas,
                       initial={"reporter_email": email})
    no_route = False
    attachment_refused = False
    if request.method == "POST":
        if over_limit(request, "concerns", emails_others=True):
            return too_many(request)
        attachment_refused = bool(request.FILES)
        if form.is_valid() and not attachment_refused:
            concern, routing = concerns.pass_on(school, form.cleaned_data, site_url(request))
            if concern is not None:
                return redirect("schoolpage:concern-sent", token=token, reference=concern.reference)
            no_route = True
    return render(request, "schoolpage/share_concern.html", {
        "token": token, "school": school, "form": form, "no_route": no_route,
        "attachment_refused": attachment_refused, "settings": schools_settings()},
        status=200)


@school_link_view
def concern_sent(request, token, school, email, reference):
    concern = get_object_or_404(Concern.objects.prefetch_related("agencies"), school=school,
                                reference=reference)
    return render(request, "schoolpage/concern_sent.html", {
        "token": token, "school": school, "concern": concern, "settings": schools_settings()})


@never_cache
def feedback(request, token):
    """How it went: the school's feedback on a delivered visit."""
    try:
        visit = _visit_from(token)
    except LinkProblem as problem:
        return link_problem(request, problem)
    if not _delivered(visit):
        raise Http404("This visit has not been recorded as delivered")
    existing = visit.feedback if _has_feedback(visit) else None
    form = FeedbackForm(request.POST if request.method == "POST" else None, instance=existing)
    if request.method == "POST":
        if over_limit(request):
            return too_many(request)
        if form.is_valid():
            given_by = visit.booking.contact_email if visit.booking_id else ""
            save_feedback(visit, {f: form.cleaned_data[f] for f in FeedbackForm.Meta.fields},
                          given_by)
            return render(request, "schoolpage/feedback_thanks.html", {
                "visit": visit, "check_url": knowledge_check_url(visit) if has_check(visit) else "",
                "school_page": _page_for_booking_contact(visit)})
    return render(request, "schoolpage/feedback.html",
                  {"visit": visit, "form": form, "existing": existing})


def _page_for_booking_contact(visit) -> str:
    if visit.booking_id and is_known_address(visit.school, visit.booking.contact_email):
        return school_page_url(visit.school, visit.booking.contact_email)
    return ""


@never_cache
def knowledge_check(request, token):
    """The class's knowledge-check results, straight after the visit and six weeks later."""
    try:
        visit = _visit_from(token)
    except LinkProblem as problem:
        return link_problem(request, problem)
    if not _delivered(visit):
        raise Http404("This visit has not been recorded as delivered")
    questions = list(visit.session.knowledge_questions.all())
    if not questions:
        raise Http404("This session has no knowledge check")
    results = {r.round: r for r in visit.knowledge_checks.all()}
    opens_on = repeat_opens_on(visit)
    today = timezone.localdate()
    if KnowledgeCheckResult.Round.AFTER not in results:
        round_ = KnowledgeCheckResult.Round.AFTER
    elif KnowledgeCheckResult.Round.SIX_WEEKS not in results and today >= opens_on:
        round_ = KnowledgeCheckResult.Round.SIX_WEEKS
    else:
        round_ = None
    form = None
    if round_ is not None:
        form = KnowledgeCheckForm(request.POST if request.method == "POST" else None,
                                  questions=questions)
        if request.method == "POST":
            if over_limit(request):
                return too_many(request)
            if form.is_valid():
                KnowledgeCheckResult.objects.get_or_create(
                    visit=visit, round=round_, defaults={
                        "pupils": form.cleaned_data["pupils"],
                        "questions": [{"text": q.text, "answers": q.answers, "correct": q.correct}
                                      for q in questions],
                        "correct_counts": form.correct_counts()})
                return redirect(reverse("schoolpage:knowledge-check", args=[token]) + "?saved=1")
    return render(request, "schoolpage/knowledge_check.html", {
        "visit": visit, "questions": questions, "form": form, "round": round_,
        "round_label": KnowledgeCheckResult.Round(round_).label if round_ else "",
        "results": [results[r] for r in KnowledgeCheckResult.Round.values if r in results],
        "opens_on": opens_on, "saved": "saved" in request.GET})

