"""The public register as a visitor reads it, with no sign-in, on a fixed today: searching,
each entry's page, the map, the feeds and their national layout."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from safereach.register.public import FEED_FIELDS
from safereach.register.tests.states import TODAY, ago

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    heading = (
        r'<h3 class="govuk-heading-s govuk-!-margin-bottom-1"><a class="govuk-link" href="[^"]+">([^<]+)</a>'
    )
    return re.findall(heading, response.content.decode())


def test_the_register_lists_what_is_published_newest_first(client, register):
    response = client.get(reverse("register:search"))
    assert response.status_code == 200
    assert names(response) == ["Swan Hotel", "Granary Works", "Mill Lane Care Home"]
    assert "3 entries" in response.content.decode()


@pytest.mark.parametrize(
    "search, found",
    [
        ({"q": "swan"}, ["Swan Hotel"]),
        ({"q": "cm22bb"}, ["Mill Lane Care Home"]),  # a postcode without its space, in any case
        ({"q": "Crown Inns"}, ["Swan Hotel", "Granary Works", "Mill Lane Care Home"]),  # who it was served on
        ({"kind": "prohibition"}, ["Mill Lane Care Home"]),
        ({"premises_type": "care_home"}, ["Mill Lane Care Home"]),
        ({"status": "complied"}, ["Mill Lane Care Home"]),
        ({"status": "ongoing"}, ["Swan Hotel"]),
        ({"district": "__riverside__"}, ["Swan Hotel", "Granary Works", "Mill Lane Care Home"]),
        ({"q": "nowhere at all"}, []),
    ],
)
def test_searching_by_name_address_postcode_type_kind_district_and_result(
    client, register, districts, search, found
):
    if search.get("district") == "__riverside__":
        search = {"district": districts["Riverside"].code}
    assert names(client.get(reverse("register:search"), search)) == found


def test_the_district_list_holds_only_districts_with_published_entries(client, register, districts):
    html = client.get(reverse("register:search")).content.decode()
    assert f'<option value="{districts["Riverside"].code}">Riverside</option>' in html
    assert districts["Hidden Vale"].code not in html


@pytest.mark.parametrize(
    "search, field, message",
    [
        ({"district": "E07999999"}, "district", "Choose a district from the list"),
        ({"kind": "arson"}, "kind", "Choose a kind of notice from the list"),
        ({"status": "lost"}, "status", "Choose a result from the list"),
        ({"q": "x" * 101}, "q", "Search for 100 characters or fewer"),
    ],
)
def test_a_search_the_register_cannot_read_is_a_clear_error(client, register, search, field, message):
    response = client.get(reverse("register:search"), search)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    assert f'<a href="#id_{field}">{message}</a>' in html
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html


def test_a_page_beyond_the_last_is_not_found_and_a_bad_page_is_an_error(client, register):
    assert client.get(reverse("register:search"), {"page": 9}).status_code == 404
    response = client.get(reverse("register:search"), {"page": "two"})
    assert response.status_code == 400 and "Page must be a whole number" in response.content.decode()


def test_an_entry_page_shows_the_register_fields(client, register):
    notice = register["shown"]["complied"]
    html = client.get(reverse("register:entry", args=[notice.public_id])).content.decode()
    for shown in (
        "PUB/2",
        "Mill Lane Care Home",
        "Crown Inns Ltd",
        "CM2 2BB",
        "Care home",
        "Prohibition or restriction notice, article 31",
        "A9: risk assessment not suitable",
        f"{ago(100):%-d %B %Y}",
        "Complied",
        "Riverside",
        "Northshire Fire and Rescue Service",
        "Sleeping on the top floor stopped",
        f'Entry last changed</dt><dd class="govuk-summary-list__value">{ago(20):%-d %B %Y}',
    ):
        assert shown in html, shown


def test_the_csv_and_json_feeds_hold_the_same_entries_and_fields(client, register, districts):
    body = client.get(reverse("register:feed-csv"))
    assert body["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(body.content.decode())))
    assert list(rows[0]) == FEED_FIELDS
    feed = client.get(reverse("register:feed-json")).json()
    assert feed["register_date"] == TODAY.isoformat()
    assert [r["id"] for r in rows] == [r["id"] for r in feed["entries"]]
    complied = register["shown"]["complied"]
    [row] = [r for r in feed["entries"] if r["notice_number"] == "PUB/2"]
    assert row == {
        "id": str(complied.public_id),
        "notice_number": "PUB/2",
        "recipient": "Crown Inns Ltd",
        "premises_name": "Mill Lane Care Home",
        "address": "12 High Street, Chelmsford",
        "postcode": "CM2 2BB",
        "premises_type": "Care home",
        "kind": "Prohibition or restriction notice",
        "articles": "A9: risk assessment not suitable",
        "served_on": ago(100).isoformat(),
        "compliance_date": (ago(100) + timedelta(days=60)).isoformat(),
        "revised_compliance_date": None,
        "result": "complied",
        "local_authority": "Riverside",
        "local_authority_code": districts["Riverside"].code,
        "fire_and_rescue_service": "Northshire Fire and Rescue Service",
        "commentary": "Sleeping on the top floor stopped until a second exit is built.",
        "details_withheld": False,
        "latitude": 51.74,
        "longitude": 0.45,
        "last_changed": ago(20).isoformat(),
        "url": f"http://testserver/register/notices/{complied.public_id}/",
    }
    [csv_row] = [r for r in rows if r["notice_number"] == "PUB/2"]
    assert csv_row["result"] == "complied" and csv_row["details_withheld"] == "no"
    assert csv_row["revised_compliance_date"] == ""


def test_the_national_feed_is_the_documented_layout(client, register):
    feed = client.get(reverse("register:feed-national")).json()
    assert feed["schema"] == "safereach-fire-safety-register/1"
    assert feed["complete"] is True and feed["register_date"] == TODAY.isoformat()
    assert feed["authorities"] == [{"id": register["service"].slug, "name": register["service"].name}]
    [entry] = [e for e in feed["entries"] if e["notice"]["number"] == "PUB/2"]
    assert entry["notice"]["type"] == "prohibition" and entry["notice"]["article"] == 31
    assert entry["notice"]["articles_breached"] == [
        {"article": "A9", "finding": "risk assessment not suitable"}
    ]
    assert entry["notice"]["status"] == "complied" and entry["notice"]["complied_on"] == ago(20).isoformat()
    assert entry["premises"]["type"] == "care_home" and entry["premises"]["location"] == {
        "latitude": 51.74,
        "longitude": 0.45,
    }
    assert entry["kept_until"] == ago(100).replace(year=2028).isoformat()
    other = client.get(reverse("register:feed-national"), {"authority": "someone-else"}).json()
    assert other["entries"] == []


def test_the_map_draws_published_entries_and_their_districts_from_loaded_data(client, register):
    html = client.get(reverse("register:map")).content.decode()
    data = json.loads(
        re.search(r'<script id="register-map-data" type="application/json">(.*?)</script>', html, re.S).group(
            1
        )
    )
    drawn = data["basemap"]["boundaries"]["features"]
    districts = [f for f in drawn if f["properties"]["level"] == "district"]
    assert [d["properties"]["name"] for d in districts] == ["Riverside"]
    assert districts[0]["geometry"]["type"] == "Polygon"
    assert sorted(e["name"] for e in data["entries"]) == [
        "Granary Works",
        "Mill Lane Care Home",
        "Swan Hotel",
    ]
    assert "tile" not in html.lower()  # no background map is fetched from anywhere


def test_suggestions_and_the_sitemap(client, register):
    found = client.get(reverse("register:suggestions"), {"q": "sw"}).json()
    assert found == {"suggestions": ["Swan Hotel"]}
    assert client.get(reverse("register:suggestions"), {"q": "cm1"}).json() == {"suggestions": ["CM1 1AA"]}
    assert client.get(reverse("register:suggestions"), {"q": "s"}).json() == {"suggestions": []}
    sitemap = client.get(reverse("register:sitemap")).content.decode()
    swan = register["shown"]["ongoing"]
    assert (
        f"<loc>http://testserver/register/notices/{swan.public_id}/</loc>"
        f"<lastmod>{ago(40 - 22):%Y-%m-%d}</lastmod>"
    ) in sitemap
    assert sitemap.count("<url>") == 3 + 3
