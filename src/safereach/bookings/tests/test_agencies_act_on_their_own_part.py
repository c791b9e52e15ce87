"""A joint booking (a fire session and a police session at one school): each agency's
coordinator acts on their own agency's part only, and sees the other part read-only. A staff
user who belongs to no agency sees and acts on no agency's bookings or term plans."""

from datetime import time

import pytest
from django.urls import reverse

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import CENTRAL, make_session, request_data
from safereach.planning.models import PlanRun
from safereach.workforce.tests.factories import make_officer, make_station


@pytest.fixture
def joint(client, county):
    """A school books a fire session and a police session in one request, from an address it is
    not known by, so the booking waits for approval with a held visit of each agency."""
    police = county["police"]
    street = make_session(police, "Staying safe on the street", slug="street-safety", programme="knife-crime")
    pc = make_officer(police, "Priya Cole", base=make_station("Police HQ", lon=CENTRAL[0], lat=CENTRAL[1]),
                      day_starts=time(8, 30), day_ends=time(16, 30), max_visits_per_day=3)
    pc.sessions.add(street)
    response = client.post(
        reverse("bookings:request", args=[county["school"].urn]),
        request_data(county, sessions=[county["home_fire"].pk, street.pk],
                     contact_email="head@gmail.example"),
    )
    times_url = response["Location"]
    form = client.get(times_url).context["form"]
    first, second = list(form.fields)
    # The same pupils cannot be in two sessions at once: the first time for one, then the first
    # time for the other that the form accepts beside it.
    for choice, _ in form.fields[second].choices:
        client.post(times_url, {form[first].html_name: form.fields[first].choices[0][0],
                                form[second].html_name: choice})
        booking = Booking.objects.get()
        if booking.status != Booking.Status.REQUESTED:
            break
    assert booking.status == Booking.Status.AWAITING_APPROVAL
    police_coordinator = make_user(Role.COORDINATOR, email="coordinator@police.example", agency=police)
    return {
        "booking": booking,
        "fire_visit": Visit.objects.get(session=county["home_fire"]),
        "police_visit": Visit.objects.get(session=street),
        "police_coordinator": police_coordinator,
        "action": reverse("bookings:coordinator-action", args=[booking.pk]),
        "page": reverse("bookings:coordinator-booking", args=[booking.pk]),
    }


def statuses(joint):
    joint["fire_visit"].refresh_from_db()
    joint["police_visit"].refresh_from_db()
    joint["booking"].refresh_from_db()
    return joint["booking"].status, joint["fire_visit"].status, joint["police_visit"].status


def test_approving_confirms_only_the_coordinators_own_part_until_every_partner_has(client, county, joint):
    client.force_login(joint["police_coordinator"])
    client.post(joint["action"], {"action": "approve"})
    assert statuses(joint) == (Booking.Status.AWAITING_APPROVAL, Visit.Status.HELD, Visit.Status.CONFIRMED)

    client.force_login(county["coordinator"])
    client.post(joint["action"], {"action": "approve"})
    assert statuses(joint) == (Booking.Status.CONFIRMED, Visit.Status.CONFIRMED, Visit.Status.CONFIRMED)


def test_cancelling_withdraws_only_the_coordinators_own_part(client, county, joint):
    client.force_login(joint["police_coordinator"])
    client.post(joint["action"], {"action": "cancel", "reason": "No officer that week"})
    assert statuses(joint) == (Booking.Status.AWAITING_APPROVAL, Visit.Status.HELD, Visit.Status.CANCELLED)


def test_another_agencys_visit_is_neither_moved_nor_offered(client, county, joint):
    client.force_login(county["coordinator"])
    page = client.get(joint["page"])
    fire_options = dict(page.context["visits"])[joint["fire_visit"]]
    assert fire_options and dict(page.context["visits"])[joint["police_visit"]] == []
    assert "Priya Cole" in page.content.decode()  # the police part is shown, read-only

    client.force_login(joint["police_coordinator"])
    before = (joint["fire_visit"].officer_id, joint["fire_visit"].starts_at)
    response = client.post(
        joint["action"], {"action": "move", "visit": joint["fire_visit"].pk, "option": fire_options[-1].key}
    )
    assert response.status_code == 403
    joint["fire_visit"].refresh_from_db()
    assert (joint["fire_visit"].officer_id, joint["fire_visit"].starts_at) == before


def test_an_administrator_acts_on_the_whole_booking(client, county, joint):
    client.force_login(make_user(Role.ADMINISTRATOR))
    client.post(joint["action"], {"action": "approve"})
    assert statuses(joint) == (Booking.Status.CONFIRMED, Visit.Status.CONFIRMED, Visit.Status.CONFIRMED)


def test_a_move_with_a_visit_that_is_not_a_number_is_not_found(client, county, joint):
    client.force_login(county["coordinator"])
    response = client.post(joint["action"], {"action": "move", "visit": "abc", "option": "1:2026-12-01:600"})
    assert response.status_code == 404


def test_a_coordinator_of_no_agency_sees_and_acts_on_nothing(client, county, joint):
    nobody = make_user(Role.COORDINATOR, email="floating@example.org", agency=None)
    PlanRun.objects.create(asked_by=county["coordinator"], agency=county["fire"], seconds=1,
                           first_day=joint["booking"].dates_from, last_day=joint["booking"].dates_to)
    client.force_login(nobody)

    queue = client.get(reverse("bookings:queue"))
    assert all(rows == [] for _, rows in queue.context["sections"])
    assert client.get(joint["page"]).status_code == 404
    assert client.post(joint["action"], {"action": "cancel"}).status_code == 404
    assert statuses(joint)[0] == Booking.Status.AWAITING_APPROVAL

    plans = client.get(reverse("planning:term-plan"))
    assert list(plans.context["runs"]) == []
    asked = client.post(reverse("planning:term-plan"), {
        "first_day": joint["booking"].dates_from.isoformat(),
        "last_day": joint["booking"].dates_to.isoformat(), "seconds": "1"})
    assert asked.status_code == 403 and PlanRun.objects.count() == 1
