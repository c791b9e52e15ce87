import datetime
import re

import pytest
from django.urls import reverse

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.evidence.models import Classification
from safereach.evidence.tests.factories import make_dataset

pytestmark = pytest.mark.django_db
DATASETS = reverse("evidence:datasets")


def test_visitors_who_are_not_signed_in_are_sent_to_sign_in_and_back(client):
    response = client.get(DATASETS)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:sign-in')}?next={DATASETS}"


@pytest.mark.parametrize(
    "role", [Role.ANALYST, Role.COORDINATOR, Role.PARTNER, Role.ADMINISTRATOR]
)
def test_open_to_analysts_coordinators_partners_and_administrators(client, sign_in_as, role):
    sign_in_as(role)

    assert client.get(DATASETS).status_code == 200


def test_officers_are_refused_with_a_page_that_says_why(client, sign_in_as):
    sign_in_as(Role.OFFICER)

    response = client.get(DATASETS)

    assert response.status_code == 403
    assert "Your role in SafeReach does not include this page" in response.content.decode()


def test_users_without_a_role_are_refused(client, sign_in_as):
    sign_in_as()

    assert client.get(DATASETS).status_code == 403


def test_lists_each_dataset_with_its_provenance(client, analyst):
    loader = make_user(Role.ANALYST, email="loader@example.org")
    checksum = "ab12cd34ef56" + "0" * 52
    make_dataset(
        kind="crime",
        name="Essex Police street crime, March 2024",
        source_file="2024-03-essex-street.csv",
        publisher="Essex Police",
        licence="Open Government Licence v3.0",
        period_start=datetime.date(2024, 3, 1),
        period_end=datetime.date(2024, 3, 31),
        classification=Classification.OFFICIAL_SENSITIVE,
        sharing_agreement="Essex MACE ISA 2024",
        row_count=12345,
        checksum=checksum,
        loaded_by=loader,
    )
    make_dataset(kind="schools", name="GIAS establishments", loaded_by_name="root@laptop",
                 classification=Classification.OFFICIAL)

    html = client.get(DATASETS).content.decode()

    assert "2 datasets loaded" in html
    row = re.search(r"<tr class=\"govuk-table__row\">\s*<td[^>]*>crime</td>(.*?)</tr>", html, re.S)
    assert row, "no row for the crime dataset"
    row = row.group(1)
    for text in [
        "Essex Police street crime, March 2024",
        "2024-03-essex-street.csv",
        "Essex Police",
        "Open Government Licence v3.0",
        "1 Mar 2024</span> to <span class=\"app-nowrap\">31 Mar 2024",
        "govuk-tag--red\">OFFICIAL-SENSITIVE</strong>",
        "Shared under Essex MACE ISA 2024",
        "12,345",
        "loader@example.org",
        '<code class="app-checksum">ab12cd34ef56</code>',
    ]:
        assert text in row
    assert checksum not in html  # the short form only
    assert "root@laptop" in html  # loaded from the command line, no user account
    assert 'govuk-tag--grey">OFFICIAL</strong>' in html


def test_says_when_nothing_is_loaded_yet(client, analyst):
    html = client.get(DATASETS).content.decode()

    assert "No datasets have been loaded yet" in html
    assert "<table" not in html
