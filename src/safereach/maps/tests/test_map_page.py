"""The map page, its layers, tables and exports, as each role meets them."""

import csv
import io
import json
from urllib.parse import unquote

import pytest
from django.core import mail

from safereach.accounts.models import AuditEvent, Role
from safereach.bookings.models import Invitation, KnownAddress
from safereach.core.small_counts import FEWER_THAN_SMALL, NOT_SHOWN
from safereach.evidence.models import Incident
from safereach.maps.tests.conftest import give_reason

pytestmark = pytest.mark.django_db

Q = "?start=2024-01&end=2024-03&chosen=1"


def _as(client, users, role):
    client.force_login(users[role])
    return client


def _layer(client, key, query=Q):
    response = client.get(f"/maps/layers/{key}.json{query}")
    assert response.status_code == 200, response.content[:500]
    return response.json()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.COORDINATOR, Role.PARTNER])
def test_the_map_page_opens_for_each_role(client, mapped_county, role):
    response = _as(client, mapped_county["users"], role).get("/maps/" + Q)
    assert response.status_code == 200
    page = response.content.decode()
    assert "snap points" in page  # the caveat on the page
    assert "Northvale" in page and "Southmere" in page
    config = json.loads(response.context["config"] and json.dumps(response.context["config"]))
    assert {layer["key"] for layer in config["layers"]} >= {"incidents", "hotspots", "schools", "notices"}
    assert len(config["outline"]["features"]) == 2
    # Read with no background map: every district and ward around the county, each named.
    drawn = config["basemap"]["boundaries"]["features"]
    assert sorted((f["properties"]["level"], f["properties"]["name"]) for f in drawn) == [
        ("district", "Northvale"), ("district", "Southmere"), ("ward", "Northvale Ward 1"),
        ("ward", "Northvale Ward 2"), ("ward", "Southmere Ward 1"), ("ward", "Southmere Ward 2")]
    assert "tiles" not in config["basemap"]
    # Places and notices with no open source: the page tells those who load data (and may see
    # every notice) what files to load them from.
    shows_formats = role == Role.ANALYST
    assert ("Kind,Reference,Premises,Address,Postcode,Issued,Expires" in page) == shows_formats
    assert ("Reference,Name,Kind,Address,Postcode,Latitude,Longitude" in page) == shows_formats


def test_officers_and_visitors_cannot_open_the_map(client, mapped_county):
    assert client.get("/maps/").status_code == 302
    assert _as(client, mapped_county["users"], Role.OFFICER).get("/maps/").status_code == 403


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("?start=2024-13", "start", "Enter the first month as a year and month, for example 2024-03"),
        (
            "?start=2024-03&end=2024-01",
            "start",
            "The first month must be the same as or before the last month",
        ),
        ("?start=2020-01&end=2024-03", "start", "Choose at most 36 months"),
        ("?end=9999-12", "end", "The last month must be 2026-11 or before"),
        (
            "?area=E07999999",
            "area",
            "No district or ward with the code E07999999 has a boundary loaded: choose an area from the list",
        ),
        ("?category=police:Alchemy", "category", "Choose incidents from the list"),
        ("?layers=tiles", "layers", "Choose layers from the list"),
    ],
)
def test_bad_choices_get_an_error_summary_and_change_nothing(client, mapped_county, query, field, message):
    before = AuditEvent.objects.count()
    response = _as(client, mapped_county["users"], Role.ANALYST).get("/maps/" + query)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert f'href="#id_{field}' in page
    assert AuditEvent.objects.count() == before
    assert client.get(f"/maps/layers/incidents.json{query}").status_code == 400


def test_partners_see_no_street_points_and_no_cawns(client, mapped_county):
    _as(client, mapped_county["users"], Role.PARTNER)
    street = _layer(client, "street", Q + "&area=E07000900")
    assert street["features"] == []
    notices = _layer(client, "notices")
    assert [f["properties"]["reference"] for f in notices["features"]] == ["CN/2024/007"]
    table = client.get("/maps/tables/notices/" + Q).content.decode()
    assert "CAWN/2024/001" not in table and "CN/2024/007" in table
    export = client.get("/maps/tables/notices.csv" + Q).content.decode()
    assert "CAWN" not in export


def test_coordinators_see_street_points_but_no_cawns(client, mapped_county):
    _as(client, mapped_county["users"], Role.COORDINATOR)
    street = _layer(client, "street", Q + "&area=E07000900")
    assert (
        sum(f["properties"]["incidents_n"] for f in street["features"])
        == Incident.objects.filter(easting__lt=566_000).count()
    )
    assert [f["properties"]["reference"] for f in _layer(client, "notices")["features"]] == ["CN/2024/007"]


def test_analysts_see_cawns_once_they_give_a_reason_and_every_view_is_audited(client, mapped_county):
    analyst = mapped_county["users"][Role.ANALYST]
    _as(client, mapped_county["users"], Role.ANALYST)
    # Before a reason: the layer is refused, the map page and the table ask for one.
    refused = client.get("/maps/layers/notices.json" + Q)
    assert refused.status_code == 403 and "reason" in refused.json()["errors"]
    page = client.get("/maps/" + Q + "&layers=notices")
    assert page.status_code == 302 and page.url.startswith("/governance/sensitive/reason/?next=")
    assert client.get("/maps/tables/notices/" + Q).url.startswith("/governance/sensitive/reason/")
    assert not AuditEvent.objects.filter(action__startswith="sensitive.").exists()
    given = client.post("/governance/sensitive/reason/", {"reason": "MACE meeting on 3 December",
                                                           "next": unquote(page.url.split("next=")[1])})
    assert given.status_code == 302
    assert client.get("/maps/" + Q + "&layers=notices").status_code == 200

    notices = _layer(client, "notices")
    assert {f["properties"]["reference"] for f in notices["features"]} == {"CAWN/2024/001", "CN/2024/007"}
    event = AuditEvent.objects.filter(action="sensitive.view").latest("pk")
    assert event.target == "map layer notices" and event.user == analyst
    assert event.detail["reason"] == "MACE meeting on 3 December"
    assert any("CAWN" in d or str(mapped_county["notices"].pk) in d for d in event.detail["datasets"])
    assert "CAWN/2024/001" in client.get("/maps/tables/notices/" + Q).content.decode()
    assert AuditEvent.objects.filter(action="sensitive.view", target="map table notices").exists()
    response = client.get("/maps/tables/notices.geojson" + Q)
    body = json.loads(response.content)
    assert body["metadata"]["classification"] == "OFFICIAL-SENSITIVE"
    export = AuditEvent.objects.get(action="sensitive.export")
    assert export.target == "map geojson export notices" and export.detail["reason"]
    assert AuditEvent.objects.filter(action="maps.export.geojson").exists()


def test_partners_get_small_counts_as_fewer_than_5_with_secondary_suppression(client, mapped_county):
    query = Q + "&category=police:Burglary"
    _as(client, mapped_county["users"], Role.PARTNER)
    cells = _layer(client, "incidents", query)["features"]
    assert [c["properties"]["incidents"] for c in cells] == [FEWER_THAN_SMALL]
    assert all(c["properties"]["incidents_n"] is None for c in cells)
    asb = _layer(client, "incidents", Q + "&category=police:Anti-social behaviour")["features"]
    texts = [c["properties"]["incidents"] for c in asb]
    small = [c for c in asb if c["properties"]["incidents"] == FEWER_THAN_SMALL]
    assert small and all(c["properties"]["incidents_n"] is None for c in small)
    if len(small) == 1:
        assert NOT_SHOWN in texts
    # Nowhere in what the partner's browser gets is the exact small count.
    raw = client.get("/maps/layers/incidents.json" + query).content.decode()
    assert '"incidents_n": 1' not in raw.replace(" ", "").replace('"incidents_n":1', '"incidents_n": 1')


def test_analysts_get_exact_counts(client, mapped_county):
    _as(client, mapped_county["users"], Role.ANALYST)
    cells = _layer(client, "incidents", Q + "&category=police:Burglary")["features"]
    assert [c["properties"]["incidents"] for c in cells] == ["1"]
    assert "fewer than" not in json.dumps(cells)


def test_hot_spot_layer_finds_the_pile_of_incidents(client, mapped_county):
    from safereach.maps.tests.conftest import HOT

    _as(client, mapped_county["users"], Role.ANALYST)
    hot = _layer(client, "hotspots", Q + "&area=E07000900")["features"]
    significant = [f["properties"] for f in hot if f["properties"]["gi_bin"] > 0]
    assert significant
    assert any(
        p["easting"] <= HOT[0] < p["easting"] + p["size_m"]
        and p["northing"] <= HOT[1] < p["northing"] + p["size_m"]
        and p["gi_bin"] == 3
        for p in significant
    )
    drawn = _layer(client, "hotspots", Q + "&area=E07000900&map=1")["features"]
    assert all(f["properties"]["gi_bin"] != 0 for f in drawn)


def test_every_layer_answers_and_has_a_table_and_exports(client, mapped_county):
    from safereach.maps.layers import LAYERS

    _as(client, mapped_county["users"], Role.ANALYST)
    give_reason(client)
    for key in LAYERS:
        data = _layer(client, key, Q + "&area=E07000900")
        assert data["title"] and isinstance(data["legend"], list), key
        page = client.get(f"/maps/tables/{key}/{Q}&area=E07000900")
        assert page.status_code == 200, key
        exported = client.get(f"/maps/tables/{key}.csv{Q}&area=E07000900").content.decode()
        assert exported.startswith("# title: "), key
        geojson = json.loads(client.get(f"/maps/tables/{key}.geojson{Q}&area=E07000900").content)
        assert geojson["type"] == "FeatureCollection", key
        assert all(not k.startswith("_") for f in geojson["features"] for k in f["properties"]), key


def test_exports_of_incidents_carry_the_snap_point_caveat(client, mapped_county):
    _as(client, mapped_county["users"], Role.PARTNER)
    text = client.get("/maps/tables/incidents.csv" + Q).content.decode()
    assert "# caveat: police.uk street-level crimes are not where they happened" in text
    rows = list(
        csv.reader(io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#"))))
    )
    assert rows[0] == ["Cell (south-west corner, size)", "Incidents"]
    geojson = json.loads(client.get("/maps/tables/hotspots.geojson" + Q).content)
    assert "snap points" in geojson["metadata"]["caveat"]


def test_tables_sort_by_a_column_with_suppressed_figures_last(client, mapped_county):
    _as(client, mapped_county["users"], Role.PARTNER)
    response = client.get("/maps/tables/incidents/" + Q + "&sort=incidents&order=desc")
    body = response.context["body"]
    shown = [row[1]["value"] for row in body]
    numbers = [int(v.replace(",", "")) for v in shown if v not in (FEWER_THAN_SMALL, NOT_SHOWN)]
    assert numbers == sorted(numbers, reverse=True)
    hidden = [i for i, v in enumerate(shown) if v in (FEWER_THAN_SMALL, NOT_SHOWN)]
    assert hidden == list(range(len(shown) - len(hidden), len(shown)))
    assert 'aria-sort="descending"' in response.content.decode()


def test_places_near_hot_spots_and_what_changed(client, mapped_county):
    response = _as(client, mapped_county["users"], Role.ANALYST).get("/maps/" + Q + "&area=E07000900")
    near = response.context["near"]
    assert [r["place"] for r in near.rows][:2] == ["Care Home 0", "Hotel 1"]
    assert all(r["distance_m"] <= 500 for r in near.rows)
    changes = response.context["changes"]
    assert {r["area"] for r in changes.rows} == {"Northvale Ward 1", "Northvale Ward 2"}
    assert "No incidents are loaded for 2023-10, 2023-11, 2023-12" in changes.note


def test_schools_near_an_incident_can_be_invited(client, mapped_county, settings):
    from safereach.bookings.tests.factories import make_session

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users = mapped_county["users"]
    school = mapped_county["schools"][0]
    KnownAddress.objects.create(school=school, email="head@school-a.example")
    make_session(
        users[Role.COORDINATOR].agency,
        "Fire setters",
        programme="arson",
        slug="fire-setters",
        is_published=True,
        year_groups=[5, 6],
    )
    incident = Incident.objects.create(
        dataset=Incident.objects.first().dataset,
        source="fire",
        category="Deliberate primary fire",
        month="2024-03-01",
        easting=school.easting + 300,
        northing=school.northing,
    )
    _as(client, users, Role.COORDINATOR)
    url = f"/maps/incidents/{incident.pk}/schools/{Q}&within=1000"
    page = client.get(url)
    rows = page.context["table"].rows
    assert rows[0]["school"] == school.name and rows[0]["distance_m"] == 300
    assert rows[0]["can_invite"] and not any(r["can_invite"] for r in rows[1:])

    empty = client.post(url, {"programme": "arson"})
    assert empty.status_code == 400 and "Choose at least one school to invite" in empty.content.decode()
    wrong = client.post(url, {"programme": "arson", "school": [str(rows[1]["school_id"])]})
    assert wrong.status_code == 400
    assert not Invitation.objects.exists() and not mail.outbox

    sent = client.post(url, {"programme": "arson", "school": [str(school.pk)]})
    assert sent.status_code == 302
    assert Invitation.objects.get().school == school
    assert mail.outbox[0].to == ["head@school-a.example"]
    assert "fire-setters" in mail.outbox[0].body
    assert "invite_programme=arson" in sent.url
    again = client.get(sent.url).context["table"].rows[0]
    assert not again["can_invite"] and again["invited"].startswith("Invited")


def test_analysts_see_schools_near_an_incident_but_cannot_invite(client, mapped_county):
    incident = Incident.objects.first()
    _as(client, mapped_county["users"], Role.ANALYST)
    url = f"/maps/incidents/{incident.pk}/schools/{Q}"
    assert client.get(url).status_code == 200
    assert client.post(url, {"programme": "arson", "school": ["1"]}).status_code == 403
    _as(client, mapped_county["users"], Role.PARTNER)
    assert client.get(url).status_code == 403
