"""A school's page opens by a signed link sent to an address the school is known by: only
that school, only while the address is known, only until the link expires."""

import re
import time
from unittest import mock

import pytest
from django.core import mail

from safereach.bookings.models import KnownAddress
from safereach.schoolpage.links import school_page_url, school_token
from safereach.schoolpage.tests.factories import add_districts

pytestmark = pytest.mark.django_db


def test_the_link_opens_its_school_page(client, county):
    add_districts(county)
    response = client.get(school_page_url(county["school"], "s.patel@oakfield.sch.uk"))
    assert response.status_code == 200
    assert b"Oakfield Primary School" in response.content
    assert b"Riverside Junior School" not in response.content
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_changed_link_opens_nothing(client, county):
    token = school_token(county["school"], "s.patel@oakfield.sch.uk")
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.get(f"/school/{forged}/")
    assert response.status_code == 404
    assert b"This link does not work" in response.content


def test_a_link_for_an_address_the_other_school_is_not_known_by_opens_nothing(client, county):
    # Riverside has no known addresses: a token naming it, even signed, does not open it.
    response = client.get(school_page_url(county["other"], "s.patel@oakfield.sch.uk"))
    assert response.status_code == 404


def test_a_link_stops_when_the_school_no_longer_knows_the_address(client, county):
    url = school_page_url(county["school"], "s.patel@oakfield.sch.uk")
    KnownAddress.objects.filter(school=county["school"]).delete()
    assert client.get(url).status_code == 404


def test_a_link_expires(client, county, settings):
    settings.SAFEREACH_SCHOOLS = {**settings.SAFEREACH_SCHOOLS, "SCHOOL_LINK_DAYS": 30}
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 86400):
        old = school_page_url(county["school"], "s.patel@oakfield.sch.uk")
    response = client.get(old)
    assert response.status_code == 404
    assert b"This link has expired" in response.content


def test_a_known_contact_asks_for_the_link_and_gets_it_by_email(client, county):
    response = client.post("/school/", {"urn": "123456", "email": "Head@Oakfield.sch.uk"},
                           follow=True)
    assert b"Check your email" in response.content
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["head@oakfield.sch.uk"]
    link = re.search(r"http://testserver(/school/\S+/)", mail.outbox[0].body).group(1)
    assert b"Oakfield Primary School" in client.get(link).content


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, county):
    response = client.post("/school/", {"urn": "123456", "email": "someone@gmail.example"},
                           follow=True)
    assert b"Check your email" in response.content
    assert mail.outbox == []


@pytest.mark.parametrize("data, message", [
    ({"urn": "", "email": ""}, "Enter your school&#x27;s URN"),
    ({"urn": "12a456", "email": "x@oakfield.sch.uk"}, "Enter the URN as numbers only"),
    ({"urn": "999999", "email": "x@oakfield.sch.uk"}, "No school with this URN is known here"),
    ({"urn": "123456", "email": "not an email"}, "Enter an email address like"),
    ({"urn": "123456" * 3, "email": "x@oakfield.sch.uk"}, "characters or fewer"),
])
def test_bad_input_is_named_and_kept(client, county, data, message, table_counts):
    before = table_counts()
    response = client.post("/school/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert f'value="{data["email"]}"' in response.content.decode()
    assert table_counts() == before and mail.outbox == []


def test_asking_for_links_is_rate_limited_more_tightly_than_other_forms(client, county, settings):
    settings.SAFEREACH_RATE_LIMIT = {**settings.SAFEREACH_RATE_LIMIT, "EMAILING_SUBMISSIONS": 2}
    for _ in range(2):
        assert client.post("/school/", {"urn": "123456", "email": "a@oakfield.sch.uk"}).status_code == 302
    assert client.post("/school/", {"urn": "123456", "email": "a@oakfield.sch.uk"}).status_code == 429
    assert len(mail.outbox) == 2
