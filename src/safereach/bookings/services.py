"""What happens to a booking: hold, confirm, approve, reschedule, cancel, release; and the
emails that tell the school, the coordinator and the officer each time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Role, User
from safereach.bookings.calendar_file import booking_calendar
from safereach.bookings.diary import at, minutes_of, read_school_day
from safereach.bookings.links import confirm_url, make_token, manage_url
from safereach.bookings.models import Booking, ChangeEmail, Visit, is_known_address
from safereach.bookings.offers import Diaries, booking_settings
from safereach.bookings.priority import target_school_ids
from safereach.core.database import when_unlocked
from safereach.routing.diary import Fit
from safereach.workforce.models import Officer


def is_target(school, sessions) -> bool:
    """A booking is for a target school when the school is in the top tenth for any of its programmes."""
    return any(school.pk in target_school_ids(p) for p in {s.programme.slug for s in sessions})


def make_request(form, school) -> Booking:
    """Save a school's request whole (the booking and the sessions it asks for) or not at all.

    Many schools may ask at once: on SQLite the transaction waits its turn for the write
    lock, and is tried again if the database still answers that it is locked."""
    booking = form.save(commit=False)
    booking.school = school
    booking.is_target = is_target(school, form.cleaned_data["sessions"])

    def save() -> Booking:
        booking.pk, booking._state.adding = None, True  # a new row, however often tried
        with transaction.atomic():
            booking.save()
            form.save_m2m()
        return booking

    return when_unlocked(save)


@dataclass
class Choice:
    session: object
    officer_id: int
    day: object
    start: int


class SlotTaken(Exception):
    """Someone else booked that officer's time first."""


def take_slot(
    booking: Booking, choice: Choice, *, ignore_visit: Visit | None = None, date_ranges=None
) -> Visit:
    """Put a visit in the officer's diary if the slot is still open, or raise SlotTaken.

    Runs in a transaction that first writes the officer's row: on PostgreSQL that write
    locks the row until commit, on SQLite it takes the database's write lock, so a second
    booking of the same officer waits, then reads the diary with the first one in it.
    """
    with transaction.atomic():
        locked = Officer.objects.filter(pk=choice.officer_id).update(diary_version=F("diary_version") + 1)
        if not locked:
            raise SlotTaken
        officer = Officer.objects.select_related("base").get(pk=choice.officer_id)
        if not officer.sessions.filter(pk=choice.session.pk).exists():
            raise SlotTaken
        diaries = Diaries(
            booking, choice.session, ignore_visit=ignore_visit, officers=[officer], date_ranges=date_ranges
        )
        slot = diaries.still_open(choice.officer_id, choice.day, choice.start)
        if slot is None:
            raise SlotTaken
        try:
            with transaction.atomic():
                if ignore_visit is not None:
                    if not ignore_visit.move(
                        officer, at(slot.day, slot.start), at(slot.day, slot.end), slot.added_travel
                    ):
                        raise SlotTaken  # cancelled or released meanwhile: nothing to move
                    return Visit.objects.get(pk=ignore_visit.pk)
                return Visit.objects.hold(
                    booking=booking,
                    school=booking.school,
                    session=choice.session,
                    officer=officer,
                    starts_at=at(slot.day, slot.start),
                    ends_at=at(slot.day, slot.end),
                    added_travel_minutes=slot.added_travel,
                )
        except IntegrityError as exc:  # the unique constraint: same officer, same start
            raise SlotTaken from exc


def hold(booking: Booking, choices: list[Choice], site_url: str) -> list[Choice]:
    """Hold every chosen slot, or none: returns the choices that were taken by someone else.

    A session of the booking with no choice (no officer could reach the school for it) joins
    the coordinator's queue as part of the same booking once the others are held.
    """
    lost = when_unlocked(lambda: _hold(booking, choices))
    if lost:
        return lost
    if booking.status == Booking.Status.HELD:
        send_to_school(booking, "confirm_link", site_url, attach_calendar=False)
        if booking.waiting_sessions().exists():
            tell_staff(booking, "partly_queued", site_url)
    else:
        send_to_school(booking, "awaiting_approval", site_url, attach_calendar=False)
        tell_staff(booking, "approval_needed", site_url)
    return []


def _hold(booking: Booking, choices: list[Choice]) -> list[Choice]:
    lost = []
    try:
        with transaction.atomic():
            # Officers are locked in one order, so two bookings of the same two officers
            # cannot each wait for the other.
            for choice in sorted(choices, key=lambda c: c.officer_id):
                try:
                    take_slot(booking, choice)
                except SlotTaken:
                    lost.append(choice)
            if lost:
                raise SlotTaken
            config = booking_settings()
            if is_known_address(booking.school, booking.contact_email):
                held = booking.hold(timezone.now() + timedelta(minutes=config["HOLD_MINUTES"]))
            else:
                held = booking.hold_for_approval(
                    timezone.now() + timedelta(hours=config["APPROVAL_HOLD_HOURS"])
                )
            if not held:  # chosen already, in another tab: this choice holds nothing
                lost = list(choices)
                raise SlotTaken
    except SlotTaken:
        booking.refresh_from_db(fields=["status", "held_until"])
        return lost
    return []


def queue(booking: Booking, site_url: str) -> None:
    """Nothing fits: the coordinator takes it from here, and the school is told so."""
    if not booking.send_to_queue():
        return  # times chosen, or queued already, by another request meanwhile
    send_to_school(booking, "queued", site_url, attach_calendar=False)
    tell_staff(booking, "queued", site_url)


def school_clashes(booking: Booking) -> list[tuple[Visit, Fit]]:
    """The booking's live visits that the one rule refuses beside everything else the school
    hosts that day (the group's other sessions, and the school's sessions at once): what a
    coordinator must move before approving."""
    clashes = []
    for visit in booking.live_visits():
        starts, ends = timezone.localtime(visit.starts_at), timezone.localtime(visit.ends_at)
        day = starts.date()
        school_day = read_school_day(booking, day, day, ignore_visit_ids=[visit.pk])
        verdict = school_day.on(day).room_for(minutes_of(starts.time()), minutes_of(ends.time()))
        if verdict is not Fit.FITS:
            clashes.append((visit, verdict))
    return clashes


def confirm(booking: Booking, by: str, site_url: str) -> bool:
    """Confirm a held booking; False when it has gone (released or cancelled) in the meantime."""
    if not when_unlocked(lambda: booking.confirm(by)):
        booking.refresh_from_db()
        return booking.status == Booking.Status.CONFIRMED  # a second click: already done
    send_to_school(booking, "confirmed", site_url)
    tell_staff(booking, "confirmed", site_url)
    return True


def cancel(booking: Booking, by: str, site_url: str, reason: str = "") -> None:
    withdrawn = list(booking.waiting_sessions())  # leave the queue with the booking
    if not booking.is_open:
        return
    visits = when_unlocked(lambda: booking.cancel(by=by, reason=reason))
    if booking.status != Booking.Status.CANCELLED:
        return  # cancelled or released by another request meanwhile
    send_to_school(
        booking,
        "cancelled",
        site_url,
        visits=visits,
        extra={"by": by, "reason": reason, "withdrawn": withdrawn},
    )
    tell_staff(booking, "cancelled", site_url, visits=visits)


def cancel_visit(visit: Visit, by: str, site_url: str) -> None:
    """Cancel one visit of a booking; the booking is cancelled with its last visit."""
    booking = visit.booking
    if booking.visits.filter(status__in=Visit.LIVE).exclude(pk=visit.pk).exists():
        if not when_unlocked(lambda: visit.cancel()):
            return
        send_to_school(booking, "visit_cancelled", site_url, visits=[visit], extra={"by": by})
        tell_staff(booking, "cancelled", site_url, visits=[visit])
    else:
        cancel(booking, by, site_url)


def back_to_queue(visit: Visit, by: str, site_url: str) -> None:
    """The officer cannot come (leave): the visit is cancelled and its session waits in the
    queue, part of the same booking, for a coordinator to find a new time; the school is told."""
    if not when_unlocked(lambda: visit.cancel()):
        return  # cancelled meanwhile
    booking = visit.booking
    if booking is None:
        return
    send_to_school(
        booking, "back_to_queue", site_url, attach_calendar=False, visits=[visit], extra={"by": by}
    )
    tell_staff(booking, "cancelled", site_url, visits=[visit])


def ask_for_a_new_time(visit: Visit, by: str, site_url: str) -> None:
    """The officer cannot come (leave): the school is emailed a link to choose a new time for
    the visit (the days away are never offered); the visit stays until it does."""
    booking = visit.booking
    if booking is None:
        back_to_queue(visit, by, site_url)
        return
    link = site_url + reverse("bookings:reschedule", args=[make_token(booking, "manage"), visit.pk])
    send_to_school(
        booking, "choose_new_time", site_url, attach_calendar=False, visits=[visit],
        extra={"by": by, "reschedule_link": link},
    )


def move(visit: Visit, choice: Choice, by: str, site_url: str, date_ranges=None) -> Visit:
    """Move a visit to another slot (another time or another officer), on the booking's dates
    or on other `date_ranges` the school gave (kept with the booking's dates that suit);
    raises SlotTaken."""

    def take() -> Visit:
        with transaction.atomic():
            moved = take_slot(visit.booking, choice, ignore_visit=visit, date_ranges=date_ranges)
            booking = visit.booking
            given = [(a, b) for a, b in date_ranges or [] if (a, b) not in booking.date_ranges]
            new = [[a.isoformat(), b.isoformat()] for a, b in given]
            if new:
                booking.more_dates = [*(booking.more_dates or []), *new]
                booking.save(update_fields=["more_dates"])
            return moved

    moved = when_unlocked(take)
    send_to_school(visit.booking, "moved", site_url, extra={"by": by, "visit": moved})
    tell_staff(visit.booking, "moved", site_url, visits=[moved])
    return moved


def release_expired_holds(site_url: str = "", now=None) -> int:
    """Let go of slots held past their time and tell the schools; returns how many bookings.
    Run every minute by a periodic task (bookings.tasks), never by a page."""
    now = now or timezone.now()
    released = 0
    for booking in Booking.objects.filter(status__in=Booking.HOLDING, held_until__lt=now):
        # Sessions no officer could reach go with the held times: the request was never confirmed.
        withdrawn = list(booking.waiting_sessions())
        if not when_unlocked(lambda b=booking: b.release(now)):
            continue  # confirmed or released by another request meanwhile
        released += 1
        if site_url:
            send_to_school(
                booking, "released", site_url, attach_calendar=False, extra={"withdrawn": withdrawn}
            )
    return released


SUBJECTS = {
    "confirm_link": "Confirm your booking {ref}",
    "awaiting_approval": "We have your booking {ref}: a coordinator will check it",
    "queued": "We have your request {ref}: a coordinator will find a time",
    "confirmed": "Booking confirmed {ref}",
    "cancelled": "Booking cancelled {ref}",
    "visit_cancelled": "A session was cancelled {ref}",
    "moved": "Booking changed {ref}",
    "back_to_queue": "A visit needs a new time {ref}",
    "choose_new_time": "Please choose a new time {ref}",
    "released": "Booking not confirmed in time {ref}",
}


STAFF_SUBJECTS = {
    "approval_needed": "Approval needed {ref}",
    "queued": "No time fitted, in the queue {ref}",
    "partly_queued": "Sessions waiting for a time {ref}",
    "confirmed": "Booking confirmed {ref}",
    "cancelled": "Booking cancelled {ref}",
    "moved": "Booking changed {ref}",
}


def send_to_school(
    booking: Booking,
    kind: str,
    site_url: str,
    *,
    attach_calendar: bool = True,
    visits=None,
    extra: dict | None = None,
) -> None:
    visits = list(booking.live_visits()) if visits is None else visits
    manage = site_url + manage_url(booking)
    context = {
        "booking": booking,
        "visits": visits,
        "waiting": list(booking.waiting_sessions()),
        "manage_link": manage,
        "confirm_link": site_url + confirm_url(booking),
        "site_url": site_url,
        "config": booking_settings(),
        **(extra or {}),
    }
    subject = SUBJECTS[kind].format(ref=booking.reference)
    message = EmailMessage(
        subject, render_to_string(f"bookings/email/{kind}.txt", context), to=[booking.contact_email]
    )
    if attach_calendar and visits:
        message.attach(
            f"{booking.reference}.ics",
            booking_calendar(booking, visits, manage, cancelled=kind.endswith("cancelled")),
            "text/calendar",
        )
    message.send()
    when_unlocked(
        lambda: ChangeEmail.objects.create(booking=booking, to=booking.contact_email, subject=subject)
    )


def tell_staff(booking: Booking, kind: str, site_url: str, visits=None) -> None:
    """The partners' coordinators and the officers concerned hear of every change."""
    # About the whole booking unless told which visits: then only their partners hear.
    waiting = list(booking.waiting_sessions()) if visits is None else []
    visits = list(booking.live_visits()) if visits is None else visits
    partners = {v.session.partner_id for v in visits} | {s.partner_id for s in waiting}
    partners = partners or {s.partner_id for s in booking.sessions.all()}
    recipients = {
        u.email
        for u in User.objects.filter(agency_id__in=partners, is_active=True)
        if Role.COORDINATOR in (u.roles or [])
    }
    recipients |= {v.officer.user.email for v in visits if v.officer.user_id}
    if not recipients:
        return
    subject = f"{STAFF_SUBJECTS[kind].format(ref=booking.reference)}: {booking.school.name}"
    body = render_to_string(
        "bookings/email/staff.txt",
        {"booking": booking, "visits": visits, "waiting": waiting, "kind": kind, "site_url": site_url},
    )
    EmailMessage(subject, body, to=sorted(recipients)).send()
