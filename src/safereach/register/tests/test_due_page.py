"""The protection manager's page: entries due to appear, change or go in the next 14 days, and
every deadline missed, on a fixed today."""

from datetime import timedelta

import pytest
from django.urls import reverse

from safereach.register.rules import EventKind, add_years
from safereach.register.tests.factories import (
    fire_service,
    happened,
    protection_manager,
    protection_officer,
    served,
)
from safereach.register.tests.states import TODAY, ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed(register_today):
    fire = fire_service()
    notices = {
        "appears": served(fire, ago(15), number="N/APPEARS", premises_name="Appearing Arms"),
        "goes": served(
            fire, add_years(TODAY, -3) + timedelta(days=4), number="N/GOES", kind="alterations", articles=[]
        ),
        "compliance soon": served(fire, ago(50), number="N/SOON", compliance_date=TODAY + timedelta(days=5)),
        "compliance passed": served(fire, ago(90), number="N/PASSED", compliance_date=ago(3)),
        "complied late": served(fire, ago(200), number="N/LATE"),
        "withdrawn late": served(fire, ago(200), number="N/WITHDRAWN"),
        "long ago": served(fire, ago(500), number="N/LONG AGO"),
        "under appeal": served(fire, ago(30), number="N/APPEAL"),
        "quiet": served(fire, ago(40), number="N/QUIET", compliance_date=TODAY + timedelta(days=60)),
    }
    happened(notices["complied late"], EventKind.COMPLIED, ago(40), recorded=ago(20))
    happened(notices["withdrawn late"], EventKind.WITHDRAWN, ago(30), recorded=ago(10))
    happened(notices["long ago"], EventKind.COMPLIED, ago(300), recorded=ago(250))
    happened(notices["under appeal"], EventKind.APPEAL_LODGED, ago(15))
    other = fire_service("Southshire Fire and Rescue Service")
    served(other, ago(15), number="THEIRS/1")
    return fire, notices


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find('<h2 class="govuk-heading-m"', start + 1)
    return html[start : end if end != -1 else None]


def test_the_manager_sees_what_is_due_and_what_was_missed(client, owed):
    fire, notices = owed
    client.force_login(protection_manager(fire))
    html = client.get(reverse("register:due")).content.decode()
    coming = section(html, "coming")
    assert "N/APPEARS" in coming and f"{(ago(15) + timedelta(days=22)):%-d %b %Y}" in coming
    assert "Appears on the register" in coming
    assert "N/GOES" in coming and "Leaves the register, 3 years after service" in coming
    assert "N/SOON" in coming and "Compliance date: record whether the work was done" in coming
    assert "N/QUIET" not in coming and "THEIRS/1" not in html
    missed = section(html, "missed")
    assert "N/LATE" in missed and "“Complied” shown" in missed
    assert "Recorded on " + f"{ago(20):%-d %B %Y}, 13 days after it was due" in missed
    assert "N/WITHDRAWN" in missed and "Withdrawn notice taken off" in missed
    assert "N/LONG AGO" not in missed and "See 1 earlier missed deadline" in html
    assert "N/PASSED" in section(html, "check")
    assert "N/APPEAL" in section(html, "waiting")
    everything = client.get(reverse("register:due"), {"missed": "all"}).content.decode()
    assert "N/LONG AGO" in section(everything, "missed")


def test_the_page_is_the_managers(client, owed):
    fire, _ = owed
    client.force_login(protection_officer(fire))
    assert client.get(reverse("register:due")).status_code == 403
