"""Nothing unpublished leaks: not in a page, a feed, a search suggestion, the map or the sitemap.
Each unpublished notice's number, names, address, postcode and ID are looked for in everything
the public can fetch, with searches aimed straight at it."""

import uuid

import pytest
from django.urls import reverse

from safereach.register.tests.states import HIDDEN

pytestmark = pytest.mark.django_db


def traces(notice) -> list[str]:
    return [
        notice.number,
        notice.premises_name,
        notice.recipient,
        notice.address,
        notice.postcode,
        str(notice.public_id),
        "Hidden Vale",
    ]


def public_pages(client, notice) -> dict[str, str]:
    """Everything the public can fetch, including searches for the notice itself."""
    name = notice.premises_name
    fetched = {
        "search": client.get(reverse("register:search")),
        "search by name": client.get(reverse("register:search"), {"q": name}),
        "search by postcode": client.get(reverse("register:search"), {"q": notice.postcode.replace(" ", "")}),
        "map": client.get(reverse("register:map")),
        "map of a search": client.get(reverse("register:map"), {"q": name}),
        "feeds page": client.get(reverse("register:feeds")),
        "CSV feed": client.get(reverse("register:feed-csv")),
        "JSON feed": client.get(reverse("register:feed-json")),
        "national feed": client.get(reverse("register:feed-national")),
        "national feed of the service": client.get(
            reverse("register:feed-national"), {"authority": notice.agency.slug}
        ),
        "suggestions by name": client.get(reverse("register:suggestions"), {"q": name[:8]}),
        "suggestions by postcode": client.get(reverse("register:suggestions"), {"q": notice.postcode[:3]}),
        "sitemap": client.get(reverse("register:sitemap")),
    }
    for what, response in fetched.items():
        assert response.status_code == 200, what
    # A search box shows back what was typed into it: that is the visitor's own text.
    return {
        what: response.content.decode().replace(f'value="{name}"', 'value=""')
        for what, response in fetched.items()
    }


@pytest.mark.parametrize("state", HIDDEN)
def test_an_unpublished_notice_is_nowhere_public(client, register, state):
    notice = register["unpublished"][state]
    for what, body in public_pages(client, notice).items():
        for trace in traces(notice):
            assert trace not in body, f"{state}: {trace!r} in the {what}"


@pytest.mark.parametrize("state", HIDDEN)
def test_its_page_answers_as_if_it_had_never_been_recorded(client, register, state):
    notice = register["unpublished"][state]
    response = client.get(reverse("register:entry", args=[notice.public_id]))
    never = client.get(reverse("register:entry", args=[uuid.uuid4()]))
    assert response.status_code == never.status_code == 404
    assert response.content == never.content


def test_the_published_ones_are_everywhere_public(client, register):
    for notice in register["shown"].values():
        pages = public_pages(client, notice)
        for what in (
            "search",
            "search by name",
            "map",
            "JSON feed",
            "CSV feed",
            "national feed",
            "sitemap",
            "suggestions by name",
        ):
            assert notice.premises_name in pages[what] or str(notice.public_id) in pages[what], what
        assert client.get(reverse("register:entry", args=[notice.public_id])).status_code == 200


def test_withheld_details_are_nowhere_public(client, register):
    """While a trade-secret claim is decided only the name, address, place and legal provisions show."""
    notice = register["shown"]["withheld"]
    entry = client.get(reverse("register:entry", args=[notice.public_id])).content.decode()
    assert (
        "Granary Works" in entry and notice.address in entry and "A9: risk assessment not suitable" in entry
    )
    assert "trade secret" in entry
    for hidden in (
        notice.number,
        "Hotel, guest house or B&amp;B",
        "Date served",
        "Compliance date",
        "Ongoing",
    ):
        assert hidden not in entry, hidden
    feed = client.get(reverse("register:feed-json")).json()["entries"]
    [row] = [r for r in feed if r["id"] == str(notice.public_id)]
    assert row["details_withheld"] is True
    for field in ("notice_number", "premises_type", "served_on", "compliance_date", "result", "commentary"):
        assert row[field] is None, field
    assert notice.number not in client.get(reverse("register:feed-csv")).content.decode()


@pytest.mark.parametrize("narrowing", [{"premises_type": "hotel"}, {"status": "ongoing"}])
def test_a_search_cannot_reveal_what_is_withheld(client, register, narrowing):
    html = client.get(reverse("register:search"), narrowing).content.decode()
    assert "Granary Works" not in html
    assert "Granary Works" in client.get(reverse("register:search"), {"q": "granary"}).content.decode()
