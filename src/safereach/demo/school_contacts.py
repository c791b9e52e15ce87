"""The demo schools' contacts a coordinator has verified, their requests for next term waiting
in the coordinators' queue, and what `safereach demo` prints for a newcomer to try with them: a
coordinator plans next term, a school contact books and confirms by the link emailed to it (the
demo's email goes to the console) and manages a booking by its link, and a coordinator invites
target schools through the contacts verified here.

Most demo schools have one verified contact: the contact of its confirmed booking ahead, if it
has one, else a member of staff at the school's own email domain. The rest are known only by
their domain, so the invitation page shows schools it cannot invite too."""

from __future__ import annotations

from datetime import date

import numpy as np
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from safereach.accounts.models import Role, User
from safereach.bookings.links import manage_url
from safereach.bookings.models import Booking, KnownAddress, Visit
from safereach.catalogue.models import Session
from safereach.core.templatetags.dates import day_text
from safereach.demo.bookings import DEMO_DOMAIN_SUFFIX
from safereach.demo.names import person_name
from safereach.demo.schools import LA_CODE
from safereach.demo.term_requests import DEMO_REQUESTS, add_term_requests, next_term_days
from safereach.schools.models import School

VERIFIED = 0.8  # the share of demo schools with a verified contact


def add_demo_school_contacts(county, agencies: dict, today: date | None = None) -> dict:
    """Verified contacts, then next term's requests from schools across the county. Added once
    demo.bookings has filled the diary ahead, so the contacts of its bookings are the ones verified."""
    today = today or timezone.localdate()
    rng = np.random.default_rng(county.seed + 9)
    schools = list(School.objects.filter(is_fictional=True, lon__isnull=False).order_by("pk"))
    contacts = add_verified_contacts(rng, schools, agencies, DEMO_DOMAIN_SUFFIX)
    days = next_term_days(LA_CODE, today)
    requests = add_term_requests(*days, DEMO_REQUESTS, seed=county.seed + 10, contacts=contacts)
    return {"verified contacts": len(contacts), "term requests": len(requests), "term requests days": days}


def add_verified_contacts(rng, schools, agencies: dict, domain_suffix: str) -> dict[int, tuple[str, str]]:
    """A verified contact for most of `schools`; returns school id -> (name, email)."""
    coordinator = next(
        (
            u
            for u in User.objects.filter(agency__in=agencies.values()).order_by("pk")
            if Role.COORDINATOR in (u.roles or [])
        ),
        None,
    )
    booked = {
        b.school_id: (b.contact_name, b.contact_email)
        for b in Booking.objects.filter(school__in=schools, status=Booking.Status.CONFIRMED)
        .exclude(contact_email="")
        .order_by("-pk")
    }
    contacts, rows = {}, []
    for school in schools:
        if rng.random() >= VERIFIED:
            continue
        if school.pk in booked:
            name, email = booked[school.pk]
        else:
            first, last = person_name(rng)
            name, email = (
                f"{first} {last}",
                f"{first[0]}.{last}@{slugify(school.name)}{domain_suffix}".lower(),
            )
        contacts[school.pk] = (name, email)
        rows.append(KnownAddress(school=school, email=email, verified_by=coordinator))
    KnownAddress.objects.bulk_create(rows)
    return contacts


def contacts_to_print(count: int = 3) -> list[tuple[str, str]]:
    """(email, school name) of verified contacts: those the things to try use, then others."""
    chosen = []
    to_book, managed = school_to_book(), booking_to_manage()
    if to_book:
        chosen.append((to_book[2], to_book[0].name))
    if managed:
        chosen.append((managed.contact_email, managed.school.name))
    others = (
        KnownAddress.objects.filter(school__is_fictional=True)
        .exclude(email="")
        .exclude(email__in=[email for email, _ in chosen])
        .select_related("school")
        .order_by("school__name")
    )
    chosen += [(known.email, known.school.name) for known in others[: max(0, count - len(chosen))]]
    return chosen


def queued_requests() -> int:
    """The demo's requests waiting in the coordinators' queue, of any term."""
    return Booking.objects.filter(school__is_fictional=True, status=Booking.Status.QUEUED).count()


def things_to_try(site_url: str, coordinator_email: str, plan_days: tuple[date, date] | None) -> list[str]:
    """Three things a newcomer can do at once on this demo, each with its real URL."""
    site = site_url.rstrip("/")
    things = []
    waiting = queued_requests()
    if plan_days and waiting:
        things.append(
            f"Plan the term ahead: sign in as {coordinator_email}, "
            f"open {site}{reverse('planning:term-plan')}, "
            f"plan {day_text(plan_days[0].isoformat())} to {day_text(plan_days[1].isoformat())} "
            f"({waiting} requests wait in the queue), see each officer's route and the "
            "travel it adds, and apply it."
        )
    booking = school_to_book()
    if booking:
        school, session, email = booking
        form = reverse("bookings:request", args=[school.urn])
        things.append(
            f"Book as a school: open {site}{form}?session={session.slug} "
            f"and give {email} ({school.name}'s verified contact); choose a time, and the email "
            "with the link to confirm it appears in this console."
        )
    managed = booking_to_manage()
    if managed:
        things.append(
            f"Manage a booking as its school would: {site}{manage_url(managed)} "
            f"({managed.school.name}, booked by {managed.contact_name}); move a visit or cancel it."
        )
    return things


def school_to_book() -> tuple[School, Session, str] | None:
    """A school with a verified contact and a session it can book that officers deliver."""
    sessions = [
        s
        for s in Session.objects.filter(partner__is_fictional=True, is_published=True).order_by("pk")
        if s.is_visit and s.officers.exists()
    ]
    contacts = KnownAddress.objects.filter(school__is_fictional=True, school__lon__isnull=False).exclude(
        email=""
    )
    for known in contacts.select_related("school").order_by("school__name")[:200]:
        session = next((s for s in sessions if s.suits(known.school)), None)
        if session is not None and not known.school.bookings.exists():
            return known.school, session, known.email
    return None


def booking_to_manage() -> Booking | None:
    """A confirmed booking with visits ahead, its contact verified: the first to come."""
    return (
        Booking.objects.filter(school__is_fictional=True, status=Booking.Status.CONFIRMED)
        .filter(visits__status=Visit.Status.CONFIRMED, visits__starts_at__gt=timezone.now())
        .filter(contact_email__in=KnownAddress.objects.exclude(email="").values("email"))
        .annotate(first_visit=Min("visits__starts_at"))
        .select_related("school")
        .order_by("first_visit")
        .first()
    )
