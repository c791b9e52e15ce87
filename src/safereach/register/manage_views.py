"""Protection staff's pages: their service's notices, recording a notice and what happens to it,
importing a file, and (for managers) what the register owes in the next 14 days."""

import tempfile
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.evidence.importers.base import LoadFailed
from safereach.register import clock, rules
from safereach.register.due import due
from safereach.register.forms import EventForm, ImportForm, NoticeForm, StrikeOutForm, add_problems
from safereach.register.importer import import_files
from safereach.register.models import RegisterNotice, with_rules
from safereach.register.records import NotRecorded, Who, correct_details, record_event, record_notice
from safereach.register.rules import AppealOutcome, ClaimOutcome, EventKind

STAFF = (Role.PROTECTION_OFFICER, Role.PROTECTION_MANAGER)
PAGE_SIZE = 50
SHOWN_PROBLEMS = 50


def _agency_or_page(request):
    """The user's fire and rescue service, or the page saying they have none."""
    if request.user.agency is None:
        return None, render(request, "register/manage/no_agency.html", status=403)
    return request.user.agency, None


def _notice(request, pk) -> RegisterNotice:
    return get_object_or_404(
        RegisterNotice.objects.select_related("agency", "district"), pk=pk, agency=request.user.agency
    )


@role_required(*STAFF)
def notices(request):
    agency, refused = _agency_or_page(request)
    if refused:
        return refused
    q = " ".join(request.GET.get("q", "").split())[:100]
    found = RegisterNotice.objects.filter(agency=agency).select_related("district")
    if q:
        found = found.filter(
            Q(number__icontains=q)
            | Q(recipient__icontains=q)
            | Q(premises_name__icontains=q)
            | Q(address__icontains=q)
            | Q(postcode__icontains=q)
        )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    for notice, as_rules in with_rules(page.object_list):
        notice.standing = rules.standing(as_rules, today, keep_years=clock.keep_years())
    return render(
        request,
        "register/manage/notices.html",
        {
            "agency": agency,
            "page": page,
            "q": q,
            "is_manager": request.user.has_role(Role.PROTECTION_MANAGER),
        },
    )


@role_required(*STAFF)
def new_notice(request):
    agency, refused = _agency_or_page(request)
    if refused:
        return refused
    today = clock.today()
    form = NoticeForm(_posted(request), agency=agency, today=today)
    return _form_page(
        request,
        form,
        "register/manage/notice_form.html",
        {"notice": None},
        record=lambda: record_notice(agency, form.details(), Who(request.user), today=today),
        done=lambda notice: (notice, f"Notice {notice.number} recorded"),
    )


@role_required(*STAFF)
def notice(request, pk):
    found = _notice(request, pk)
    events = list(found.events.select_related("recorded_by", "corrects").order_by("on", "recorded_at", "id"))
    today = clock.today()
    standing = rules.standing(found.as_rules(events), today, keep_years=clock.keep_years())
    struck = {e.corrects_id for e in events if e.kind == EventKind.IN_ERROR}
    for e in events:
        e.is_struck = e.pk in struck
    return render(
        request,
        "register/manage/notice.html",
        {
            "notice": found,
            "events": events,
            "standing": standing,
            "today": today,
            "recordable": _recordable(found, today),
            "can_strike": any(e.event_kind in rules.STRIKABLE and not e.is_struck for e in events),
        },
    )


def _recordable(notice, today) -> list[EventKind]:
    """The kinds of event it makes sense to record now: those the rules would allow on some day
    (a problem with only the date or a detail still lets the form be offered)."""
    known = notice.as_rules().known_on(today)
    kinds = []
    for kind in rules.RECORDABLE:
        outcome = {
            EventKind.APPEAL_DECIDED: AppealOutcome.UPHELD,
            EventKind.TRADE_SECRET_DECIDED: ClaimOutcome.UPHELD,
        }.get(kind, "")
        trial = rules.Event(
            kind,
            today,
            today,
            id=-1,
            outcome=outcome,
            compliance_date=date.max if kind == EventKind.EXTENDED else None,
            articles=(rules.Article(9, "x"),) if kind == EventKind.VARIED else None,
        )
        if all(name is not None for name, _ in rules.problems_with_event(known, trial, today)):
            kinds.append(kind)
    return kinds


@role_required(*STAFF)
def edit_notice(request, pk):
    found = _notice(request, pk)
    today = clock.today()
    form = NoticeForm(
        _posted(request),
        initial=NoticeForm.initial_from(found),
        agency=found.agency,
        today=today,
        notice=found,
    )
    return _form_page(
        request,
        form,
        "register/manage/notice_form.html",
        {"notice": found},
        record=lambda: correct_details(
            found,
            form.details(),
            Who(request.user),
            note=form.cleaned_data["correction_note"].strip(),
            today=today,
        ),
        done=lambda event: (found, "Details corrected" if event else "Nothing was changed"),
    )


@role_required(*STAFF)
def add_event(request, pk, kind):
    found = _notice(request, pk)
    if kind not in {k.value for k in rules.RECORDABLE}:
        raise Http404("No such kind of event")
    kind = EventKind(kind)
    today = clock.today()
    form = EventForm(_posted(request), kind=kind, notice=found, today=today)
    return _form_page(
        request,
        form,
        "register/manage/event_form.html",
        {"notice": found, "kind": kind},
        record=lambda: record_event(found, form.event(), Who(request.user), today=today),
        done=lambda event: (found, f"{kind.label} recorded"),
    )


@role_required(*STAFF)
def strike_out(request, pk):
    found = _notice(request, pk)
    today = clock.today()
    events = list(found.events.order_by("on", "recorded_at"))
    struck = {e.corrects_id for e in events if e.kind == EventKind.IN_ERROR}
    standing = [e for e in events if e.pk not in struck and e.kind != EventKind.IN_ERROR]
    form = StrikeOutForm(_posted(request), notice=found, standing_events=standing, today=today)
    return _form_page(
        request,
        form,
        "register/manage/strike_out.html",
        {"notice": found},
        record=lambda: record_event(found, form.event(), Who(request.user), today=today),
        done=lambda event: (found, "Event struck out"),
    )


def _posted(request):
    """What was posted, or None for a form shown afresh (a POST with nothing in it is still a
    POST, and is answered with its errors)."""
    return request.POST if request.method == "POST" else None


def _form_page(request, form, template, context, *, record, done):
    """A form that records something on a notice. A valid POST calls `record()`; if the rules
    refuse it (say, another officer recorded the same thing a moment before), their problems go
    on the form. Otherwise `done(result)` gives the notice to go back to and what to tell the
    person. A form with problems is shown again with them, as typed, and changes nothing."""
    if request.method == "POST" and form.is_valid():
        try:
            result = record()
        except NotRecorded as refusal:
            add_problems(form, refusal.problems)
        else:
            notice, message = done(result)
            messages.success(request, message)
            return redirect("register:notice", pk=notice.pk)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


@role_required(*STAFF)
def import_notices(request):
    agency, refused = _agency_or_page(request)
    if refused:
        return refused
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    problems, hidden = [], 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name).name
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                outcome = import_files([path], agency, Who(request.user), labels={str(path): name})
            except LoadFailed as failed:
                problems = failed.problems[:SHOWN_PROBLEMS]
                hidden = len(failed.problems) - len(problems)
                count = len(failed.problems)
                form.add_error(
                    "file",
                    f"The file has {count} problem{'s' if count != 1 else ''}, listed below: "
                    "nothing was recorded",
                )
            else:
                messages.success(
                    request,
                    f"Recorded {outcome.notices} new notice{'s' if outcome.notices != 1 else ''}"
                    f" and {outcome.events} event{'s' if outcome.events != 1 else ''}"
                    + (
                        f"; {outcome.skipped} row{'s were' if outcome.skipped != 1 else ' was'} "
                        "already recorded"
                        if outcome.skipped
                        else ""
                    ),
                )
                return redirect("register:notices")
    return render(
        request,
        "register/manage/import.html",
        {"form": form, "problems": problems, "hidden": hidden},
        status=400 if form.errors else 200,
    )


@role_required(Role.PROTECTION_MANAGER)
def due_page(request):
    agency, refused = _agency_or_page(request)
    if refused:
        return refused
    today = clock.today()
    everything = request.GET.get("missed") == "all"
    found = due(
        RegisterNotice.objects.filter(agency=agency),
        today,
        keep_years=clock.keep_years(),
        all_missed=everything,
    )
    return render(
        request,
        "register/manage/due.html",
        {
            "due": found,
            "today": today,
            "agency": agency,
            "all_missed": everything,
            "notices_url": reverse("register:notices"),
        },
    )
