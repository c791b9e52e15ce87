"""The reach pages, their exports and `safereach reach`: the same figures, exact for the agency
that made the visits, small counts hidden from the others; a bad filter is a clear error."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from safereach.accounts.models import AuditEvent, Role
from safereach.delivery.tests.factories import make_reach_county
from safereach.evidence.models import Classification
from safereach.evidence.tests.factories import make_dataset

pytestmark = pytest.mark.django_db
MONDAY = date(2025, 10, 6)  # school year 2025/26


@pytest.fixture
def reach_county(county):
    """Fire delivers 6 visits in North and 2 in South; police 7 in North."""
    sensitive = make_dataset(
        kind="schools", name="Schools (sensitive)", classification=Classification.OFFICIAL_SENSITIVE
    )
    return make_reach_county(county, MONDAY, sensitive)


def cells(response, caption):
    """(row heading, pupils, visits) of the table with `caption`."""
    import re

    html = response.content.decode()
    table = html[html.index(caption) :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>', table)
    return {name: (pupils, visits) for name, pupils, visits in rows}


def test_the_agency_sees_its_own_visits_exactly(client, sign_in_as, reach_county):
    sign_in_as(Role.COORDINATOR, agency=reach_county["fire"])
    response = client.get(f"/delivery/reach/{reach_county['fire'].slug}/", {"school_year": "2025"})
    assert response.status_code == 200
    by_district = cells(response, "by district")
    assert by_district == {"North District": ("135", "6"), "South District": ("56", "2")}
    assert "fewer than 5" not in response.content.decode()


def test_other_agencies_see_small_counts_hidden(client, sign_in_as, reach_county):
    sign_in_as(Role.PARTNER, agency=reach_county["police"])
    response = client.get("/delivery/reach/", {"school_year": "2025"})
    by_district = cells(response, "by district")
    # South has two fire visits: hidden from the police; North (the only other district) too,
    # or the total would give South away.
    assert by_district["South District"] == ("not shown", "fewer than 5")
    assert by_district["North District"] == ("not shown", "not shown")
    by_programme = cells(response, "By programme")
    assert by_programme["Knife crime and gangs"] == ("210", "7")  # the police's own
    assert by_programme["Home fire safety"] == ("191", "8")
    assert "Counts that include another agency" in response.content.decode()


def test_a_bad_filter_is_a_clear_error(client, analyst, reach_county):
    response = client.get("/delivery/reach/", {"school_year": "1900", "programme": "juggling"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_school_year">Choose a school year from the list</a>' in html
    assert '<a href="#id_programme">Choose a programme from the list</a>' in html
    export = client.get("/delivery/reach/export.csv", {"school_year": "1900"})
    assert export.status_code == 400


def test_csv_and_xlsx_exports_with_sources_period_and_classification(client, sign_in_as, reach_county):
    user = sign_in_as(Role.ANALYST, agency=reach_county["fire"])
    response = client.get(f"/delivery/reach/{reach_county['fire'].slug}/export.csv", {"school_year": "2025"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    districts = {
        r["name"]: (r["visits_delivered"], r["pupils_reached"]) for r in rows if r["breakdown"] == "district"
    }
    assert districts == {"North District": ("6", "135"), "South District": ("2", "56")}
    response = client.get("/delivery/reach/export.xlsx", {"school_year": "2025"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["About", "By programme"]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row and row[0]}
    assert about["Classification"] == "OFFICIAL-SENSITIVE"  # the schools dataset is
    assert about["Period"].startswith("School year 2025/26 (1 September 2025 to 31 August 2026)")
    sources = [row[0] for row in book["About"].iter_rows(values_only=True) if row and row[0]]
    assert "Schools (sensitive)" in sources
    never = [row[1] for row in book["Never visited"].iter_rows(min_row=2, values_only=True)]
    assert "Never Visited Primary" in never
    # Every agency's figures: North mixes in 7 police visits, 13 in all, not small; South is
    # the fire service's own. Numbers are numbers in the sheet.
    district_rows = {row[0]: row[2:] for row in book["By district"].iter_rows(min_row=2, values_only=True)}
    assert district_rows == {"North District": (13, 345), "South District": (2, 56)}
    assert AuditEvent.objects.filter(user=user, action="delivery.reach.export.xlsx").exists()


def test_the_command_gives_the_pages_figures(reach_county):
    out = io.StringIO()
    call_command("reach", "--by", "district", "--school-year", "2025", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["school_year"] == "2025/26"
    assert {r["name"]: (r["visits_delivered"], r["pupils_reached"]) for r in result["rows"]} == {
        "North District": (13, 345),
        "South District": (2, 56),
    }
    out = io.StringIO()
    call_command(
        "reach",
        "--by",
        "programme",
        "--programme",
        "knife-crime",
        "--today",
        "2026-03-01",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["school_year"] == "2025/26"  # 1 March 2026 is in it
    assert result["rows"] == [
        {"code": "knife-crime", "name": "Knife crime and gangs", "visits_delivered": 7, "pupils_reached": 210}
    ]
    out = io.StringIO()
    call_command(
        "reach",
        "--by",
        "school-year",
        "--today",
        "2026-03-01",
        "--suppress",
        "--agency",
        reach_county["fire"].slug,
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["rows"][0]["visits_delivered"] == "8"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--programme", "juggling"], "No programme 'juggling'"),
        (["--agency", "nobody"], "No agency 'nobody'"),
        (["--school-year", "26"], "give the year the school year starts"),
    ],
)
def test_the_command_says_what_is_wrong(reach_county, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("reach", "--by", "district", *args)


def test_who_may_see_reach(client, sign_in_as, reach_county):
    assert client.get("/delivery/reach/").status_code == 302  # sign in first
    sign_in_as(Role.OFFICER)
    assert client.get("/delivery/reach/").status_code == 403
