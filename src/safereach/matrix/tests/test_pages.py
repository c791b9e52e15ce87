"""The target list, school profile, district summary and exports (back-tests: test_backtest_runs)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from safereach.accounts.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client, small_county):
    client.force_login(small_county["users"][Role.ANALYST])
    return client


def test_target_list_shows_score_decile_and_reasons(analyst):
    page = analyst.get("/matrix/arson/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ashby Primary" in html
    assert "criminal damage and arson crimes and deliberate fires expected within 1.5 km" in html
    # Need and risk stand in columns of their own; the page says how they combine.
    assert "Need" in html and "Risk" in html
    assert "Schools are ordered by risk alone, the incidents forecast near them" in html
    assert "Weights fitted on" in html or "No earlier window to learn from" in html
    scores = page.context["page"].object_list
    assert [s.rank for s in scores] == sorted(s.rank for s in scores)


def test_filters_search_and_sort(analyst, small_county):
    north = small_county["districts"][0].code
    page = analyst.get("/matrix/arson/", {"district": north, "phase": "primary", "sort": "name"})
    scores = list(page.context["page"].object_list)
    assert scores and all(s.school.lsoa.district.code == north for s in scores)
    assert all(s.phase_group == "primary" for s in scores)
    assert [s.school.name for s in scores] == sorted(s.school.name for s in scores)
    found = analyst.get("/matrix/arson/", {"q": "ashby"}).context["page"].object_list
    assert [s.school.name for s in found] == ["Ashby Primary"]
    by_urn = analyst.get("/matrix/arson/", {"q": str(small_county["schools"][1].urn)})
    assert [s.school.name for s in by_urn.context["page"].object_list] == ["Beech Primary"]
    ward = small_county["wards"][3].code
    in_ward = analyst.get("/matrix/arson/", {"ward": ward}).context["page"].object_list
    assert in_ward and all(s.school.lsoa.parent.code == ward for s in in_ward)


@pytest.mark.parametrize("query, message", [
    ({"district": "E07999999"}, "Choose a district from the list"),
    ({"phase": "university"}, "Choose a phase from the list"),
    ({"sort": "shoe-size"}, "Choose a sort by from the list"),
    ({"page": "two"}, "Page must be a whole number"),
])
def test_bad_filters_give_a_clear_error_not_a_500(analyst, query, message):
    page = analyst.get("/matrix/arson/", query)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert "There is a problem" in page.content.decode()
    assert analyst.get("/matrix/arson/export.csv", query).status_code == 400


def test_a_page_past_the_end_or_an_unknown_programme_is_not_found(analyst):
    assert analyst.get("/matrix/arson/", {"page": "99"}).status_code == 404
    assert analyst.get("/matrix/fire-dancing/").status_code == 404
    assert analyst.get("/matrix/arson/export.pdf").status_code == 404


def test_csv_and_xlsx_exports_hold_the_filtered_list_and_are_audited(analyst):
    response = analyst.get("/matrix/arson/export.csv", {"phase": "secondary"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Rank", "URN", "School"]
    assert len(rows) == 1 + 4 and all("Academy" in r[2] for r in rows[1:])
    response = analyst.get("/matrix/arson/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[1][2] == "Ivy Academy" and values[1][0] == 1
    assert values[0][8:11] == ("Need (0-100)", "Risk (0-100)", "Incidents expected")
    assert len(values) == 1 + 10  # the arson programme ranks primary and secondary schools
    assert AuditEvent.objects.filter(action__startswith="matrix.export").count() == 2


def test_school_profile_shows_every_indicator_and_a_map(analyst, small_county):
    ashby = small_county["schools"][0]
    page = analyst.get(f"/matrix/schools/{ashby.urn}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Arson and deliberate fire-setting" in html and "school-map-data" in html
    arson = next(s for s in page.context["scores"] if s.programme.slug == "arson")
    assert [c["name"] for c in arson.contributions] == ["forecast", "imd_catchment", "fsm"]
    assert arson.rank == 3 and arson in page.context["scores"]
    # The forecast's parts are listed under its reason.
    assert arson.contributions[0]["parts"][0]["text"] in html
    assert analyst.get("/matrix/schools/1/").status_code == 404


def test_district_summary_counts_top_decile_schools(analyst):
    page = analyst.get("/matrix/districts/")
    rows = {r["name"]: r["cells"] for r in page.context["rows"]}
    names = [p.slug for p in page.context["programmes"]]
    arson = names.index("arson")
    # Ashby Primary (Northvale) is the only arson school in the top tenth of 10.
    assert rows["Northvale"][arson] == (1, 6) and rows["Southmere"][arson] == (0, 4)


def test_who_sees_what(client, small_county):
    users = small_county["users"]
    assert client.get("/matrix/arson/").status_code == 302  # sign in first
    client.force_login(users[Role.OFFICER])
    assert client.get("/matrix/arson/").status_code == 403
    client.force_login(users[Role.COORDINATOR])
    assert client.get("/matrix/arson/").status_code == 200
    # A partner sees the programmes its agency delivers, and nothing else.
    client.force_login(users[Role.PARTNER])
    assert client.get("/matrix/knife-crime/").status_code == 200
    assert client.get("/matrix/arson/").status_code == 403
    assert [r["programme"].slug for r in client.get("/matrix/").context["rows"]] == ["knife-crime"]
    client.force_login(users["other partner"])
    assert client.get("/matrix/knife-crime/export.csv").status_code == 403


def test_an_analyst_changes_a_profile_and_the_history_keeps_both(analyst, small_county):
    import json

    from safereach.matrix.models import Programme

    arson = Programme.objects.get(slug="arson")
    profile = dict(arson.profile, window_months=6)
    response = analyst.post("/matrix/arson/profile/indicators/", {"profile": json.dumps(profile),
                                                       "note": "Last six months only"})
    assert response.status_code == 302
    arson.refresh_from_db()
    assert arson.version == 3 and arson.profile["window_months"] == 6
    page = analyst.get("/matrix/arson/profile/")
    assert [v.version for v in page.context["versions"]] == [3, 2, 1]
    assert AuditEvent.objects.filter(action="matrix.profile.change", target="arson").exists()

    bad = analyst.post("/matrix/arson/profile/indicators/", {"profile": '{"indicators": [', "note": "x"})
    assert bad.status_code == 400 and "not valid JSON" in bad.content.decode()
    bad = analyst.post("/matrix/arson/profile/indicators/",
                       {"profile": json.dumps(dict(profile, window_months=99)),
                        "note": "x"})
    assert bad.status_code == 400 and "window_months must be" in bad.content.decode()
    bad = analyst.post("/matrix/arson/profile/indicators/",
                       {"profile": json.dumps(dict(profile, need_weight=2)),
                        "note": "x"})
    assert bad.status_code == 400 and "need_weight must be a number from 0" in bad.content.decode()
    arson.refresh_from_db()
    assert arson.version == 3


def test_a_coordinator_reads_a_profile_but_cannot_change_it(client, small_county):
    client.force_login(small_county["users"][Role.COORDINATOR])
    assert client.get("/matrix/arson/profile/").status_code == 200
    assert client.post("/matrix/arson/profile/", {"profile": "{}", "note": "x"}).status_code == 403


def test_pages_before_any_list_is_built(client, db):
    from safereach.accounts.tests.factories import make_user
    from safereach.matrix.build import seed_programmes

    seed_programmes()
    client.force_login(make_user(Role.ANALYST))
    page = client.get("/matrix/arson/")
    assert page.status_code == 200 and "has no target list yet" in page.content.decode()
    assert client.get("/matrix/arson/export.csv").status_code == 404
    assert "No target lists have been built yet" in client.get("/matrix/districts/").content.decode()
    rows = client.get("/matrix/").context["rows"]
    assert len(rows) == 10 and all(r["list"] is None for r in rows)


def test_partners_see_counts_under_five_suppressed(client, small_county):
    from safereach.matrix.models import Score

    # Only a scattering of weapons crimes lies away from Ashby Primary: the forecasts of some
    # schools of the knife crime list rest on fewer than 5 of them.
    small = [(score, c) for score in Score.objects.filter(programme__slug="knife-crime")
             for c in score.contributions if c["kind"] == "forecast"
             if any("fewer than 5" in p["text"] for p in c["parts_shared"])]
    assert small, "the fixture should leave a school with a count under 5"
    score, counted = small[0]
    assert "ewer than 5" not in counted["reason"]
    assert "fewer than 5" in counted["reason_shared"]
    assert "weapons, robbery and violence crimes expected within" in counted["reason_shared"]

    client.force_login(small_county["users"][Role.PARTNER])
    page = client.get(f"/matrix/schools/{score.school.urn}/").content.decode()
    assert counted["reason_shared"] in page and counted["reason"] not in page
    listed = client.get("/matrix/knife-crime/export.csv").content.decode()
    assert counted["reason"] not in listed
    client.force_login(small_county["users"][Role.ANALYST])
    assert counted["reason"] in client.get(f"/matrix/schools/{score.school.urn}/").content.decode()


def test_a_district_list_on_the_page(analyst, small_county):
    from safereach.matrix.build import build
    from safereach.matrix.models import Programme

    south = small_county["districts"][1]
    assert analyst.get("/matrix/arson/", {"area": south.code}).context["list"] is None
    build([Programme.objects.get(slug="arson")], area=south)
    page = analyst.get("/matrix/arson/", {"area": south.code, "phase": "primary"})
    assert page.context["list"].area == south
    assert all(s.school.lsoa.district == south for s in page.context["page"].object_list)
    assert "compared with each other only" in page.content.decode()
    assert f"?area={south.code}" in analyst.get("/matrix/").content.decode()
    assert analyst.get("/matrix/arson/", {"area": "E07999999"}).status_code == 404
    csv_rows = analyst.get("/matrix/arson/export.csv", {"area": south.code}).content.decode()
    assert csv_rows.count("\n") == 1 + page.context["list"].school_count


def test_the_district_summary_of_a_list(analyst, small_county, client):
    from safereach.evidence.models import Deprivation, Incident
    from safereach.matrix.build import build
    from safereach.matrix.models import Programme

    # The fixture's incidents were written without their LSOA: place those of Northvale's
    # LSOAs there by location, as the importers do, and leave the rest unplaced.
    lsoas = {a.code: a for a in small_county["wards"][0].children.all()}
    first = next(iter(lsoas.values()))
    placed = Incident.objects.filter(category="Criminal damage and arson", month__gte="2024-06-01")[:7]
    Incident.objects.filter(pk__in=[i.pk for i in placed]).update(lsoa=first)
    build(Programme.objects.filter(slug="arson"))

    page = analyst.get("/matrix/arson/districts/")
    rows = {r["name"]: r for r in page.context["rows"]}
    assert rows["Northvale"]["incidents"] == 7 and rows["Southmere"]["incidents"] == 0
    assert rows["Northvale"]["schools"] == 6
    assert rows["Northvale"]["per_school"] == pytest.approx(7 / 6, abs=0.05)
    assert rows["Northvale"]["residents"] == 4 * 1500
    assert rows["Northvale"]["per_1000_residents"] == pytest.approx(7000 / 6000, abs=0.05)
    # Per child where the denominators give children: the fixture's LSOAs give none.
    assert rows["Northvale"]["per_1000_children"] is None
    Deprivation.objects.update(children_population=300)
    build(Programme.objects.filter(slug="arson"))
    rows = {r["name"]: r for r in analyst.get("/matrix/arson/districts/").context["rows"]}
    assert rows["Northvale"]["children"] == 4 * 300
    assert rows["Northvale"]["per_1000_children"] == pytest.approx(7000 / 1200, abs=0.05)
    assert rows["Not placed in any district loaded"]["incidents"] > 0
    assert sum(r["top_decile"] for r in rows.values()) == 1
    html = page.content.decode()
    assert "Incidents and top-decile schools by district" in html and "Per 1,000 residents" in html
    assert "Per 1,000 children aged 0-15" in html
    # A partner sees the summary of the programmes their agency delivers only.
    client.force_login(small_county["users"][Role.PARTNER])
    assert client.get("/matrix/arson/districts/").status_code == 403
    assert client.get("/matrix/knife-crime/districts/").status_code == 200
