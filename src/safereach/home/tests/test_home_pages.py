import re

import pytest
from django.urls import reverse

from safereach.accounts.models import Agency, Role
from safereach.accounts.tests.factories import make_agency, make_user
from safereach.areas.models import Area
from safereach.areas.tests.factories import make_area
from safereach.evidence.models import Incident
from safereach.evidence.tests.factories import make_dataset, make_incident, make_notice, make_place
from safereach.schools.tests.factories import make_school
from safereach.workforce.tests.factories import make_officer, make_station

pytestmark = pytest.mark.django_db
HOME = reverse("home")
FIGURE = re.compile(
    r'app-figures__number">([^<]*)</span>\s*<span class="app-figures__label">([^<]*)</span>'
)


def section(response, role: str) -> str:
    """The HTML of one role's section of the home page."""
    html = response.content.decode()
    start = html.index(f'<section class="app-role-section" id="{role}"')
    end = html.find('<section class="app-role-section"', start + 1)
    return html[start : end if end != -1 else html.index("</main>")]


def figures(html: str) -> dict[str, str]:
    return {label: number for number, label in FIGURE.findall(html)}


def table_row(html: str, header: str) -> list[str]:
    """The cells of the table row headed `header`."""
    match = re.search(
        rf'<th scope="row" class="govuk-table__header">{re.escape(header)}</th>(.*?)</tr>',
        html,
        re.S,
    )
    assert match, f"no row headed {header!r}"
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_signed_out_visitors_learn_what_safereach_is_and_where_to_sign_in(client):
    html = client.get(HOME).content.decode()

    assert "decide which schools need which sessions most" in html
    assert f'href="{reverse("accounts:sign-in")}"' in html
    assert "app-role-section" not in html


def test_administrator_sees_agencies_users_by_role_and_datasets(client):
    fire = make_agency()
    make_agency("Northshire Police", kind=Agency.Kind.POLICE)
    admin = make_user(Role.ADMINISTRATOR, agency=fire)
    make_user(Role.ANALYST)
    make_user(Role.ANALYST, Role.COORDINATOR)
    make_user(Role.ANALYST, is_active=False)  # left the service: not counted
    make_user()  # no role yet
    make_dataset()
    make_dataset(kind="schools")
    client.force_login(admin)

    html = section(client.get(HOME), "administrator")

    assert figures(html) == {"agencies": "2", "active users": "4", "datasets loaded": "2"}
    assert table_row(html, "Analyst") == ["2"]
    assert table_row(html, "Booking coordinator") == ["1"]
    assert table_row(html, "Administrator") == ["1"]
    assert table_row(html, "Education officer") == ["0"]
    assert table_row(html, "No role yet") == ["1"]
    assert table_row(html, "Fire and rescue service") == ["1"]
    assert table_row(html, "Police force") == ["1"]
    assert f'href="{reverse("admin:accounts_user_changelist")}"' in html
    assert f'href="{reverse("admin:index")}"' in html


def test_analyst_sees_what_evidence_is_loaded(client, analyst):
    crime = make_dataset(kind="crime", row_count=1200)
    make_dataset(kind="crime", row_count=34)
    make_dataset(kind="schools", row_count=3)
    for _ in range(3):
        make_school()
    for _ in range(4):
        make_area(Area.Level.LSOA)
    for _ in range(2):
        make_area(Area.Level.WARD)
    make_area(Area.Level.DISTRICT)
    for _ in range(5):
        make_incident(crime)
    for _ in range(2):
        make_incident(crime, source=Incident.Source.FIRE, category="Primary fire")
    make_place(crime)
    make_place(crime, kind="hotel")
    make_notice(crime)

    html = section(client.get(HOME), "analyst")

    assert table_row(html, "crime")[:2] == ["2", "1,234"]
    assert table_row(html, "schools")[:2] == ["1", "3"]
    assert figures(html) == {
        "schools": "3",
        "LSOAs with deprivation scores": "0",
        "vulnerable places": "2",
        "notices": "1",
        "Lower layer super output area": "4",
        "Electoral ward": "2",
        "Local authority district": "1",
        "Police incidents": "5",
        "Fire and rescue incidents": "2",
    }
    assert f'href="{reverse("evidence:datasets")}"' in html


def test_coordinator_sees_the_officers_and_stations_of_their_own_agency(client, sign_in_as, agency):
    central = make_station("Central Fire Station", postcode="NS1 1AA")
    make_officer(agency, "Priya Shah", base=central)
    make_officer(agency, "Tom Reed")
    elsewhere = make_agency("Southshire Police", kind=Agency.Kind.POLICE)
    make_officer(elsewhere, "Someone Else", base=make_station("Harbour Police Station"))
    make_school()
    sign_in_as(Role.COORDINATOR)

    html = section(client.get(HOME), "coordinator")

    assert agency.name in html
    assert figures(html) == {"officers": "2", "stations officers work from": "1", "schools": "1"}
    assert table_row(html, "Priya Shah") == ["Central Fire Station", "3"]
    assert table_row(html, "Tom Reed") == ["No base set", "3"]
    assert "Central Fire Station, NS1 1AA" in html
    assert "Someone Else" not in html
    assert "Harbour Police Station" not in html


def test_coordinator_without_an_agency_is_told_why_no_officers_show(client, sign_in_as):
    make_school()
    sign_in_as(Role.COORDINATOR, agency=None)

    html = section(client.get(HOME), "coordinator")

    assert "not linked to an agency" in html
    assert figures(html)["schools"] == "1"


def test_officer_sees_their_record_and_base_station(client, sign_in_as, agency):
    user = sign_in_as(Role.OFFICER)
    base = make_station("Riverside Fire Station", postcode="NS2 2BB")
    make_officer(agency, "Sam Patel", user=user, base=base, working_days="1234",
                 max_visits_per_day=4)
    make_officer(agency, "A Colleague")

    html = section(client.get(HOME), "officer")

    assert "Sam Patel" in html
    assert "Riverside Fire Station, NS2 2BB" in html
    assert "Monday to Thursday, 08:30 to 16:30" in html
    assert "You work alongside 1 other officer of" in html


def test_officer_without_a_record_is_told_what_to_do(client, sign_in_as):
    make_school()
    make_school()
    sign_in_as(Role.OFFICER)

    html = section(client.get(HOME), "officer")

    assert "No officer record is linked to your account" in html
    assert "SafeReach knows about 2 schools" in html


def test_partner_sees_their_agency_and_what_the_system_holds(client, sign_in_as, agency):
    make_user(Role.PARTNER, agency=agency)
    make_officer(agency)
    dataset = make_dataset()
    make_incident(dataset)
    make_school()
    sign_in_as(Role.PARTNER)

    html = section(client.get(HOME), "partner")

    assert agency.name in html
    assert figures(html) == {
        "staff users": "2",
        "officers": "1",
        "datasets loaded": "1",
        "schools": "1",
        "areas": "0",
        "incidents": "1",
        "vulnerable places": "0",
        "notices": "0",
    }


def test_a_user_with_several_roles_sees_each_roles_section(client, sign_in_as):
    sign_in_as(Role.COORDINATOR, Role.ANALYST)

    response = client.get(HOME)

    assert [s["role"] for s in response.context["sections"]] == ["analyst", "coordinator"]
    html = response.content.decode()
    assert '<a class="govuk-link" href="#analyst">analyst</a>' in html
    assert section(response, "analyst")
    assert section(response, "coordinator")


def test_a_user_without_roles_is_told_to_ask_for_one(client, sign_in_as):
    sign_in_as()

    html = client.get(HOME).content.decode()

    assert "Your account has no role yet" in html
