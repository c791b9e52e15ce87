from django.urls import reverse

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.catalogue.models import Session


def good_session(**extra):
    data = {
        "title": "Water safety for Year 6",
        "programme": "water-safety",
        "description": "Staying safe near rivers and the sea.",
        "year_groups": ["6"],
        "length_minutes": "50",
        "group_size": "30",
        "cost_pounds": "0",
        "cost_note": "",
        "delivery_place": "school",
        "tiers_served": ["1", "2"],
        "is_published": "on",
    }
    data.update(extra)
    return data


def test_a_partner_adds_a_session_and_it_appears_in_the_catalogue(client, county):
    client.force_login(make_user(Role.PARTNER, agency=county["police"]))

    response = client.post(reverse("catalogue:add-session"), good_session(cost_pounds="12.50"))

    assert response.status_code == 302
    session = Session.objects.get(title="Water safety for Year 6")
    assert session.partner == county["police"] and session.cost_pence == 1250
    assert session.year_groups == [6] and session.key_stages == ["KS2"]
    assert "Water safety for Year 6" in client.get(reverse("catalogue:catalogue")).content.decode()


def test_a_partner_cannot_edit_another_partners_session(client, county):
    client.force_login(make_user(Role.PARTNER, agency=county["police"]))
    url = reverse("catalogue:edit-session", args=[county["hoax"].slug])  # the fire service's

    assert client.get(url).status_code == 404
    assert client.post(url, good_session()).status_code == 404
    county["hoax"].refresh_from_db()
    assert county["hoax"].title == "Hoax calls"


def test_a_partner_edits_their_own(client, county):
    client.force_login(make_user(Role.PARTNER, agency=county["police"]))
    url = reverse("catalogue:edit-session", args=["knife-crime"])

    client.post(url, good_session(title="Knife crime: choices and consequences", year_groups=["8", "9"]))

    county["knife"].refresh_from_db()
    assert county["knife"].title == "Knife crime: choices and consequences"
    assert county["knife"].slug == "knife-crime"  # links already sent keep working


def test_errors_are_summarised_and_what_was_typed_is_kept(client, county):
    client.force_login(make_user(Role.PARTNER, agency=county["police"]))

    page = client.post(
        reverse("catalogue:add-session"),
        good_session(title="", length_minutes="500", cost_pounds="ten", year_groups=[]),
    )

    html = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in html
    assert '<a href="#id_title">Enter the session&#x27;s title</a>' in html
    assert '<a href="#id_year_groups_0">Select the year groups the session is for</a>' in html
    assert "Length must be between 15 and 360 minutes" in html
    assert 'value="500"' in html and 'value="ten"' in html and "Staying safe near rivers" in html
    assert not Session.objects.filter(programme__slug="water-safety").exists()


def test_signed_out_visitors_and_other_roles_cannot_edit(client, county):
    assert client.get(reverse("catalogue:our-sessions")).status_code == 302
    client.force_login(make_user(Role.ANALYST, agency=county["police"]))
    assert client.get(reverse("catalogue:our-sessions")).status_code == 403
