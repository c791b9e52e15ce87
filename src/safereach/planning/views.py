"""The coordinator's term plan: ask the planner for a plan of the agency's open requests, watch
it work, see the plan beside the diaries as they stand (travel before and after), pin or drop
items, plan again, and apply it, which books the visits and emails the schools.

Planning runs as a background task (bookings.tasks) for the seconds the coordinator asks: the
form creates a PlanRun and sends the coordinator to that run's page, which shows its progress
until the plan is ready. Applying is a background task too (a county's plan books more than a
thousand visits, each re-checked and emailed): the run's page shows how many are booked so far,
then what was booked, what could not be any more and why, and the emails sent. Everything lives
in the run's row, so any web process can show it and the coordinator can leave and come back."""

import logging
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from safereach.accounts.access import acting_agency_id, acts_for_every_agency
from safereach.accounts.audit import record
from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.bookings.models import Term
from safereach.bookings.views import site_url
from safereach.core import dates
from safereach.core.forms import DayFirstDateInput
from safereach.planning.models import PlanRun
from safereach.planning.tasks import apply_the_plan, plan_the_term

logger = logging.getLogger(__name__)

MAX_SECONDS = 300
RECENT_RUNS = 10
HEADINGS = {
    PlanRun.State.WAITING: "Planning the term",
    PlanRun.State.RUNNING: "Planning the term",
    PlanRun.State.DONE: "Proposed plan",
    PlanRun.State.FAILED: "The plan could not be made",
    PlanRun.State.APPLYING: "Applying the plan",
    PlanRun.State.APPLIED: "Plan applied",
    PlanRun.State.APPLY_STOPPED: "Applying the plan stopped",
}


class PlanForm(forms.Form):
    first_day = forms.DateField(
        label="First day",
        widget=DayFirstDateInput(),
        error_messages={
            "required": "Enter the first day to plan",
            "invalid": "Enter the first day as a real date",
        },
    )
    last_day = forms.DateField(
        label="Last day",
        widget=DayFirstDateInput(),
        error_messages={
            "required": "Enter the last day to plan",
            "invalid": "Enter the last day as a real date",
        },
    )
    seconds = forms.IntegerField(
        label="Seconds to plan for",
        min_value=1,
        max_value=MAX_SECONDS,
        initial=60,
        help_text=f"Longer finds less travel: at most {MAX_SECONDS} seconds ({MAX_SECONDS // 60} minutes).",
        error_messages={
            "required": "Enter how many seconds to plan for",
            "invalid": "Enter the seconds as a whole number, like 20",
            "min_value": "Plan for at least 1 second",
            "max_value": f"Plan for at most {MAX_SECONDS} seconds",
        },
    )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name, what in (("first_day", "the first day"), ("last_day", "the last day")):
            problem = data.get(name) and dates.out_of_range(data[name], today, what)
            if problem:
                self.add_error(name, problem)
        first, last = data.get("first_day"), data.get("last_day")
        if "first_day" in self.errors or "last_day" in self.errors:
            return data
        if first and last and last < first:
            self.add_error("last_day", "The last day must be on or after the first day")
        elif first and last and (last - first).days > 120:
            self.add_error("last_day", "Plan at most 120 days at a time")
        return data


def _default_term():
    today = timezone.localdate()
    term = Term.objects.filter(ends_on__gt=today).order_by("starts_on").first()
    if term is None:
        return today + timedelta(days=1), today + timedelta(days=28)
    return max(term.starts_on, today + timedelta(days=1)), term.ends_on


def _planned_agency(user) -> int | None:
    """Whose officers and requests the user plans: their agency's, or every agency's (None) for
    an administrator. A coordinator who belongs to no agency plans nothing (accounts.access)."""
    if acts_for_every_agency(user):
        return None
    if acting_agency_id(user) is None:
        raise PermissionDenied("Your account is not linked to an agency.")
    return acting_agency_id(user)


def _run_or_404(user, pk) -> PlanRun:
    # Another agency's run is not found, rather than forbidden: its existence is not told.
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404("No such plan") from exc
    return get_object_or_404(PlanRun.objects.visible_to(user), pk=pk)


def _changes(previous: PlanRun | None, post) -> tuple[dict, list]:
    """The pins and drops the coordinator ticked on a plan, as the next run takes them: a pinned
    visit keeps its officer, day and start; a dropped request stays out until put back. A run
    that made no plan passes on its own pins and drops."""
    if previous is None:
        return {}, []
    if not previous.plan:
        return dict(previous.pinned), list(previous.dropped)
    by_key = {v["request"]: v for v in previous.plan["visits"]}
    dropped = {key for key in post.getlist("drop") if key in by_key}
    dropped |= set(previous.dropped) - set(post.getlist("undrop"))
    pinned = {}
    for key in post.getlist("pin"):
        if key in by_key and key not in dropped:
            v = by_key[key]
            hours, minutes = map(int, v["starts"].split(":"))
            pinned[key] = [v["officer_id"], v["day"], hours * 60 + minutes]
    return pinned, sorted(dropped)


@role_required(Role.COORDINATOR)
def term_plan(request):
    runs = PlanRun.objects.visible_to(request.user).select_related("asked_by")
    if request.method == "POST":
        previous = _run_or_404(request.user, request.POST["previous"]) if "previous" in request.POST else None
        form = PlanForm(request.POST)
        if form.is_valid():
            pinned, dropped = _changes(previous, request.POST)
            run = PlanRun.objects.create(
                asked_by=request.user,
                agency_id=_planned_agency(request.user),
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                seconds=form.cleaned_data["seconds"],
                pinned=pinned,
                dropped=dropped,
            )
            try:
                plan_the_term.enqueue(run.pk)
            except Exception as exc:
                # The task system itself refused (say, its table is missing): say so on the
                # run's page rather than leave the run waiting.
                logger.exception("Term plan %s could not be enqueued", run.pk)
                run.fail(f"The planner could not be started: {exc}")
            return redirect("planning:term-plan-run", run.pk)
        if previous is not None:
            return _show_run(request, previous, form)
    else:
        latest = runs.filter(asked_by=request.user).first()
        if latest:
            form = _form_as(latest)
        else:
            first, last = _default_term()
            # Date inputs take ISO dates, whatever the language's own date format.
            form = PlanForm(
                initial={"first_day": first.isoformat(), "last_day": last.isoformat(), "seconds": 60}
            )
    recent = list(runs[:RECENT_RUNS])
    for run in recent:
        run.give_up_if_stalled()
    return render(
        request,
        "planning/term_plan.html",
        {"form": form, "runs": recent, "max_seconds": MAX_SECONDS},
    )


def _form_as(run: PlanRun) -> PlanForm:
    """The form filled in as it was for `run`."""
    return PlanForm(
        initial={
            "first_day": run.first_day.isoformat(),
            "last_day": run.last_day.isoformat(),
            "seconds": run.seconds,
        }
    )


def _show_run(request, run: PlanRun, form=None):
    form = form or _form_as(run)
    return render(
        request,
        "planning/term_plan_run.html",
        {
            "run": run,
            "heading": HEADINGS[run.state],
            "plan": run.plan if run.is_finished and run.state != PlanRun.State.FAILED else None,
            "result": run.applying_result(),
            "pinned": set(run.pinned),
            # Runs planned before the names were kept show the request's key.
            "dropped": (run.plan or {}).get("dropped_requests")
            or [{"request": k, "school": f"Request {k}", "session": ""} for k in run.dropped],
            "form": form,
            "max_seconds": MAX_SECONDS,
            "seconds_left": run.seconds_left(),
        },
    )


@role_required(Role.COORDINATOR)
def term_plan_run(request, pk):
    run = _run_or_404(request.user, pk)
    run.give_up_if_stalled()
    return _show_run(request, run)


@role_required(Role.COORDINATOR)
def term_plan_progress(request, pk):
    """How far a run has got, for the page's script to show without reloading."""
    run = _run_or_404(request.user, pk)
    run.give_up_if_stalled()
    response = JsonResponse(
        {
            "state": run.state,
            "state_label": run.get_state_display(),
            "finished": run.is_finished,
            "progress": run.progress,
            "percent": run.percent,
            "text": run.progress_text,
            "seconds_left": run.seconds_left(),
            "error": run.error,
            "url": reverse("planning:term-plan-run", args=[run.pk]),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@role_required(Role.COORDINATOR)
def apply_term_plan(request, pk):
    """Claim the plan for applying (so two clicks, or two coordinators, cannot apply it twice)
    and queue the task that books its visits; the run's page shows how it goes."""
    run = _run_or_404(request.user, pk)
    if run.state in (PlanRun.State.WAITING, PlanRun.State.RUNNING, PlanRun.State.FAILED):
        messages.error(request, "This plan is not ready to apply yet.")
        return redirect("planning:term-plan-run", run.pk)
    if not run.claim_for_applying(request.user):
        messages.error(request, "This plan has already been applied. Plan again for the requests still open.")
        return redirect("planning:term-plan-run", run.pk)
    record("plan.apply", user=request.user, target=f"term plan {run.pk}")
    try:
        apply_the_plan.enqueue(run.pk, site_url(request))
    except Exception as exc:
        logger.exception("Applying plan %s could not be enqueued", run.pk)
        detail = (str(exc) or type(exc).__name__).rstrip(".")
        run.stop_applying(f"Applying could not be started: {detail}. Nothing was booked.")
    return redirect("planning:term-plan-run", run.pk)
