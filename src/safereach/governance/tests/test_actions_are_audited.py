"""Each action issue 16 names leaves an entry an administrator reads on the audit log page: the
coordinator's queue actions (approve, book, move, cancel), applying a term plan, adding and
removing leave, and changing a targeting profile. Each test does the action through its page,
as a person would, and then reads /governance/audit/."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from safereach.accounts.models import Role, User
from safereach.accounts.tests.factories import make_user
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import quiet_monday
from safereach.bookings.tests.test_book_a_session import book
from safereach.bookings.tests.test_coordinator_queue import new_request
from safereach.bookings.tests.test_leave_over_booked_visits import leave_data, three_visits
from safereach.matrix.tests.factories import programme
from safereach.planning.tests.test_term_plan_page import ask, form, plan
from safereach.workforce.models import Leave

pytestmark = pytest.mark.django_db


def audit_log(client, **filters) -> list[dict]:
    """The entries on the audit log page, newest first, as an administrator reads them."""
    admin = User.objects.filter(email="admin@county.example").first()
    client.force_login(admin or make_user(Role.ADMINISTRATOR, email="admin@county.example"))
    page = client.get(reverse("governance:audit"), filters)
    assert page.status_code == 200
    return [dict(zip(["when", "who", "action", "what", "reason", "details"], row, strict=True))
            for row in page.context["rows"]]


def test_the_coordinators_queue_actions_are_audited(client, county):
    _, _, booking = book(client, county, contact_email="someone@gmail.example")
    coordinator = county["coordinator"]
    client.force_login(coordinator)
    action = reverse("bookings:coordinator-action", args=[booking.pk])

    client.post(action, {"action": "approve"})
    visit = Visit.objects.get(booking=booking)
    (_, options), = client.get(reverse("bookings:coordinator-booking", args=[booking.pk])).context["visits"]
    client.post(action, {"action": "move", "visit": visit.pk, "option": options[-1].key})
    client.post(action, {"action": "cancel", "reason": "Officer needed elsewhere"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED

    entries = audit_log(client, area="booking")
    assert [e["action"] for e in entries] == ["Cancelled a visit", "Moved a visit to another officer",
                                              "Approved a visit"]
    assert {(e["who"], e["what"]) for e in entries} == {(coordinator.email, booking.reference)}
    assert entries[0]["reason"] == "Officer needed elsewhere"
    assert f"visit: {visit.pk}" in entries[1]["details"]
    assert f"officer: {options[-1].officer.pk}" in entries[1]["details"]


def test_booking_a_queued_request_from_the_queue_is_audited(client, county):
    booking = new_request(county, county["school"], Booking.Status.QUEUED)
    client.force_login(county["coordinator"])
    (session, options), = client.get(
        reverse("bookings:coordinator-booking", args=[booking.pk])).context["unbooked"]

    client.post(reverse("bookings:coordinator-action", args=[booking.pk]),
                {"action": "book", "session": session.pk, "option": options[0].key})

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    (entry,) = audit_log(client, area="booking")
    assert entry["action"] == "Booked a visit for a request" and entry["what"] == booking.reference
    assert entry["who"] == county["coordinator"].email
    assert f"officer: {options[0].officer.pk}" in entry["details"]
    assert f"session: {session.pk}" in entry["details"]


def test_a_move_the_coordinator_could_not_make_leaves_no_entry(client, county):
    _, _, booking = book(client, county, contact_email="someone@gmail.example")
    client.force_login(county["coordinator"])
    action = reverse("bookings:coordinator-action", args=[booking.pk])

    client.post(action, {"action": "move", "visit": "0", "option": "not an option"})

    assert not [e for e in audit_log(client) if "visit" in e["action"]]


def test_applying_a_term_plan_is_audited(client, county):
    monday = quiet_monday()
    ask(county, county["school"], county["home_fire"], monday)
    client.force_login(county["coordinator"])
    run = plan(client, form(monday))

    client.post(reverse("planning:term-plan-apply", args=[run.pk]))
    client.post(reverse("planning:term-plan-apply", args=[run.pk]))  # a second click applies nothing

    (entry,) = audit_log(client, area="plan")
    assert entry["action"] == "Applied a term plan" and entry["what"] == f"term plan {run.pk}"
    assert entry["who"] == county["coordinator"].email


def test_adding_and_removing_leave_are_audited(client, county):
    client.force_login(county["coordinator"])
    monday = quiet_monday()
    owen = county["owen"]
    client.post(reverse("bookings:add-leave", args=[owen.pk]), leave_data(monday))
    leave = Leave.objects.get(officer=owen)
    client.post(reverse("workforce:remove-leave", args=[owen.pk, leave.pk]))
    assert not Leave.objects.exists()

    entries = audit_log(client, area="leave")
    assert [e["action"] for e in entries] == ["Removed leave", "Added leave"]
    assert {(e["who"], e["what"]) for e in entries} == {(county["coordinator"].email, owen.name)}
    assert all(f"starts_on: {monday.isoformat()}" in e["details"] for e in entries)
    assert "visits: 0" in entries[1]["details"]


def test_leave_over_booked_visits_is_audited_with_what_became_of_them(client, county):
    monday = quiet_monday()
    three_visits(county, monday)
    client.force_login(county["coordinator"])
    url = reverse("bookings:add-leave", args=[county["owen"].pk])

    client.post(url, leave_data(monday))  # asked what happens to the visits: nothing yet
    assert not Leave.objects.exists()
    client.post(url, leave_data(monday, decide="1", visits_go="queue"))

    (entry,) = audit_log(client, area="leave")
    assert entry["action"] == "Added leave" and entry["what"] == county["owen"].name
    assert "visits: 3" in entry["details"] and "visits_went: queue" in entry["details"]


def test_leave_refused_as_backwards_leaves_no_entry(client, county):
    client.force_login(county["coordinator"])
    monday = quiet_monday()
    client.post(reverse("bookings:add-leave", args=[county["owen"].pk]), {
        "starts_on": monday.isoformat(), "ends_on": (monday - timedelta(days=1)).isoformat()})

    assert not Leave.objects.exists()
    assert not [e for e in audit_log(client) if "leave" in e["action"]]


def test_profile_changes_are_audited_with_their_version_and_note(client):
    arson = programme("arson")
    analyst = make_user(Role.ANALYST, email="analyst@county.example")
    client.force_login(analyst)

    # The numbers, as the profile page's form has them, with a note.
    form = client.get(reverse("matrix:profile", args=["arson"])).context["form"]
    numbers = {f.html_name: f.value() for f in form if f.value() is not None}
    response = client.post(reverse("matrix:profile", args=["arson"]),
                           {**numbers, "note": "Reviewed the weights"})
    assert response.status_code == 302
    # The indicators, as JSON.
    profile = dict(arson.profile, window_months=6)
    response = client.post(reverse("matrix:profile-indicators", args=["arson"]),
                           {"profile": json.dumps(profile), "note": "Last six months only"})
    assert response.status_code == 302
    refused = client.post(reverse("matrix:profile-indicators", args=["arson"]),
                          {"profile": '{"indicators": [', "note": "x"})
    assert refused.status_code == 400

    arson.refresh_from_db()
    entries = audit_log(client, area="matrix")
    assert [e["action"] for e in entries] == ["Changed a targeting profile"] * 2
    assert {(e["who"], e["what"]) for e in entries} == {(analyst.email, "arson")}
    assert f"version: {arson.version}" in entries[0]["details"]
    assert "note: Last six months only" in entries[0]["details"]
    assert f"version: {arson.version - 1}" in entries[1]["details"]
    assert "note: Reviewed the weights" in entries[1]["details"]
