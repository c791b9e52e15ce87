from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings import priority
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import quiet_monday
from safereach.bookings.tests.test_book_a_session import book


def signed_in_coordinator(client, county):
    client.force_login(county["coordinator"])


def new_request(county, school, status, created_minutes_ago=0, **extra):
    monday = quiet_monday()
    booking = Booking.objects.create(
        school=school,
        contact_name="Head",
        contact_email=f"head@{school.urn}.sch.uk",
        dates_from=monday,
        dates_to=monday + timedelta(days=4),
        pupils=25,
        status=status,
        **extra,
    )
    booking.sessions.add(county["home_fire"])
    Booking.objects.filter(pk=booking.pk).update(
        created_at=timezone.now() - timedelta(minutes=created_minutes_ago)
    )
    return booking


def test_target_schools_come_first_then_the_oldest(client, county):
    older = new_request(county, county["school"], Booking.Status.QUEUED, created_minutes_ago=60)
    target = new_request(county, county["other"], Booking.Status.QUEUED, is_target=True)
    signed_in_coordinator(client, county)

    page = client.get(reverse("bookings:queue"))

    queued = dict(page.context["sections"])["No time fitted: find one"]
    assert queued == [target, older]
    assert "Target school" in page.content.decode()


def test_only_coordinators_see_the_queue(client, county):
    assert client.get(reverse("bookings:queue")).status_code == 302  # to sign in
    client.force_login(make_user(Role.ANALYST, agency=county["fire"]))
    assert client.get(reverse("bookings:queue")).status_code == 403


def test_a_booking_is_a_target_when_the_matrix_says_so(client, county, monkeypatch):
    monkeypatch.setattr(
        priority,
        "target_school_ids",
        lambda programme: {county["school"].pk} if programme == "home-fire-safety" else set(),
    )
    monkeypatch.setattr("safereach.bookings.services.target_school_ids", priority.target_school_ids)

    _, _, booking = book(client, county)

    assert booking.is_target


def test_the_coordinator_sees_every_option_with_its_added_travel_and_books_a_queued_request(client, county):
    booking = new_request(county, county["school"], Booking.Status.QUEUED)
    signed_in_coordinator(client, county)

    page = client.get(reverse("bookings:coordinator-booking", args=[booking.pk]))
    session, options = page.context["unbooked"][0]
    assert len(options) > 5 and [o.slot.added_travel for o in options] == sorted(
        o.slot.added_travel for o in options
    )
    assert {o.officer for o in options} == {county["owen"], county["fatima"]}
    assert "Added travel" in page.content.decode()

    # Choose another than the suggested: the farther officer's first option.
    chosen = next(o for o in options if o.officer == county["fatima"])
    client.post(
        reverse("bookings:coordinator-action", args=[booking.pk]),
        {"action": "book", "session": session.pk, "option": chosen.key},
    )

    booking.refresh_from_db()
    visit = Visit.objects.get()
    assert booking.status == Booking.Status.CONFIRMED
    assert (visit.officer, visit.starts_at, visit.status) == (
        county["fatima"],
        chosen.starts_at,
        Visit.Status.CONFIRMED,
    )
    assert mail.outbox[0].to == [booking.contact_email] and mail.outbox[0].subject.startswith(
        "Booking confirmed"
    )


def test_approve_move_and_cancel_each_email_the_school(client, county):
    _, _, booking = book(client, county, contact_email="someone@gmail.example")
    assert booking.status == Booking.Status.AWAITING_APPROVAL
    signed_in_coordinator(client, county)
    sent = len(mail.outbox)
    action = reverse("bookings:coordinator-action", args=[booking.pk])

    client.post(action, {"action": "approve"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert mail.outbox[sent].subject.startswith("Booking confirmed") and mail.outbox[sent].to == [
        booking.contact_email
    ]

    visit = Visit.objects.get()
    page = client.get(reverse("bookings:coordinator-booking", args=[booking.pk]))
    ((_, options),) = page.context["visits"]
    target = options[-1]
    client.post(action, {"action": "move", "visit": visit.pk, "option": target.key})
    visit.refresh_from_db()
    assert (visit.officer_id, visit.starts_at) == (target.officer.pk, target.starts_at)
    assert any(
        m.subject.startswith("Booking changed") and m.to == [booking.contact_email] for m in mail.outbox
    )

    client.post(action, {"action": "cancel", "reason": "Officer needed elsewhere"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    cancelled = next(m for m in mail.outbox if m.subject.startswith("Booking cancelled"))
    assert "Officer needed elsewhere" in cancelled.body


def test_a_coordinator_of_another_agency_cannot_open_the_booking(client, county):
    booking = new_request(county, county["school"], Booking.Status.QUEUED)
    client.force_login(make_user(Role.COORDINATOR, agency=county["police"]))

    assert client.get(reverse("bookings:coordinator-booking", args=[booking.pk])).status_code == 404


def test_approving_can_verify_the_contact_so_next_time_they_confirm_by_email(client, county):
    from safereach.bookings.models import KnownAddress, is_known_address

    _, _, booking = book(client, county, contact_email="head.teacher@gmail.example")
    signed_in_coordinator(client, county)

    client.post(
        reverse("bookings:coordinator-action", args=[booking.pk]),
        {"action": "approve", "verify_contact": "1"},
    )

    assert is_known_address(county["school"], "Head.Teacher@gmail.example")
    assert not is_known_address(county["school"], "someone.else@gmail.example")  # the address, not the domain
    assert KnownAddress.objects.get(email="head.teacher@gmail.example").verified_by == county["coordinator"]
