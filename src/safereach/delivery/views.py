"""The outcome page: the visit's officer, or a coordinator of the officer's agency, records what
happened once the day of the visit has come."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.bookings.models import Visit
from safereach.delivery.forms import OutcomeForm
from safereach.delivery.models import VisitOutcome, can_be_recorded, year_groups_of
from safereach.delivery.outcomes import record_outcome


def week_url(visit: Visit) -> str:
    day = timezone.localdate(visit.starts_at)
    monday = day - timedelta(days=day.weekday())
    return f"{reverse('week:officer', args=[visit.officer_id])}?week={monday.isoformat()}"


@role_required(Role.OFFICER, Role.COORDINATOR)
def outcome(request, visit_id):
    visit = get_object_or_404(
        Visit.objects.select_related("school", "session", "session__partner", "officer", "booking"),
        pk=visit_id,
    )
    if not visit.officer.diary_is_open_to(request.user):
        raise PermissionDenied
    context = {
        "visit": visit,
        "officer": visit.officer,
        "is_own": visit.officer.user_id == request.user.pk,
        "week_url": week_url(visit),
    }
    if not can_be_recorded(visit):
        # Nothing to record yet (or ever, for a cancelled visit); a POST changes nothing either.
        status = 409 if request.method == "POST" else 200
        return render(request, "delivery/not_yet.html", context, status=status)
    recorded = VisitOutcome.objects.filter(visit=visit).select_related("recorded_by").first()
    years = year_groups_of(visit, recorded)
    if request.method == "POST":
        form = OutcomeForm(request.POST, year_groups=years, most_pupils=visit.session.group_size)
        if form.is_valid():
            saved, created = record_outcome(visit, request.user, form.cleaned_data)
            verb = "Recorded" if created else "Changed"
            said = saved.summary[:1].lower() + saved.summary[1:]
            messages.success(request, f"{verb} the outcome of the visit to {visit.school.name}: {said}.")
            return redirect(context["week_url"])
    else:
        form = OutcomeForm(initial=OutcomeForm.initial_from(recorded), year_groups=years)
    return render(request, "delivery/outcome.html", {**context, "form": form, "outcome": recorded})


@role_required(Role.ANALYST, Role.ADMINISTRATOR)
def fairness(request):
    """For the ethics committee: who the target lists and the delivered visits reach."""
    from safereach.delivery.fairness import programme_fairness, school_groups
    from safereach.matrix.models import Programme

    groups = school_groups()
    programmes = [programme_fairness(p, groups) for p in Programme.objects.order_by("name")
                  if p.target_lists.filter(is_current=True).exists()]
    return render(request, "delivery/fairness.html", {"programmes": programmes})
