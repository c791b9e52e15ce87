"""Projected delivery: every partner's upcoming visits, so partners can join visits up.

A page with counts by district and programme, a CSV, and an .ics feed a calendar app can
subscribe to. A calendar app cannot sign in, so the feed's address carries a signed key made
for the signed-in user; it stops working when that user is deactivated.

Visits belong to the agency that delivers them. Counts of another agency's visits are shared
figures, so on the page counts of 1 to 4 read "fewer than 5" (accounts.sharing). The lists of
visits, on the page, in the CSV and in the feed, are not counts and are given in full.
"""

import csv
from collections import Counter
from datetime import timedelta

from django import forms
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from safereach.accounts.models import Agency, AuditEvent, Role, User
from safereach.accounts.permissions import role_required
from safereach.areas.models import Area
from safereach.bookings.models import Visit
from safereach.core.small_counts import FEWER_THAN_SMALL, NOT_SHOWN, shared_count, shared_table
from safereach.matrix.models import Programme

FEED_SALT = "safereach.bookings.projected-feed"  # kept as it was: feeds already shared still work
WEEKS_AHEAD = 13


class ProjectedFilter(forms.Form):
    district = forms.ChoiceField(label="District", required=False)
    programme = forms.ModelChoiceField(
        label="Programme",
        required=False,
        queryset=Programme.objects.filter(sessions__isnull=False).distinct(),
        to_field_name="slug",
        empty_label="All programmes",
    )
    partner = forms.ChoiceField(label="Partner", required=False)

    def __init__(self, *args, districts, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "All districts"), *districts.items()]
        self.fields["partner"].choices = [("", "All partners"), *((p.slug, p.name) for p in partners)]


def upcoming_visits(filters: dict):
    now = timezone.now()
    visits = (
        Visit.objects.filter(
            status__in=Visit.LIVE, starts_at__gte=now, starts_at__lt=now + timedelta(weeks=WEEKS_AHEAD)
        )
        .select_related("school", "session__partner", "session__programme", "officer")
        .order_by("starts_at")
    )
    if filters.get("district"):
        visits = visits.filter(school__district_code=filters["district"])
    if filters.get("programme"):
        visits = visits.filter(session__programme=filters["programme"])
    if filters.get("partner"):
        visits = visits.filter(session__partner__slug=filters["partner"])
    return visits


def district_names() -> dict[str, str]:
    codes = Visit.objects.values_list("school__district_code", flat=True).distinct()
    names = dict(Area.objects.filter(code__in=list(codes)).values_list("code", "name"))
    return {code: names.get(code, code) for code in codes if code}


def _filters(request):
    form = ProjectedFilter(
        request.GET or None,
        districts=district_names(),
        partners=Agency.objects.filter(sessions__isnull=False).distinct(),
    )
    return form, (form.cleaned_data if form.is_valid() else {})


def feed_key(user) -> str:
    return signing.dumps(user.pk, salt=FEED_SALT)


def _delivered_by_viewer(user):
    """Whether a visit is the viewer's own agency's: its staff (coordinators, analysts, its own
    partner users) see their agency's counts exactly; administrators see every count exactly."""
    if user.has_role(Role.ADMINISTRATOR):
        return lambda visit: True
    return lambda visit: user.agency_id is not None and visit.session.partner_id == user.agency_id


def _counts_by(visits, label, own) -> list[tuple[str, str]]:
    """(label, count as text) for each label, sorted. A cell is the viewer's own figure only when
    every visit it counts is; one visit of another agency makes it a shared figure."""
    counts = Counter(label(v) for v in visits)
    shared_labels = {label(v) for v in visits if not own(v)}
    return sorted(shared_table(counts, exact=counts.keys() - shared_labels).items())


@role_required(Role.PARTNER, Role.COORDINATOR, Role.ANALYST)
def projected_delivery(request):
    form, filters = _filters(request)
    visits = list(upcoming_visits(filters))
    districts = district_names()
    for v in visits:
        v.district_name = districts.get(v.school.district_code, "")
    own = _delivered_by_viewer(request.user)
    by_district = _counts_by(visits, lambda v: districts.get(v.school.district_code, "Not known"), own)
    by_programme = _counts_by(visits, lambda v: v.session.programme.name, own)
    # The heading is the total of both tables, so it follows the same rule; with it shown, each
    # table's secondary suppression keeps a hidden cell from being the total less the rest.
    total_shown = shared_count(len(visits), shared=not all(own(v) for v in visits))
    figures = {total_shown, *(text for _, text in by_district + by_programme)}
    query = request.GET.urlencode()
    return render(
        request,
        "delivery/projected.html",
        {
            "form": form,
            # A visit is not a count: partners need to know which school on which day to join a
            # visit up, so the list is the same for everyone who may open the page.
            "visits": visits[:200],
            "total": len(visits),
            "total_shown": total_shown,
            "suppressed": bool(figures & {FEWER_THAN_SMALL, NOT_SHOWN}),
            "by_district": by_district,
            "by_programme": by_programme,
            "csv_url": reverse("delivery:projected-csv") + (f"?{query}" if query else ""),
            "feed_url": request.build_absolute_uri(
                reverse("delivery:projected-feed", args=[feed_key(request.user)])
            ),
            "weeks": WEEKS_AHEAD,
        },
    )


@role_required(Role.PARTNER, Role.COORDINATOR, Role.ANALYST)
def projected_csv(request):
    _, filters = _filters(request)
    districts = district_names()
    visits = list(upcoming_visits(filters))
    AuditEvent.objects.create(
        user=request.user,
        action="bookings.projected.export.csv",
        target="projected delivery",
        detail={"filters": request.GET.dict(), "visits": len(visits)},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="projected-delivery.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "date",
            "start",
            "end",
            "school",
            "urn",
            "district",
            "programme",
            "session",
            "partner",
            "officer",
            "status",
        ]
    )
    # One row a visit and no totals: the CSV is a list of visits, like the page's list, so it
    # holds no count to suppress (a partner planning a joint visit needs the row).
    for v in visits:
        starts, ends = timezone.localtime(v.starts_at), timezone.localtime(v.ends_at)
        writer.writerow(
            [
                f"{starts:%Y-%m-%d}",
                f"{starts:%H:%M}",
                f"{ends:%H:%M}",
                v.school.name,
                v.school.urn,
                districts.get(v.school.district_code, ""),
                v.session.programme.slug,
                v.session.title,
                v.session.partner.name,
                v.officer.name,
                v.status,
            ]
        )
    return response


def projected_feed(request, key):
    try:
        user = User.objects.get(pk=signing.loads(key, salt=FEED_SALT), is_active=True)
    except (signing.BadSignature, User.DoesNotExist):
        raise Http404("This feed address is not valid") from None
    if not user.has_role(Role.PARTNER, Role.COORDINATOR, Role.ANALYST):
        raise Http404("This feed address is not valid")
    calendar = Calendar()
    calendar.add("prodid", "-//SafeReach//Projected delivery//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "SafeReach projected delivery")
    # Events are visits, not counts: nothing here is suppressed.
    for v in upcoming_visits({}):
        event = Event()
        event.add("uid", f"visit-{v.pk}@safereach")
        event.add("dtstamp", v.updated_at)
        event.add("dtstart", v.starts_at)
        event.add("dtend", v.ends_at)
        event.add("summary", f"{v.session.title} at {v.school.name} ({v.session.partner.name})")
        event.add("location", v.school.name)
        event.add("status", "CONFIRMED" if v.status == Visit.Status.CONFIRMED else "TENTATIVE")
        calendar.add_component(event)
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
