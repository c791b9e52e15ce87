"""Leave over booked visits: a coordinator adds an officer's leave here (the workforce app keeps
the leave; what becomes of the visits it falls on is the bookings' to say). Leave over no visit
is simply added. Leave over visits lists them, and the coordinator says in the same step what
happens to them: back to the queue (the visit is cancelled and its session waits for a
coordinator to find a new time), or re-offered to the school (the school is emailed a link to
choose a new time, which never offers the days away; the visit stays until it does)."""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from safereach.accounts.audit import record
from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.bookings import services
from safereach.bookings.diary import at
from safereach.bookings.models import Visit
from safereach.core.database import when_unlocked
from safereach.workforce.forms import LeaveForm
from safereach.workforce.models import Officer


class VisitsGo(forms.Form):
    """What happens to the visits the leave falls on."""

    QUEUE = "queue"
    REOFFER = "reoffer"
    visits_go = forms.ChoiceField(
        label="What should happen to these visits?",
        widget=forms.RadioSelect,
        choices=[
            (QUEUE, "Put them back in the booking queue: a coordinator finds each a new time"),
            (REOFFER, "Ask each school to choose a new time: we email them a link"),
        ],
        error_messages={
            "required": "Select what should happen to the visits",
            "invalid_choice": "Select what should happen to the visits",
        },
    )


def visits_during(officer, first: date, last: date):
    """The officer's live visits on the days from `first` to `last`."""
    return (
        Visit.objects.filter(
            officer=officer,
            status__in=Visit.LIVE,
            starts_at__gte=at(first, 0),
            starts_at__lt=at(last + timedelta(days=1), 0),
        )
        .select_related("booking", "school", "session")
        .order_by("starts_at")
    )


@require_POST
@role_required(Role.COORDINATOR)
def add_leave(request, pk):
    if request.user.agency_id is None:
        raise PermissionDenied("Your account is not linked to an agency.")
    officer = get_object_or_404(Officer.objects.filter(agency=request.user.agency_id), pk=pk)
    form = LeaveForm(request.POST)
    choice = VisitsGo(request.POST if "visits_go" in request.POST or "decide" in request.POST else None)
    context = {"officer": officer, "leave_form": form, "choice": choice, "form": form}
    if not form.is_valid():
        return render(request, "bookings/add_leave.html", context)
    leave = form.save(commit=False)
    leave.officer = officer
    touched = list(visits_during(officer, leave.starts_on, leave.ends_on))
    if touched and not choice.is_valid():
        # Say which visits it falls on, and ask what happens to them before anything changes.
        return render(request, "bookings/add_leave.html", {**context, "touched": touched, "form": choice})
    when_unlocked(lambda: leave.save())
    # The entry says what became of the visits, so the log answers "why was my visit moved?".
    record("leave.add", user=request.user, target=officer.name, starts_on=leave.starts_on.isoformat(),
           ends_on=leave.ends_on.isoformat(), visits=len(touched),
           **({"visits_went": choice.cleaned_data["visits_go"]} if touched else {}))
    if not touched:
        messages.success(request, f"Added leave for {officer.name}. No visits were booked those days.")
        return redirect("workforce:officer", pk=officer.pk)
    site = request.build_absolute_uri("/").rstrip("/")
    by = f"{request.user.get_full_name() or request.user.email} (booking coordinator)"
    how = choice.cleaned_data["visits_go"]
    for visit in touched:
        if how == VisitsGo.QUEUE:
            services.back_to_queue(visit, by=by, site_url=site)
        else:
            services.ask_for_a_new_time(visit, by=by, site_url=site)
    n = len(touched)
    visits = f"{n} visit{'s' if n != 1 else ''}"
    if how == VisitsGo.QUEUE:
        text = (
            f"Added leave for {officer.name}. {visits} went back to the booking queue, and the "
            "schools were told a coordinator will find a new time."
        )
    else:
        text = f"Added leave for {officer.name}. The schools of {visits} were asked to choose a new time."
    messages.success(request, text)
    return redirect("workforce:officer", pk=officer.pk)


