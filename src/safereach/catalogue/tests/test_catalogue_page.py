from django.urls import reverse

from safereach.bookings.tests.factories import make_session


def titles(page):
    return [s.title for s in page.context["sessions"]]


def test_everyone_sees_every_partners_published_sessions_without_signing_in(client, county):
    make_session(county["police"], "Old assembly", is_published=False)

    page = client.get(reverse("catalogue:catalogue"))

    assert page.status_code == 200
    assert sorted(titles(page)) == ["Hoax calls", "Home fire safety for juniors", "Knife crime and gangs"]


def test_filter_by_topic_key_stage_partner_and_cost(client, county):
    url = reverse("catalogue:catalogue")

    assert titles(client.get(url, {"programme": "hoax-calls"})) == ["Hoax calls"]
    # Key stage 3 is years 7 to 9: hoax calls (years 5 to 7) and knife crime (7 to 9).
    assert sorted(titles(client.get(url, {"key_stage": "KS3"}))) == ["Hoax calls", "Knife crime and gangs"]
    assert titles(client.get(url, {"key_stage": "KS1"})) == []
    assert titles(client.get(url, {"partner": county["police"].slug})) == ["Knife crime and gangs"]
    assert "Knife crime and gangs" not in titles(client.get(url, {"free_only": "on"}))
    combined = client.get(
        url, {"partner": county["fire"].slug, "key_stage": "KS2", "programme": "home-fire-safety"}
    )
    assert titles(combined) == ["Home fire safety for juniors"]


def test_an_unknown_filter_value_is_ignored_not_an_error(client, county):
    page = client.get(reverse("catalogue:catalogue"), {"key_stage": "KS9"})
    assert page.status_code == 200 and len(titles(page)) == 3


def test_a_session_page_says_who_delivers_it_for_whom_and_what_it_costs(client, county):
    page = client.get(reverse("catalogue:session", args=["knife-crime"]))

    html = page.content.decode()
    assert "Testshire Police" in html and "Key stage 3" in html and "£50" in html
    assert "Year 7, Year 8, Year 9" in html
    assert reverse("bookings:start") + "?session=knife-crime" in html


def test_an_unpublished_session_has_no_page(client, county):
    make_session(county["police"], "Draft", slug="draft", is_published=False)
    assert client.get(reverse("catalogue:session", args=["draft"])).status_code == 404
