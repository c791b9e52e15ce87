"""The register on real open data: Essex's district boundaries and its schools from GIAS. A
notice recorded at a school's grid reference is placed in the school's own district, shown on
the map with the district's real boundary, and found near the school."""

import csv

import pytest
from django.urls import reverse

from safereach.evidence.importers.run import load
from safereach.register.importer import import_files
from safereach.register.models import RegisterNotice
from safereach.register.nearby import notices_near
from safereach.register.records import Who
from safereach.register.tests.factories import fire_service
from safereach.register.tests.states import TODAY, ago

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]


def test_notices_at_essex_schools_land_in_their_districts(shared_data, tmp_path, register_today, client):
    load("boundaries", [shared_data / "boundaries_essex" / "essex_lad_boundaries_derived.geojson"])
    with (shared_data / "schools_essex" / "schools_essex_gias_format.csv").open(encoding="utf-8") as f:
        schools = [r for r in csv.DictReader(f) if r["DistrictAdministrative (code)"] and r["Easting"]]
    one_a_district = list({r["DistrictAdministrative (code)"]: r for r in schools}.values())
    assert len(one_a_district) == 14
    path = tmp_path / "essex.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "Notice number",
                "Event",
                "Date",
                "Kind",
                "Served on",
                "Premises",
                "Address",
                "Postcode",
                "Premises type",
                "Compliance date",
                "Articles",
                "Easting",
                "Northing",
            ]
        )
        for k, school in enumerate(one_a_district):
            writer.writerow(
                [
                    f"ESX/{k}",
                    "served",
                    ago(60).isoformat(),
                    "enforcement",
                    "A Landlord Ltd",
                    f"Shop by {school['EstablishmentName']}",
                    f"{school['Town']}",
                    school["Postcode"],
                    "shop",
                    ago(10).isoformat(),
                    "A14: exits locked",
                    school["Easting"],
                    school["Northing"],
                ]
            )
    outcome = import_files([path], fire_service(), Who(name="test"))
    assert outcome.notices == 14
    for k, school in enumerate(one_a_district):
        notice = RegisterNotice.objects.select_related("district").get(number=f"ESX/{k}")
        assert notice.district.code == school["DistrictAdministrative (code)"], school["EstablishmentName"]
        found = notices_near(float(school["Easting"]), float(school["Northing"]), 800, today=TODAY)
        assert [n.notice.number for n in found][:1] == [f"ESX/{k}"]
        assert found[0].metres < 1
    feed = client.get(reverse("register:feed-csv")).content.decode()
    assert feed.count("\n") == 15 and "E07000070" in feed
    html = client.get(reverse("register:map")).content.decode()
    assert html.count('"geometry": {"type": "') == 14  # every district's real boundary, simplified
    assert len(html) < 2_000_000
