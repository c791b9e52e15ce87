"""A session delivers one of the matrix's programmes, within the year groups it serves; a school
sees the sessions for the year groups it teaches."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.tests.factories import make_session
from safereach.catalogue.models import Session
from safereach.matrix.admin import ProgrammeForm
from safereach.matrix.models import Programme
from safereach.matrix.tests.factories import programme
from safereach.schools.tests.factories import make_school


def test_a_session_points_at_its_programme(county):
    assert county["hoax"].programme == Programme.objects.get(slug="hoax-calls")
    assert set(Programme.objects.get(slug="home-fire-safety").sessions.all()) == {county["home_fire"]}


def test_a_session_for_year_groups_its_programme_does_not_serve_is_refused(client, county):
    client.force_login(make_user(Role.PARTNER, agency=county["police"]))
    data = {
        "title": "Hoax calls for Year 12",
        "programme": "hoax-calls",  # Years 5 to 9
        "description": "What a hoax call costs.",
        "year_groups": ["9", "12"],
        "length_minutes": "45",
        "group_size": "30",
        "cost_pounds": "0",
        "delivery_place": "school",
        "tiers_served": ["1"],
    }

    page = client.post(reverse("catalogue:add-session"), data)

    html = page.content.decode()
    message = ("Hoax calls is for Years 5 to 9: choose year groups within those "
               "(Year 12 is not)")
    assert page.status_code == 200 and "There is a problem" in html
    assert f'<a href="#id_year_groups_0">{message}</a>' in html
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}</p>' in html
    assert "Hoax calls for Year 12" in html  # what was typed is kept
    assert not Session.objects.filter(title="Hoax calls for Year 12").exists()
    assert "Hoax calls (Years 5 to 9)" in html  # the topic list says what each serves

    data["year_groups"] = ["8", "9"]
    assert client.post(reverse("catalogue:add-session"), data).status_code == 302
    assert Session.objects.get(title="Hoax calls for Year 12").programme.slug == "hoax-calls"


def test_an_unknown_topic_is_a_clear_error(client, county):
    client.force_login(make_user(Role.PARTNER, agency=county["police"]))
    page = client.post(reverse("catalogue:add-session"), {"programme": "juggling", "title": "Juggling"})
    assert "Select a topic from the list" in page.content.decode()


def test_the_model_refuses_it_too(county):
    session = county["knife"]  # knife crime serves Years 7 to 13
    session.year_groups = [5, 6, 7]
    with pytest.raises(ValidationError, match="Knife crime and gangs is for Years 7 to 13"):
        session.full_clean()


def test_the_admin_refuses_it(client, county):
    client.force_login(make_user(Role.ADMINISTRATOR))
    session = county["hoax"]
    url = reverse("admin:catalogue_session_change", args=[session.pk])
    data = {
        "partner": session.partner_id, "programme": session.programme_id, "title": session.title,
        "slug": session.slug, "description": session.description, "year_groups": "[5, 6, 12]",
        "length_minutes": "45", "group_size": "30", "cost_pence": "0", "cost_note": "",
        "delivery_place": "school", "tiers_served": "[1, 2]", "is_published": "on",
    }

    page = client.post(url, data)

    assert page.status_code == 200
    assert "Hoax calls is for Years 5 to 9: choose year groups within those" in page.content.decode()
    session.refresh_from_db()
    assert session.year_groups == [5, 6, 7]
    data["year_groups"] = "[5, 6]"
    assert client.post(url, data).status_code == 302


def test_a_programme_keeps_the_year_groups_of_its_sessions(county):
    hoax = programme("hoax-calls")  # its session is for Years 5 to 7
    hoax.year_groups = [7, 8, 9]
    refused = r"Hoax calls \(Testshire Fire and Rescue Service\) is for Years 5 to 7"
    with pytest.raises(ValidationError, match=refused):
        hoax.full_clean()
    form = ProgrammeForm({"name": hoax.name, "slug": hoax.slug, "description": "",
                          "year_groups": ["7", "8", "9"]}, instance=Programme.objects.get(pk=hoax.pk))
    assert not form.is_valid()
    assert "keep those year groups, or change the session first" in form.errors["year_groups"][0]
    assert Programme.objects.get(pk=hoax.pk).year_groups == list(range(5, 10))
    widened = ProgrammeForm({"name": hoax.name, "slug": hoax.slug, "description": "",
                             "year_groups": [str(y) for y in range(4, 10)]},
                            instance=Programme.objects.get(pk=hoax.pk))
    assert widened.is_valid(), widened.errors


def titles(page):
    return [s.title for s in page.context["sessions"]]


def test_a_school_sees_the_sessions_for_the_year_groups_it_teaches(client, county):
    infant = make_school(name="Kents Hill Infant Academy", urn=145001)  # Reception to Year 2
    secondary = make_school(name="Oak Academy", urn=145002, phase="Secondary", low_age=11, high_age=16)
    nursery = make_school(name="Oak Nursery School", urn=145003, phase="Nursery")
    make_session(county["fire"], "Road safety for Reception", programme="road-safety", year_groups=[0, 1])
    url = reverse("catalogue:catalogue")

    everything = titles(client.get(url))
    for_infants = client.get(url, {"school": infant.urn})
    for_secondary = client.get(url, {"school": secondary.urn, "programme": "knife-crime"})

    assert len(everything) == 4
    assert titles(for_infants) == ["Road safety for Reception"]
    html = for_infants.content.decode()
    assert ("Showing the sessions for pupils at Kents Hill Infant Academy, which teaches Reception "
            "to Year 2.") in html
    assert f'href="/book/school/{infant.urn}/"' in html
    assert 'name="school" value="145001"' in html  # filters keep the school
    assert titles(for_secondary) == ["Knife crime and gangs"]
    assert titles(client.get(url, {"school": nursery.urn})) == []


def test_a_school_nobody_has_is_said_and_every_session_shown(client, county):
    page = client.get(reverse("catalogue:catalogue"), {"school": "999999999"})
    assert len(titles(page)) == 3
    assert "No school has the URN 999999999, so every session is shown." in page.content.decode()


@pytest.mark.parametrize("year_groups", ["[99]", '"Year 5"', "[true]", "[[5]]"])
def test_the_admin_refuses_year_groups_that_are_not_year_groups(client, county, year_groups):
    client.force_login(make_user(Role.ADMINISTRATOR))
    session = county["hoax"]
    page = client.post(reverse("admin:catalogue_session_change", args=[session.pk]), {
        "partner": session.partner_id, "programme": session.programme_id, "title": session.title,
        "slug": session.slug, "description": session.description, "year_groups": year_groups,
        "length_minutes": "45", "group_size": "30", "cost_pence": "0", "delivery_place": "school",
        "tiers_served": "[1]", "is_published": "on",
    })
    assert page.status_code == 200
    assert "Give the year groups as a list of numbers from 0 (Reception) to 13" in page.content.decode()
    session.refresh_from_db()
    assert session.year_groups == [5, 6, 7]
