"""The officer's week: for the officer themself, and for coordinators of the officer's agency;
and the private calendar feed of the officer's visits, whose address either of them can reset."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.permissions import role_required
from safereach.bookings.offers import booking_settings
from safereach.core.dates import parse_day
from safereach.delivery.officer_week import (
    feed_token,
    feed_token_is_valid,
    map_data,
    monday_of,
    officer_feed,
    week_of,
)
from safereach.delivery.outcomes import outcome_lines
from safereach.workforce.models import Officer


def _officer_for(request, pk):
    officer = get_object_or_404(Officer.objects.select_related("base", "agency"), pk=pk)
    if not officer.diary_is_open_to(request.user):
        raise PermissionDenied
    return officer


@role_required(Role.OFFICER)
def my_week(request):
    officer = Officer.objects.filter(user=request.user).first()
    if officer is None:
        raise Http404("No officer record is linked to your account.")
    return redirect("week:officer", pk=officer.pk)


@role_required(Role.OFFICER, Role.COORDINATOR)
def officer_week(request, pk):
    officer = _officer_for(request, pk)
    today = timezone.localdate()
    monday = monday_of(parse_day(request.GET.get("week", ""), today) or today)
    arrive_before = booking_settings()["ARRIVE_BEFORE_MINUTES"]
    days = week_of(officer, monday, arrive_before)
    # Delivery owns what can be recorded and how an outcome reads; the week only shows it.
    visits = [leg.visit for d in days for leg in d.legs]
    lines = outcome_lines(visits)
    for visit in visits:
        visit.outcome_line = lines[visit.pk]
    feed = request.build_absolute_uri(reverse("week:feed", args=[officer.pk, feed_token(officer)]))
    return render(
        request,
        "delivery/officer_week.html",
        {
            "officer": officer,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "days": days,
            "travel": sum(d.travel for d in days),
            "map_data": map_data(officer, days) if days and officer.base else None,
            "arrive_before": arrive_before,
            "feed_url": feed if officer.user_id == request.user.pk else None,
            "is_own": officer.user_id == request.user.pk,
        },
    )


@require_POST
@role_required(Role.OFFICER, Role.COORDINATOR)
def reset_feed(request, pk):
    """A new calendar address for the officer: the old one stops working at once."""
    officer = _officer_for(request, pk)
    officer.reset_calendar_token()
    AuditEvent.objects.create(
        user=request.user,
        action="week.calendar_feed.reset",
        target=f"Officer {officer.pk}: {officer.name}",
        detail={"officer": officer.pk},
    )
    if officer.user_id == request.user.pk:
        text = "Your calendar link has been reset. The old address no longer works: subscribe to the new one."
    else:
        text = (
            f"{officer.name}'s calendar link has been reset. The old address no longer works: "
            "they will find the new one on their week."
        )
    messages.success(request, text)
    week = parse_day(request.POST.get("week", ""), timezone.localdate())
    query = f"?week={week.isoformat()}" if week else ""
    return redirect(reverse("week:officer", args=[officer.pk]) + query)


def feed(request, pk, token):
    """The calendar feed: no sign-in (calendar apps cannot), the token is the key."""
    officer = get_object_or_404(Officer, pk=pk)
    if not feed_token_is_valid(officer, token):
        raise Http404
    response = HttpResponse(officer_feed(officer), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="safereach-visits.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
