"""The impact pages: a programme's latest estimate (or why there is none) with what the design
can and cannot show, and asking for a new one (a background run). The stepped-wedge draws that
give a stronger answer are the term planner's (planning.hold_backs)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.delivery import charts
from safereach.delivery.impact_data import DESIGN, thresholds
from safereach.delivery.models import ImpactRun
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
