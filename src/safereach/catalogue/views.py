from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from safereach.accounts.models import Agency, Role
from safereach.accounts.permissions import role_required
from safereach.catalogue.forms import CatalogueFilter, SessionForm
from safereach.catalogue.models import KEY_STAGES, Session
from safereach.catalogue.open_referral import catalogue_document
from safereach.catalogue.session_page import sections_for
from safereach.schools.models import School


def published_sessions():
    return Session.objects.filter(is_published=True).select_related("partner", "programme")


def filter_sessions(sessions, filters: dict, school: School | None = None) -> list[Session]:
    """Sessions matching the chosen topic, key stage, partner and cost, and suiting `school`
    when one is given; key stages come from year groups (a JSON list), so those tests run in
    Python: a catalogue is tens of sessions."""
    if filters.get("programme"):
        sessions = sessions.filter(programme=filters["programme"])
    if filters.get("partner"):
        sessions = sessions.filter(partner__slug=filters["partner"])
    if filters.get("free_only"):
        sessions = sessions.filter(cost_pence=0)
    sessions = list(sessions)
    if filters.get("key_stage"):
        years = set(KEY_STAGES[filters["key_stage"]])
        sessions = [s for s in sessions if years & set(s.year_groups)]
    if school is not None:
        sessions = [s for s in sessions if s.suits(school)]
    return sessions


def _school_asked_for(request) -> tuple[School | None, str]:
    """The school whose pupils the catalogue is shown for (`?school=URN`), and the URN as
    given when no school has it."""
    urn = request.GET.get("school", "").strip()
    school = School.objects.filter(urn=int(urn)).first() if urn.isdigit() and len(urn) <= 9 else None
    return school, "" if school or not urn else urn


def catalogue(request):
    partners = Agency.objects.filter(sessions__is_published=True).distinct()
    form = CatalogueFilter(request.GET or None, partners=partners)
    filters = form.cleaned_data if form.is_valid() else {}
    school, unknown_urn = _school_asked_for(request)
    sessions = filter_sessions(published_sessions(), filters, school)
    return render(
        request,
        "catalogue/catalogue.html",
        {
            "form": form,
            "sessions": sessions,
            "school": school,
            "unknown_urn": unknown_urn,
            "filtered": bool(school) or (any(filters.values()) if filters else False),
            "total": Session.objects.filter(is_published=True).count(),
        },
    )


def session_detail(request, slug):
    session = get_object_or_404(published_sessions(), slug=slug)
    return render(request, "catalogue/session.html", {"session": session, "sections": sections_for(session)})


def open_referral(request):
    """The whole published catalogue as Open Referral UK JSON."""
    base_url = request.build_absolute_uri("/").rstrip("/")
    document = catalogue_document(published_sessions().order_by("pk"), base_url)
    response = JsonResponse(document, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'inline; filename="safereach-catalogue-openreferral.json"'
    return response


def _own_agency(request) -> Agency:
    if request.user.agency is None:
        raise PermissionDenied("Your account is not linked to an agency.")
    return request.user.agency


@role_required(Role.PARTNER, Role.COORDINATOR)
def our_sessions(request):
    agency = _own_agency(request)
    return render(
        request,
        "catalogue/our_sessions.html",
        {"agency": agency, "sessions": Session.objects.filter(partner=agency).select_related("programme")},
    )


@role_required(Role.PARTNER, Role.COORDINATOR)
def edit_session(request, slug=None):
    """Partners edit their own sessions only: another agency's session is not found."""
    agency = _own_agency(request)
    session = get_object_or_404(Session, slug=slug, partner=agency) if slug else None
    form = SessionForm(request.POST if request.method == "POST" else None, instance=session, partner=agency)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Saved “{saved.title}”.")
        return redirect("catalogue:our-sessions")
    return render(request, "catalogue/edit_session.html", {"form": form, "session": session})
