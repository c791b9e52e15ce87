"""Leave over booked visits says which visits it falls on and lets the coordinator move them in
the same step: back to the queue, or re-offered to the school. Nothing changes until they say."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse

from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import quiet_monday
from safereach.delivery.tests.factories import make_visit
from safereach.workforce.models import Leave


def three_visits(county, monday):
    return [make_visit(county, monday + timedelta(days=d), hour=10) for d in range(3)]


def leave_data(monday, **extra):
    return {"starts_on": monday.isoformat(), "ends_on": (monday + timedelta(days=4)).isoformat(),
            "reason": "Training course", **extra}


def test_leave_over_visits_says_which_and_changes_nothing_yet(client, county):
    monday = quiet_monday()
    visits = three_visits(county, monday)
    client.force_login(county["coordinator"])

    page = client.post(reverse("bookings:add-leave", args=[county["owen"].pk]), leave_data(monday))

    html = page.content.decode()
    assert "This leave is over 3 booked visits" in html
    assert [v.pk for v in page.context["touched"]] == [v.pk for v in visits]
    assert "What should happen to these visits?" in html
    assert "no visits will be offered" not in html
    assert not Leave.objects.exists()
    assert Visit.objects.filter(status=Visit.Status.CONFIRMED).count() == 3

    # Deciding nothing is asked again, with an error beside the question.
    again = client.post(
        reverse("bookings:add-leave", args=[county["owen"].pk]), leave_data(monday, decide="1")
    )
    assert "Select what should happen to the visits" in again.content.decode()
    assert not Leave.objects.exists()


def test_back_to_the_queue(client, county):
    monday = quiet_monday()
    visits = three_visits(county, monday)
    client.force_login(county["coordinator"])

    response = client.post(
        reverse("bookings:add-leave", args=[county["owen"].pk]),
        leave_data(monday, decide="1", visits_go="queue"),
    )

    assert response.status_code == 302
    assert Leave.objects.get().reason == "Training course"
    assert not Visit.objects.filter(status__in=Visit.LIVE).exists()
    queue = client.get(reverse("bookings:queue"))
    waiting = dict(queue.context["sections"])["No time fitted: find one"]
    assert sorted(b.pk for b in waiting) == sorted(v.booking_id for v in visits)
    told = [m for m in mail.outbox if m.subject.startswith("A visit needs a new time")]
    assert len(told) == 3 and "A booking coordinator will find a new time" in told[0].body
    followed = client.get(response["Location"]).content.decode()
    assert "3 visits went back to the booking queue" in followed


def test_re_offered_to_the_school(client, county):
    monday = quiet_monday()
    visit = three_visits(county, monday)[0]
    client.force_login(county["coordinator"])

    client.post(
        reverse("bookings:add-leave", args=[county["owen"].pk]),
        leave_data(monday, decide="1", visits_go="reoffer"),
    )

    assert Leave.objects.exists()
    asked = [m for m in mail.outbox if m.subject.startswith("Please choose a new time")]
    assert len(asked) == 3
    link = next(line for line in asked[0].body.split() if "/book/manage/" in line and "/visit/" in line)
    client.logout()
    page = client.get(link.replace("http://testserver", ""))
    assert page.status_code == 200
    offered = page.context["offers"]
    away = {monday + timedelta(days=d) for d in range(5)}
    assert all(not (o.officer == county["owen"] and o.slot.day in away) for o in offered)
    assert Booking.objects.get(pk=visit.booking_id).status == Booking.Status.CONFIRMED


def test_leave_over_no_visit_is_simply_added(client, county):
    client.force_login(county["coordinator"])
    url = reverse("bookings:add-leave", args=[county["owen"].pk])
    response = client.post(url, leave_data(quiet_monday()))
    assert response.status_code == 302 and Leave.objects.count() == 1
    assert "No visits were booked those days" in client.get(response["Location"]).content.decode()


def test_another_agency_s_coordinator_cannot_add_leave(client, county):
    from safereach.accounts.models import Role
    from safereach.accounts.tests.factories import make_user

    client.force_login(make_user(Role.COORDINATOR, agency=county["police"]))
    url = reverse("bookings:add-leave", args=[county["owen"].pk])
    response = client.post(url, leave_data(quiet_monday()))
    assert response.status_code == 404 and not Leave.objects.exists()
