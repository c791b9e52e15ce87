"""Choose-and-book for schools (no password: signed links), and the coordinator's queue."""

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from safereach.accounts.audit import record
from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.bookings import services
from safereach.bookings.access import (
    bookings_seen_by,
    may_act_on_booking,
    may_act_on_session,
    may_act_on_visit,
)
from safereach.bookings.forms import (
    CancelForm,
    ChooseTimesForm,
    FindSchoolForm,
    OtherDatesForm,
    RequestForm,
)
from safereach.bookings.links import BadLink, choose_url, manage_url, read_token
from safereach.bookings.models import Booking, KnownAddress, Visit, is_known_address
from safereach.bookings.offers import all_options_for, booking_settings, offers_for, parse_offer_key
from safereach.catalogue.models import Session
from safereach.core.forms import as_id
from safereach.core.rate_limit import over_limit, too_many
from safereach.schools.models import School


def site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def bookable_sessions():
    """What a school books here; the rest it books directly with the partner (Session.booked_here)."""
    return Session.objects.filter(is_published=True).booked_here().select_related("partner")


# The school's side ------------------------------------------------------------------------


SCHOOLS_PER_PAGE = 25


def start(request):
    """Find the school by name, URN or postcode; every match, a page at a time."""
    form = FindSchoolForm(request.GET if "q" in request.GET else None)
    page, query = None, ""
    if form.is_valid():
        q = form.cleaned_data["q"]
        match = Q(name__icontains=q) | Q(postcode__iexact=q) | Q(postcode__istartswith=q.upper())
        if q.isdigit():
            match |= Q(urn=int(q))
        schools = School.objects.filter(match).exclude(status__icontains="closed").order_by("name", "urn")
        # get_page: a page number that is not one (or past the last) shows the nearest page.
        page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query = query.urlencode()
    return render(
        request,
        "bookings/start.html",
        {
            "form": form,
            "page": page,
            "schools": list(page) if page else [],
            "query": query,
            "session": request.GET.get("session", ""),
        },
    )


def request_form(request, urn):
    school = get_object_or_404(School, urn=urn)
    bookable = bookable_sessions()
    # A school is offered only the sessions for the year groups it teaches.
    sessions = bookable.filter(pk__in=[s.pk for s in bookable if s.suits(school)])
    booked_directly = list(
        Session.objects.filter(is_published=True).exclude(pk__in=bookable).select_related("partner")
    )
    initial, unsuited, direct = {}, None, None
    if request.GET.get("session"):
        initial["sessions"] = sessions.filter(slug=request.GET["session"])
        unsuited = bookable.exclude(pk__in=sessions).filter(slug=request.GET["session"]).first()
        # Booked with the partner, not here: say so, with their contact, rather than drop it.
        direct = next((s for s in booked_directly if s.slug == request.GET["session"]), None)
    form = RequestForm(
        request.POST if request.method == "POST" else None, sessions=sessions, school=school, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        if over_limit(request):  # a request made counts; a form being corrected does not
            return too_many(request)
        booking = services.make_request(form, school)
        return redirect(choose_url(booking))
    partner_visits = Visit.objects.coming_up(school).select_related("session__partner")[:10]
    return render(
        request,
        "bookings/request.html",
        {
            "form": form,
            "school": school,
            "planned": partner_visits,
            "unsuited": unsuited,
            "direct": direct,
            "booked_directly": [s for s in booked_directly if s.suits(school)],
            "offered": sessions.exists(),
        },
    )


def _booking_from(token: str, purpose: str, max_age: float):
    try:
        return get_object_or_404(
            Booking.objects.select_related("school"), pk=read_token(token, purpose, max_age)
        )
    except BadLink as bad:
        raise Http404("This link has expired" if bad.expired else "This link is not valid") from None


def _max_age(purpose: str) -> float:
    config = booking_settings()
    return {
        "choose": 24 * 3600,
        "confirm": config["HOLD_MINUTES"] * 60,
        "manage": config["MANAGE_LINK_DAYS"] * 86400,
    }[purpose]


def _joint_visits(booking, offers_by_session):
    """Other partners' visits already planned at the school, and which offered days match them."""
    planned = list(
        Visit.objects.coming_up(booking.school)
        .exclude(booking=booking)
        .select_related("session__partner", "officer")
    )
    planned_days = {timezone.localtime(v.starts_at).date() for v in planned}
    return planned, planned_days


def times(request, token):
    """The offered times: a few good choices on different days for each session. A session no
    officer can reach goes to the coordinator's queue; the school books the others."""
    booking = _booking_from(token, "choose", _max_age("choose"))
    if booking.status != Booking.Status.REQUESTED:
        return redirect(manage_url(booking))
    sessions = list(booking.sessions.select_related("partner"))
    offers_by_session = [(s, offers_for(booking, s)) for s in sessions]
    taken = []
    if request.method == "POST":
        # A well-formed time that is no longer offered was taken since the page was shown.
        taken = [
            s for s, offers in offers_by_session if _was_taken(request.POST.get(f"session_{s.pk}"), offers)
        ]
    if not any(offers for _, offers in offers_by_session):
        return _queue_whole_request(request, booking, sessions, taken)
    if request.method == "POST":
        form = ChooseTimesForm(
            None if taken else request.POST,
            offers_by_session=offers_by_session, school_day=booking.school_day(),
            initial=_choices_still_offered(request.POST, offers_by_session, taken),
        )
        if form.is_valid():
            if over_limit(request):  # holding times emails the school
                return too_many(request)
            choices = []
            for session, offers in offers_by_session:
                if not offers:
                    continue  # left for the coordinator when the others are held
                officer_id, day, start_minute = parse_offer_key(form.cleaned_data[f"session_{session.pk}"])
                choices.append(services.Choice(session, officer_id, day, start_minute))
            lost = services.hold(booking, choices, site_url(request))
            if not lost:
                return redirect(reverse("bookings:held", args=[token]))
            taken = [c.session for c in lost]
            # Someone else got there first: nothing is held; show fresh times, keeping the
            # school's other choices where they are still offered.
            offers_by_session = [(s, offers_for(booking, s)) for s in sessions]
            if not any(offers for _, offers in offers_by_session):
                return _queue_whole_request(request, booking, sessions, taken)
            form = ChooseTimesForm(
                offers_by_session=offers_by_session, school_day=booking.school_day(),
                initial=_choices_still_offered(request.POST, offers_by_session, taken),
            )
    else:
        form = ChooseTimesForm(offers_by_session=offers_by_session, school_day=booking.school_day())
    planned, planned_days = _joint_visits(booking, offers_by_session)
    fields = {name: form[name] for name in form.fields}
    return render(
        request,
        "bookings/times.html",
        {
            "booking": booking,
            "form": form,
            # Each session in the order asked, with its radios or none when no officer can reach.
            "rows": [(s, fields.get(f"session_{s.pk}")) for s in sessions],
            "without": [s for s, offers in offers_by_session if not offers],
            "taken": taken,
            "planned": planned,
            "planned_days": planned_days,
        },
    )


def _queue_whole_request(request, booking, sessions, taken):
    """No session has a time an officer can reach: the whole request goes to the coordinator."""
    services.queue(booking, site_url(request))
    return render(request, "bookings/queued.html", {"booking": booking, "without": sessions, "taken": taken})


def _choices_still_offered(data, offers_by_session, taken) -> dict:
    """What the school chose for sessions whose time was not taken, if that time is still offered."""
    kept = {}
    for session, offers in offers_by_session:
        name = f"session_{session.pk}"
        if session not in taken and data.get(name) in {o.key for o in offers}:
            kept[name] = data[name]
    return kept


def _was_taken(value, offers) -> bool:
    return parse_offer_key(value or "") is not None and value not in {o.key for o in offers}


def held(request, token):
    booking = _booking_from(token, "choose", _max_age("choose"))
    return render(
        request,
        "bookings/held.html",
        {
            "booking": booking,
            "visits": booking.live_visits(),
            "waiting": booking.waiting_sessions(),
            "config": booking_settings(),
        },
    )


def confirm(request, token):
    """The contact proves the address by following the link; a button, so mail scanners that
    open links do not confirm bookings by themselves."""
    booking = _booking_from(token, "confirm", _max_age("confirm"))
    if request.method == "POST":
        if over_limit(request):
            return too_many(request)
        # A hold past its time is not confirmed (Booking.confirm), released by the task or not.
        if booking.status == Booking.Status.AWAITING_APPROVAL or not services.confirm(
            booking, by=f"{booking.contact_email} (by email link)", site_url=site_url(request)
        ):
            return render(request, "bookings/confirm.html", {"booking": booking, "gone": True})
        return redirect(manage_url(booking) + "?confirmed=1")
    if booking.status == Booking.Status.CONFIRMED:
        return redirect(manage_url(booking))
    if booking.status != Booking.Status.HELD:
        # Cancelled, released or waiting for a coordinator: an old link says so, never "Confirm".
        return render(request, "bookings/confirm.html", {"booking": booking, "gone": True})
    return render(
        request,
        "bookings/confirm.html",
        {"booking": booking, "visits": booking.live_visits(), "waiting": booking.waiting_sessions()},
    )


def manage(request, token):
    booking = _booking_from(token, "manage", _max_age("manage"))
    return render(
        request,
        "bookings/manage.html",
        {
            "booking": booking,
            "visits": booking.live_visits(),
            "waiting": booking.waiting_sessions(),
            "token": token,
            "just_confirmed": "confirmed" in request.GET,
            "begun": booking.has_begun(),
            "now": timezone.now(),
            "can_change": booking.status
            in {
                Booking.Status.CONFIRMED,
                Booking.Status.HELD,
                Booking.Status.AWAITING_APPROVAL,
                Booking.Status.QUEUED,
            },
        },
    )


def reschedule(request, token, visit_id):
    booking = _booking_from(token, "manage", _max_age("manage"))
    # Only a visit of this booking: a link never opens another booking's visits.
    visit = get_object_or_404(
        Visit.objects.select_related("session", "officer"),
        pk=visit_id,
        booking=booking,
        status__in=Visit.LIVE,
        starts_at__gt=timezone.now(),  # a visit that has taken place is a record, not a plan
    )
    # Other dates the school gives, when none of the first suits (a GET form above the times).
    dates_form = OtherDatesForm(request.GET if "dates_from" in request.GET else None)
    ranges = dates_form.ranges if dates_form.is_bound and dates_form.is_valid() else None
    offers = offers_for(booking, visit.session, moving=visit, date_ranges=ranges)
    offers_by_session = [(visit.session, offers)]
    taken = False
    if request.method == "POST":
        taken = _was_taken(request.POST.get(f"session_{visit.session.pk}"), offers)
        form = ChooseTimesForm(None if taken else request.POST, offers_by_session=offers_by_session)
        if offers and form.is_valid():
            if over_limit(request):  # a move emails the school
                return too_many(request)
            officer_id, day, start_minute = parse_offer_key(form.cleaned_data[f"session_{visit.session.pk}"])
            try:
                services.move(
                    visit,
                    services.Choice(visit.session, officer_id, day, start_minute),
                    by=f"rescheduled by {booking.contact_email}",
                    site_url=site_url(request),
                    date_ranges=ranges,
                )
                messages.success(request, "Your visit has been moved. We have emailed you the new time.")
                return redirect(manage_url(booking))
            except services.SlotTaken:
                taken = True
                offers = offers_for(booking, visit.session, moving=visit, date_ranges=ranges)
                form = ChooseTimesForm(offers_by_session=[(visit.session, offers)])
    else:
        form = ChooseTimesForm(offers_by_session=offers_by_session)
    return render(
        request,
        "bookings/reschedule.html",
        {
            "booking": booking,
            "visit": visit,
            "form": form,
            "offers": offers,
            "token": token,
            "taken": taken,
            "dates_form": dates_form,
            "other_dates": ranges,
        },
    )


def cancel(request, token):
    booking = _booking_from(token, "manage", _max_age("manage"))
    if not booking.is_open or booking.has_begun():
        return redirect(manage_url(booking))
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if over_limit(request):  # cancelling emails the school
            return too_many(request)
        services.cancel(
            booking,
            by=booking.contact_email,
            site_url=site_url(request),
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Your booking is cancelled. We have emailed you to say so.")
        return redirect(manage_url(booking))
    return render(
        request,
        "bookings/cancel.html",
        {"booking": booking, "form": form, "token": token, "visits": booking.live_visits()},
    )


# The coordinator's side --------------------------------------------------------------------


UPCOMING_LISTED = 50
RECENTLY = timedelta(days=30)


@role_required(Role.COORDINATOR)
def coordinator_queue(request):
    bookings = bookings_seen_by(request.user)
    # Target schools first, then schools in more need by their tier of need, then the oldest.
    order = ["-is_target", F("school__need_tier").desc(nulls_last=True), "created_at"]
    has_waiting = Booking.has_waiting_session()
    sections = [
        (
            "Waiting for your approval",
            bookings.filter(status=Booking.Status.AWAITING_APPROVAL),
            _held_sessions,
        ),
        (
            "No time fitted: find one",
            # Whole requests, and the sessions of part-booked ones that no officer could reach.
            bookings.filter(
                Q(status=Booking.Status.QUEUED) | Q(has_waiting, status__in=Booking.WAITING_FOR_COORDINATOR)
            ),
            _waiting_sessions,
        ),
        (
            "Held: waiting for the school to confirm",
            bookings.filter(status=Booking.Status.HELD),
            _held_sessions,
        ),
    ]
    # Every confirmed visit ahead of the coordinator's partner (all partners' for an
    # administrator), counted whole; the nearest are listed.
    ahead = Visit.objects.filter(status=Visit.Status.CONFIRMED, starts_at__gte=timezone.now())
    if request.user.agency_id and not request.user.has_role(Role.ADMINISTRATOR):
        ahead = ahead.filter(session__partner=request.user.agency_id)
    upcoming = list(ahead.select_related("school", "session", "officer", "booking").order_by("starts_at")[
        :UPCOMING_LISTED
    ])
    cancelled = list(
        bookings.filter(status=Booking.Status.CANCELLED, cancelled_at__gte=timezone.now() - RECENTLY)
        .order_by("-cancelled_at")[:UPCOMING_LISTED]
    )
    shown = []
    for title, rows, sessions_of in sections:
        rows = list(
            rows.order_by(*order).prefetch_related(
                "sessions",
                Prefetch("visits", queryset=Visit.objects.filter(status__in=Visit.LIVE), to_attr="live"),
            )
        )
        for booking in rows:
            # Each section lists only the sessions it is about.
            booking.shown_sessions = sessions_of(booking)
        shown.append((title, rows))
    return render(
        request,
        "bookings/coordinator_queue.html",
        {
            "sections": shown,
            "upcoming": upcoming,
            "upcoming_count": ahead.count(),
            "cancelled": cancelled,
            "recent_days": RECENTLY.days,
        },
    )


def _held_sessions(booking) -> list:
    booked = {v.session_id for v in booking.live}
    return [s for s in booking.sessions.all() if s.pk in booked]


def _waiting_sessions(booking) -> list:
    booked = {v.session_id for v in booking.live}
    return [s for s in booking.sessions.all() if s.pk not in booked]


@role_required(Role.COORDINATOR)
def coordinator_booking(request, pk):
    booking = get_object_or_404(bookings_seen_by(request.user), pk=pk)
    return _coordinator_booking_page(request, booking, CancelForm())


def _coordinator_booking_page(request, booking, cancel_form):
    user = request.user
    visits = list(booking.live_visits())
    # Every option with its added travel: for each of the user's visits (to move it), and for
    # each of the user's sessions not yet in a visit (to book it). Other agencies' parts of a
    # joint booking are shown without options: read-only.
    options = defaultdict(list)
    for visit in visits:
        visit.ours = may_act_on_visit(user, visit)
        if visit.ours:
            options[f"visit-{visit.pk}"] = all_options_for(booking, visit.session, ignore_visit=visit)
    booked = {v.session_id for v in visits}
    unbooked = [s for s in booking.sessions.select_related("partner") if s.pk not in booked]
    for session in unbooked:
        session.ours = may_act_on_session(user, session)
    if booking.is_open:
        for session in unbooked:
            if may_act_on_session(user, session):
                options[f"session-{session.pk}"] = all_options_for(booking, session)
    whole = may_act_on_booking(user, booking)
    return render(
        request,
        "bookings/coordinator_booking.html",
        {
            "booking": booking,
            "visits": [(v, options[f"visit-{v.pk}"]) for v in visits],
            "unbooked": [(s, options[f"session-{s.pk}"]) for s in unbooked],
            "emails": booking.emails.all()[:20],
            "contact_known": is_known_address(booking.school, booking.contact_email),
            "cancel_form": cancel_form,
            "form": cancel_form,  # for the error summary
            "whole": whole,
            "own_held": whole or any(v.status == Visit.Status.HELD and v.ours for v in visits),
            "own_part": whole or any(may_act_on_session(user, s) for s in booking.sessions.all()),
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def coordinator_action(request, pk):
    booking = get_object_or_404(bookings_seen_by(request.user), pk=pk)
    user = request.user
    whole = may_act_on_booking(user, booking)
    action = request.POST.get("action")
    by = f"{user.get_full_name() or user.email} (booking coordinator)"
    url = site_url(request)
    if action == "approve" and booking.status in Booking.HOLDING:
        clashes = services.school_clashes(booking)
        if clashes:
            visit, why = clashes[0]
            when = timezone.localtime(visit.starts_at)
            messages.error(
                request,
                f"Not confirmed: {visit.session.title} on {when:%a %-d %b at %H:%M} cannot stay where "
                f"it is, as {why.sentence}. Move it to another time first.",
            )
            return redirect("bookings:coordinator-booking", pk=booking.pk)
        if request.POST.get("verify_contact"):
            # The coordinator has checked with the school: next time this contact confirms by email.
            KnownAddress.objects.get_or_create(
                school=booking.school, email=booking.contact_email, defaults={"verified_by": user}
            )
        if whole:
            services.confirm(booking, by=by, site_url=url)
            messages.success(request, f"{booking.reference} is confirmed and the school has been emailed.")
        elif services.approve_part(booking, user.agency_id, by=by, site_url=url):
            messages.success(request, f"{booking.reference} is confirmed and the school has been emailed.")
        else:
            messages.success(
                request,
                "Your part is approved. The booking is confirmed when the other partners approve theirs.",
            )
        record("booking.approve", user=user, target=booking.reference)
    elif action == "cancel" and booking.is_open:
        form = CancelForm(request.POST)
        if not form.is_valid():
            # Nothing changes: the page again, with what was typed and why it was refused.
            return _coordinator_booking_page(request, booking, form)
        reason = form.cleaned_data["reason"]
        if whole:
            services.cancel(booking, by=by, site_url=url, reason=reason)
            messages.success(request, f"{booking.reference} is cancelled and the school has been emailed.")
        else:
            services.cancel_part(booking, user.agency_id, by=by, site_url=url, reason=reason)
            messages.success(
                request, "Your part of the booking is cancelled and the school has been emailed."
            )
        record("booking.cancel", user=user, target=booking.reference, reason=reason,
               part="whole" if whole else "own agency's part")
    elif action in {"move", "book"}:
        parsed = parse_offer_key(request.POST.get("option", ""))
        if parsed is None:
            messages.error(request, "Choose one of the options listed.")
            return redirect("bookings:coordinator-booking", pk=booking.pk)
        officer_id, day, start_minute = parsed
        try:
            if action == "move":
                visit = get_object_or_404(
                    Visit.objects.select_related("session"),
                    pk=as_id(request.POST.get("visit")), booking=booking, status__in=Visit.LIVE,
                )
                if not may_act_on_visit(user, visit):
                    raise PermissionDenied("This visit is another partner's.")
                services.move(
                    visit, services.Choice(visit.session, officer_id, day, start_minute), by=by, site_url=url
                )
                record("booking.move", user=request.user, target=booking.reference,
                       visit=visit.pk, officer=officer_id, day=day.isoformat(), minute=start_minute)
                messages.success(request, "The visit is moved and the school has been emailed.")
            else:
                session = get_object_or_404(booking.sessions, pk=as_id(request.POST.get("session")))
                if not may_act_on_session(user, session):
                    raise PermissionDenied("This session is another partner's.")
                services.take_slot(booking, services.Choice(session, officer_id, day, start_minute))
                record("booking.book", user=request.user, target=booking.reference, session=session.pk,
                       officer=officer_id, day=day.isoformat(), minute=start_minute)
                booked = set(
                    booking.visits.filter(status__in=Visit.LIVE).values_list("session_id", flat=True)
                )
                if booked >= set(booking.sessions.values_list("pk", flat=True)):
                    booking.ready_for_approval()
                    if whole or services.approve_part(booking, user.agency_id, by=by, site_url=url):
                        if whole:
                            services.confirm(booking, by=by, site_url=url)
                        messages.success(
                            request, f"{booking.reference} is booked and the school has been emailed."
                        )
                    else:
                        messages.success(request, "Booked. The other partners approve their parts.")
                else:
                    messages.success(request, "Booked. Choose times for the other sessions.")
        except services.SlotTaken:
            messages.error(request, "That time has just been taken. Choose another from the fresh list.")
    return redirect("bookings:coordinator-booking", pk=booking.pk)
