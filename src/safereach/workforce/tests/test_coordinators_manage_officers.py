from datetime import time, timedelta

from django.urls import reverse

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.models import Booking
from safereach.bookings.offers import offers_for
from safereach.bookings.tests.factories import quiet_monday
from safereach.workforce.models import Leave


def test_a_coordinator_sets_sessions_days_and_hours(client, county):
    client.force_login(county["coordinator"])
    owen = county["owen"]

    response = client.post(
        reverse("workforce:officer", args=[owen.pk]),
        {
            "save_officer": "1",
            "sessions": [county["hoax"].pk],
            "working_days": ["1", "3"],
            "day_starts": "9.00",
            "day_ends": "15:30",
            "max_visits_per_day": "2",
        },
    )

    assert response.status_code == 302
    owen.refresh_from_db()
    assert list(owen.sessions.all()) == [county["hoax"]]
    assert (owen.working_days, owen.day_starts, owen.day_ends, owen.max_visits_per_day) == (
        "13",
        time(9),
        time(15, 30),
        2,
    )


def test_only_the_agencys_own_sessions_can_be_given(client, county):
    client.force_login(county["coordinator"])

    page = client.post(
        reverse("workforce:officer", args=[county["owen"].pk]),
        {
            "save_officer": "1",
            "sessions": [county["knife"].pk],
            "working_days": ["1"],
            "day_starts": "9:00",
            "day_ends": "8:00",
            "max_visits_per_day": "20",
        },
    )

    html = page.content.decode()
    assert "There is a problem" in html
    errors = page.context["form"].errors
    assert "sessions" in errors and errors["day_ends"] == ["The working day must end after it starts"]
    assert errors["max_visits_per_day"] == ["Visits a day must be between 1 and 8"]
    assert 'value="8:00"' in html


def test_leave_stops_offers_on_those_days(client, county):
    client.force_login(county["coordinator"])
    monday = quiet_monday()
    booking = Booking.objects.create(
        school=county["school"],
        contact_name="S",
        contact_email="s@oakfield.sch.uk",
        dates_from=monday,
        dates_to=monday + timedelta(days=4),
        pupils=20,
    )
    assert any(o.officer == county["owen"] for o in offers_for(booking, county["hoax"]))

    client.post(
        reverse("bookings:add-leave", args=[county["owen"].pk]),
        {
            "starts_on": monday.isoformat(),
            "ends_on": (monday + timedelta(days=4)).isoformat(),
            "reason": "Training",
        },
    )

    assert Leave.objects.get().reason == "Training"
    assert offers_for(booking, county["hoax"]) == []  # only Owen delivers hoax calls


def test_backwards_leave_is_refused_in_plain_words(client, county):
    client.force_login(county["coordinator"])
    monday = quiet_monday()

    page = client.post(
        reverse("bookings:add-leave", args=[county["owen"].pk]),
        {
            "starts_on": monday.isoformat(),
            "ends_on": (monday - timedelta(days=1)).isoformat(),
        },
    )

    assert page.context["leave_form"].errors["ends_on"] == [
        "The last day must be the same as or after the first day"
    ]
    assert not Leave.objects.exists()


def test_leave_far_in_the_future_or_past_is_refused_beside_the_field(client, county):
    client.force_login(county["coordinator"])
    url = reverse("bookings:add-leave", args=[county["owen"].pk])

    page = client.post(url, {"starts_on": "9999-12-30", "ends_on": "9999-12-31"})
    assert page.status_code == 200
    assert page.context["leave_form"].errors["starts_on"][0].startswith("The first day away must be before")
    assert page.context["leave_form"].errors["ends_on"][0].startswith("The last day away must be before")
    page = client.post(url, {"starts_on": "2001-01-01", "ends_on": "2001-01-02"})
    errors = page.context["leave_form"].errors
    assert errors["starts_on"][0].startswith("The first day away must be on or after")
    assert not Leave.objects.exists()


def test_coordinators_of_another_agency_and_other_roles_cannot(client, county):
    client.force_login(make_user(Role.COORDINATOR, agency=county["police"]))
    assert client.get(reverse("workforce:officer", args=[county["owen"].pk])).status_code == 404
    client.force_login(make_user(Role.OFFICER, agency=county["fire"]))
    assert client.get(reverse("workforce:officers")).status_code == 403
