"""The impact pages: a programme's latest estimate (or why there is none) with what the design
can and cannot show, asking for a new one (a background run), and the stepped-wedge draws."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.bookings.models import Term
from safereach.catalogue.models import Programme as CatalogueProgramme
from safereach.delivery import charts
from safereach.delivery.impact_data import DESIGN, thresholds
from safereach.delivery.models import HoldBack, ImpactRun
from safereach.delivery.stepped_wedge import hold_back as draw_hold_back
from safereach.delivery.stepped_wedge import waiting_schools
from safereach.delivery.tasks import evaluate_impact
from safereach.matrix.models import Programme

logger = logging.getLogger(__name__)
ROLES = (Role.PARTNER, Role.COORDINATOR, Role.ANALYST)
MAY_RUN = (Role.COORDINATOR, Role.ANALYST)


def _programme(request, slug) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not programme.visible_to(request.user):
        raise PermissionDenied
    return programme


def _latest(programme):
    return programme.impact_runs.filter(state=ImpactRun.State.DONE).first()


@role_required(*ROLES)
def programmes(request):
    rows = []
    for programme in Programme.visible(request.user).order_by("name"):
        rows.append({"programme": programme, "run": _latest(programme)})
    return render(
        request,
        "delivery/impact_programmes.html",
        {"rows": rows, "may_hold_back": request.user.has_role(Role.COORDINATOR)},
    )


def reading(result: dict) -> dict:
    """The estimate in plain words, for the page's heading and summary."""
    if result.get("status") != "estimate":
        return {}
    overall = result["overall"]
    low, high = overall["ci95"]
    relative = overall["relative"]
    size = f"{abs(overall['incidents_a_month']):.2f} incidents a month near each school"
    share = "" if relative is None else f" ({abs(100 * relative):.0f}% of what they had before)"
    against = "compared with similar schools not yet visited"
    if high < 0:
        headline = f"Incidents near visited schools fell, {against}: by {size}{share}."
    elif low > 0:
        headline = f"Incidents near visited schools rose, {against}: by {size}{share}."
    else:
        headline = (
            "No change in incidents near visited schools could be told apart from noise, compared with "
            "similar schools not yet visited."
        )
    return {
        "headline": headline,
        "significant": high < 0 or low > 0,
        "pretrend_ok": result["pretrend"]["passed"],
    }


def _page(request, programme, run, *, status=200):
    shown = run if run is not None and run.state == ImpactRun.State.DONE else _latest(programme)
    result = shown.result if shown else None
    chart = None
    if result and result.get("status") == "estimate":
        chart = charts.event_study(
            [(p["months_from_term"], p["estimate"], *p["ci95"]) for p in result["event_study"]]
        )
    return render(
        request,
        "delivery/impact.html",
        {
            "programme": programme,
            "run": run,
            "shown": shown,
            "result": result,
            "reading": reading(result) if result else {},
            "chart": chart,
            "design": DESIGN,
            "thresholds": thresholds(),
            "may_run": request.user.has_role(*MAY_RUN),
            "may_hold_back": request.user.has_role(Role.COORDINATOR),
        },
        status=status,
    )


@role_required(*ROLES)
def programme_impact(request, slug):
    programme = _programme(request, slug)
    if request.method != "POST":
        return _page(request, programme, None)
    if not request.user.has_role(*MAY_RUN):
        raise PermissionDenied
    run = ImpactRun.objects.create(programme=programme, asked_by=request.user)
    try:
        evaluate_impact.enqueue(run.pk)
    except Exception as exc:
        logger.exception("Impact evaluation %s could not be enqueued", run.pk)
        run.fail(f"The evaluation could not be started: {exc}")
    return redirect("delivery:impact-run", slug=programme.slug, pk=run.pk)


def _run(request, slug, pk):
    programme = _programme(request, slug)
    run = get_object_or_404(programme.impact_runs, pk=pk)
    run.give_up_if_stalled()
    return programme, run


@role_required(*ROLES)
def run(request, slug, pk):
    programme, found = _run(request, slug, pk)
    return _page(request, programme, found)


@role_required(*ROLES)
def run_progress(request, slug, pk):
    programme, found = _run(request, slug, pk)
    response = JsonResponse(
        {**found.progress_report(), "url": reverse("delivery:impact-run", args=[programme.slug, found.pk])}
    )
    response["Cache-Control"] = "no-store"
    return response


class HoldBackForm(forms.Form):
    term = forms.ModelChoiceField(
        label="Term",
        queryset=Term.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the term the schools are held back for",
            "invalid_choice": "Choose a term from the list",
        },
    )
    programme = forms.ChoiceField(
        label="Programme",
        choices=CatalogueProgramme.choices,
        error_messages={
            "required": "Choose the programme",
            "invalid_choice": "Choose a programme from the list",
        },
    )
    share_percent = forms.IntegerField(
        label="Share of waiting schools to hold back, in per cent",
        min_value=1,
        max_value=50,
        help_text="As agreed with the partners, from 1 to 50.",
        error_messages={
            "required": "Enter the share of waiting schools to hold back",
            "invalid": "Enter the share as a whole number, like 20",
            "min_value": "The share must be at least 1 per cent",
            "max_value": "The share must be 50 per cent or less: most waiting schools must still be visited",
        },
    )
    agreed_by = forms.CharField(
        label="Who agreed it, and when",
        max_length=300,
        help_text="For example: MACE partnership meeting, 3 December 2026.",
        error_messages={
            "required": "Enter who agreed the share, and when",
            "max_length": "Keep who agreed it to 300 characters or fewer",
        },
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(ends_on__gte=today).order_by(
            "starts_on", "la_code"
        )

    def clean(self):
        data = super().clean()
        term, programme = data.get("term"), data.get("programme")
        if term is None or not programme:
            return data
        label = dict(CatalogueProgramme.choices)[programme]
        earlier = HoldBack.objects.filter(term=term, programme=programme).first()
        if earlier is not None:
            self.add_error(
                "programme",
                f"Schools were already drawn for {label.lower()} in {term.name} on "
                f"{timezone.localtime(earlier.drawn_at):%-d %B %Y}: a term has one draw "
                "per programme",
            )
        elif not waiting_schools(term, programme).exists():
            self.add_error(
                "programme",
                f"No school is waiting for {label.lower()} in {term.name}, so there is nothing to draw from",
            )
        return data


@role_required(Role.COORDINATOR)
def hold_backs(request):
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = HoldBackForm(request.POST, today=today)
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = draw_hold_back(
                    data["term"],
                    data["programme"],
                    data["share_percent"],
                    data["agreed_by"].strip(),
                    request.user,
                )
            except ValueError:
                form.add_error("programme", "No school is waiting any more, so there is nothing to draw from")
            else:
                messages.success(
                    request,
                    f"Drew {made.schools.count()} of {len(made.pool_urns)} waiting schools "
                    f"to hold back in {made.term.name}.",
                )
                return redirect("delivery:hold-back", pk=made.pk)
        status = 400
    else:
        form = HoldBackForm(today=today, initial={"share_percent": 20})
    return render(
        request,
        "delivery/hold_backs.html",
        {
            "form": form,
            "first_field": form["term"],
            "draws": HoldBack.objects.select_related("term", "drawn_by")[:50],
        },
        status=status,
    )


@role_required(Role.COORDINATOR, Role.ANALYST)
def hold_back(request, pk):
    found = get_object_or_404(HoldBack.objects.select_related("term", "drawn_by"), pk=pk)
    return render(
        request, "delivery/hold_back.html", {"draw": found, "schools": found.schools.order_by("urn")}
    )
