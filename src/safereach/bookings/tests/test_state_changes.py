"""Booking and visit status change only through their own methods, each guarded by the status
it expects; a confirmed visit's changes go to the outbox in the same transaction."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from safereach.bookings import services
from safereach.bookings.models import Booking, Visit, VisitChange
from safereach.bookings.tests.test_book_a_session import book, link_in

SOURCE = Path(__file__).resolve().parents[2]
WRITES = {"create", "update", "get_or_create", "update_or_create", "Booking", "Visit"}


def sets_status(tree) -> list[int]:
    """Lines that assign `.status`, or pass `status=` to a create, an update or a constructor."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and any(k.arg == "status" for k in node.keywords):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in WRITES:
                lines.append(node.lineno)
    return lines


def test_nothing_outside_the_models_sets_a_booking_or_visit_status():
    offenders = []
    for path in SOURCE.rglob("*.py"):
        relative = path.relative_to(SOURCE).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or relative == "bookings/models.py":
            continue
        source = path.read_text()
        if "Booking" not in source and "Visit" not in source:
            continue
        offenders += [f"{relative}:{n}" for n in sets_status(ast.parse(source))]
    assert offenders == []


def test_a_hold_is_confirmed_once_and_its_visit_becomes_a_booked_job(client, county):
    _, _, booking = book(client, county)
    visit = Visit.objects.get()
    assert VisitChange.objects.count() == 0, "a held visit is not a job yet"

    assert booking.confirm("the contact") is True
    assert booking.confirm("the contact again") is False, "guarded: it is no longer held"

    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED
    change = VisitChange.objects.get()
    assert (change.kind, change.visit, change.agency) == ("visit.booked", visit, county["fire"])
    assert change.job["reference"] == visit.reference
    assert change.job["school_urn"] == county["school"].urn and change.job["outcome"] is None


def test_a_hold_past_its_time_cannot_be_confirmed_before_the_task_releases_it(client, county):
    _, _, booking = book(client, county)
    confirm = link_in(mail.outbox[0], "confirm")
    Booking.objects.filter(pk=booking.pk).update(held_until=timezone.now() - timedelta(minutes=1))

    page = client.post(confirm)

    assert "cannot be confirmed" in page.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.HELD and Visit.objects.get().status == Visit.Status.HELD
    assert VisitChange.objects.count() == 0


def test_the_change_and_its_outbox_row_are_one_transaction(client, county):
    _, _, booking = book(client, county)

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            booking.confirm("the contact")
            raise RuntimeError("the database failed after the change")

    booking.refresh_from_db()
    assert booking.status == Booking.Status.HELD
    assert Visit.objects.get().status == Visit.Status.HELD
    assert VisitChange.objects.count() == 0


def test_moving_and_cancelling_a_confirmed_visit_are_jobs_changes_a_held_one_is_not(client, county):
    _, _, booking = book(client, county)
    visit = Visit.objects.get()
    later = visit.starts_at + timedelta(hours=1), visit.ends_at + timedelta(hours=1)
    assert visit.move(visit.officer, *later) is True
    assert VisitChange.objects.count() == 0

    booking.confirm("the contact")
    visit.refresh_from_db()
    assert visit.move(visit.officer, visit.starts_at + timedelta(days=1), visit.ends_at + timedelta(days=1))
    cancelled = booking.cancel()

    assert [v.pk for v in cancelled] == [visit.pk]
    assert list(VisitChange.objects.values_list("kind", flat=True)) == [
        "visit.booked",
        "visit.moved",
        "visit.cancelled",
    ]
    moved = VisitChange.objects.get(kind="visit.moved")
    assert moved.job["starts_at"] == timezone.localtime(visit.starts_at).isoformat()
    # Cancelled: nothing more moves it, cancels it or confirms it.
    assert visit.move(visit.officer, *later) is False
    assert visit.cancel() is False and booking.cancel() == [] and booking.confirm("x") is False
    assert VisitChange.objects.count() == 3


def test_release_lets_go_only_of_holds_past_their_time(client, county):
    _, _, booking = book(client, county)
    now = timezone.now()

    assert booking.release(now) is False, "not yet past its time"
    assert booking.release(now + timedelta(hours=2)) is True
    assert booking.release(now + timedelta(hours=2)) is False
    assert Visit.objects.get().status == Visit.Status.RELEASED
    assert booking.confirm("the contact") is False
    assert VisitChange.objects.count() == 0


def test_queue_only_from_choosing(client, county):
    _, _, booking = book(client, county)  # held
    assert booking.send_to_queue() is False
    services.queue(booking, "http://testserver")  # a second tab's "no time fits"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.HELD
