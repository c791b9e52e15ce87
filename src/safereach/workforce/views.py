"""Coordinators keep their agency's officers up to date: sessions, days, hours and leave."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safereach.accounts.audit import record
from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.workforce.forms import LeaveForm, OfficerForm
from safereach.workforce.models import Leave, Officer
from safereach.workforce.tasks import read_an_own_calendar


def _officers(user):
    if user.agency_id is None:
        raise PermissionDenied("Your account is not linked to an agency.")
    return Officer.objects.filter(agency=user.agency_id).select_related("base")


@role_required(Role.COORDINATOR)
def officers(request):
    rows = _officers(request.user).prefetch_related("sessions", "leave")
    today = timezone.localdate()
    for officer in rows:
        officer.coming_leave = [leave for leave in officer.leave.all() if leave.ends_on >= today]
    return render(request, "workforce/officers.html", {"officers": rows})


@role_required(Role.COORDINATOR)
def officer(request, pk):
    this = get_object_or_404(_officers(request.user), pk=pk)
    posted = request.POST if request.method == "POST" else None
    form = OfficerForm(posted if posted and "save_officer" in posted else None, instance=this)
    leave_form = LeaveForm()  # posted to the bookings (bookings.leave), which move visits it falls on
    if form.is_bound and form.is_valid():
        calendar_changed = "own_calendar_url" in form.changed_data
        form.save()
        if calendar_changed and this.own_calendar_url:
            read_an_own_calendar.enqueue(this.pk)
        messages.success(request, f"Saved {this.name}'s sessions and hours.")
        return redirect("workforce:officer", pk=this.pk)
    return render(
        request,
        "workforce/officer.html",
        {
            "officer": this,
            "form": form,
            "leave_form": leave_form,
            "leave": this.leave.filter(ends_on__gte=timezone.localdate()),
            "busy_count": this.busy_times.filter(ends_at__gt=timezone.now()).count(),
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def read_calendar(request, pk):
    this = get_object_or_404(_officers(request.user), pk=pk)
    if this.own_calendar_url:
        read_an_own_calendar.enqueue(this.pk)
        messages.success(request, f"Reading {this.name}'s own calendar: refresh the page in a moment.")
    return redirect("workforce:officer", pk=this.pk)


@require_POST
@role_required(Role.COORDINATOR)
def remove_leave(request, pk, leave_pk):
    this = get_object_or_404(_officers(request.user), pk=pk)
    leave = get_object_or_404(Leave, pk=leave_pk, officer=this)
    leave.delete()
    record("leave.delete", user=request.user, target=this.name, starts_on=leave.starts_on.isoformat(),
           ends_on=leave.ends_on.isoformat())
    messages.success(request, "Leave removed.")
    return redirect("workforce:officer", pk=this.pk)
