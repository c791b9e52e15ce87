"""A school is offered, invited to and planned for only the sessions for year groups it teaches,
and a request's year groups must fit each session it asks for."""

from datetime import timedelta

import pytest
from django.urls import reverse

from safereach.bookings import invitations
from safereach.bookings.models import Booking
from safereach.bookings.tests.factories import NEARBY, make_session, quiet_monday, request_data
from safereach.planning.term_plan import gather
from safereach.schools.tests.factories import make_school


@pytest.fixture
def key_stage_3(county):
    """An arson session for Years 8 to 10 that Owen delivers, and a secondary school near him."""
    session = make_session(county["fire"], "Deliberate fires and their consequences", slug="deliberate-fires",
                           programme="arson", year_groups=[8, 9, 10])
    county["owen"].sessions.add(session)
    secondary = make_school(name="Oakfield Academy", urn=137001, phase="Secondary", low_age=11, high_age=16,
                            la_code="881", lon=NEARBY[0] + 0.002, lat=NEARBY[1])
    return {"session": session, "secondary": secondary}


def test_a_primary_school_is_not_offered_a_key_stage_3_session(client, county, key_stage_3):
    primary = reverse("bookings:request", args=[county["school"].urn])  # Oakfield Primary School

    page = client.get(primary, {"session": "deliberate-fires"})

    offered = list(page.context["form"].fields["sessions"].queryset)
    assert key_stage_3["session"] not in offered and county["home_fire"] in offered
    html = page.content.decode()
    assert ("Deliberate fires and their consequences is for Years 8 to 10, which Oakfield Primary School "
            "does not teach, so it is not offered here.") in html
    assert "Oakfield Primary School teaches Reception to Year 6" in html
    assert list(page.context["form"].fields["year_groups"].choices) == [
        (0, "Reception"), *((y, f"Year {y}") for y in range(1, 7))]

    secondary = client.get(reverse("bookings:request", args=[key_stage_3["secondary"].urn]))
    assert key_stage_3["session"] in secondary.context["form"].fields["sessions"].queryset
    assert county["home_fire"] not in secondary.context["form"].fields["sessions"].queryset  # Years 3 to 6


def test_asking_for_a_session_not_offered_is_a_clear_error(client, county, key_stage_3):
    url = reverse("bookings:request", args=[county["school"].urn])

    page = client.post(url, request_data(county, sessions=[key_stage_3["session"].pk], year_groups=["6"]))

    assert page.status_code == 200 and not Booking.objects.exists()
    assert ("Select sessions from the list: those for the year groups your school teaches"
            in page.content.decode())


def test_year_groups_outside_the_session_are_a_field_error(client, county):
    url = reverse("bookings:request", args=[county["school"].urn])
    data = request_data(county, year_groups=["1", "2"])  # Home fire safety for juniors: Years 3 to 6

    page = client.post(url, data)

    html = page.content.decode()
    message = ("Home fire safety for juniors is for Years 3 to 6: choose year groups within those, "
               "or request it on its own for other year groups")
    assert page.status_code == 200 and "There is a problem" in html
    assert f'<a href="#id_year_groups_0">{message}</a>' in html
    assert f"<span class=\"govuk-visually-hidden\">Error:</span> {message}</p>" in html
    assert "s.patel@oakfield.sch.uk" in html and "One pupil uses a wheelchair" in html  # kept
    assert not Booking.objects.exists()


def test_year_groups_the_school_does_not_teach_are_a_field_error(client, county):
    url = reverse("bookings:request", args=[county["school"].urn])

    page = client.post(url, request_data(county, year_groups=["7", "8"]))

    assert page.status_code == 200 and not Booking.objects.exists()
    assert ("Select year groups Oakfield Primary School teaches: Reception to Year 6"
            in page.content.decode())


def test_every_session_asked_for_must_fit_the_group(client, county):
    url = reverse("bookings:request", args=[county["school"].urn])
    both = [county["home_fire"].pk, county["hoax"].pk]  # Years 3 to 6, and Years 5 to 7

    assert client.post(url, request_data(county, sessions=both, year_groups=["4"])).status_code == 200
    assert not Booking.objects.exists()
    assert client.post(url, request_data(county, sessions=both, year_groups=["5", "6"])).status_code == 302
    assert Booking.objects.get().year_groups == [5, 6]


def test_the_term_planner_plans_only_sessions_the_school_teaches(county, key_stage_3):
    monday = quiet_monday()
    for school, session in [(county["school"], key_stage_3["session"]),  # from before the rule
                            (key_stage_3["secondary"], key_stage_3["session"]),
                            (county["school"], county["home_fire"])]:
        booking = Booking.objects.create(
            school=school, dates_from=monday, dates_to=monday + timedelta(days=4), pupils=28,
            year_groups=[9] if session.year_groups[0] == 8 else [4], status=Booking.Status.QUEUED,
        )
        booking.sessions.add(session)

    term = gather(monday, monday + timedelta(days=4), today=monday - timedelta(days=7))

    assert sorted(term.labels.values()) == [
        ("Oakfield Academy", "Deliberate fires and their consequences"),
        ("Oakfield Primary School", "Home fire safety for juniors"),
    ]
    assert len(term.requests) == 2


def test_an_invitation_offers_a_session_the_school_teaches(client, county, key_stage_3, monkeypatch):
    infant = make_school(name="Kents Hill Infant Academy", urn=137002)
    targets = {infant.pk, key_stage_3["secondary"].pk}
    monkeypatch.setattr(invitations, "target_school_ids", lambda programme: targets)
    client.force_login(county["coordinator"])

    page = client.get(reverse("bookings:invite"), {"programme": "arson"})

    rows = {r["school"].name: r["session"] for r in page.context["rows"]}
    assert rows == {"Kents Hill Infant Academy": None, "Oakfield Academy": key_stage_3["session"]}
    assert "None of yours is for Reception to Year 2" in page.content.decode()


def test_a_programme_with_no_targeting_profile_cannot_be_chosen_for_invitations(client, county):
    client.force_login(county["coordinator"])
    page = client.get(reverse("bookings:invite"), {"programme": "road-safety"})
    assert "Choose a programme from the list" in page.content.decode() and page.context["rows"] == []
