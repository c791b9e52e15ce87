"""Finding a school never stops at a page's worth without saying so: every match is a page or
two away, the count is the true one, and the contact is told how to narrow the list."""

import re

import pytest
from django.urls import reverse

from safereach.schools.tests.factories import make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def sixty_schools():
    return [make_school(name=f"Meadow Lane School {n:02d}") for n in range(60)]


def names_on(page) -> list[str]:
    return re.findall(r'href="/book/school/\d+/[^"]*">([^<]+)</a>', page.content.decode())


def test_every_school_found_is_a_page_away(client, sixty_schools):
    seen = []
    url = reverse("bookings:start") + "?q=meadow&session=knife-crime"
    for number in (1, 2, 3):
        page = client.get(url)
        html = page.content.decode()
        assert "60 schools found" in html
        assert f"Page {number} of 3" in html
        seen += names_on(page)
        next_link = re.search(r'href="\?([^"]+)" rel="next"', html)
        if number < 3:
            assert "Showing" in html and "full postcode or its URN" in html
            url = reverse("bookings:start") + "?" + next_link.group(1).replace("&amp;", "&")
            assert "session=knife-crime" in url, "the session chosen is kept from page to page"
        else:
            assert next_link is None
            assert 'rel="prev"' in html
    assert sorted(seen) == sorted(s.name for s in sixty_schools)


def test_one_page_of_schools_needs_no_paging(client, sixty_schools):
    page = client.get(reverse("bookings:start"), {"q": "Meadow Lane School 07"})
    html = page.content.decode()
    assert "1 school found" in html
    assert "govuk-pagination" not in html and "Showing" not in html


@pytest.mark.parametrize("number", ["0", "-1", "abc", "99", "9" * 40])
def test_a_page_that_is_not_one_shows_the_nearest(client, sixty_schools, number):
    page = client.get(reverse("bookings:start"), {"q": "meadow", "page": number})
    assert page.status_code == 200
    assert len(names_on(page)) in (25, 10)
