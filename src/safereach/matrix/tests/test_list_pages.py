"""A target list comes a page of 20 schools at a time (each row carries up to three reasons,
so 50 made a page of some 10,000 pixels), with GOV.UK pagination whose links keep the filters."""

import re

import pytest

from safereach.accounts.models import Role
from safereach.matrix.build import build
from safereach.schools.tests.factories import make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_list(client, small_county):
    """The small county with 50 more primary schools about its LSOAs: 56 primaries in all."""
    schools = small_county["schools"]
    for k in range(50):
        near = schools[k % 6]
        make_school(urn=910_000 + k, name=f"Extra Primary {k:02d}", phase="Primary", lsoa=near.lsoa,
                    easting=near.easting + 40 * (k // 6), northing=near.northing, lon=near.lon,
                    lat=near.lat, percent_fsm=float(k % 30))
    build()
    client.force_login(small_county["users"][Role.ANALYST])
    return client


def _links(html):
    nav = html[html.index('class="govuk-pagination"'):]
    nav = nav[:nav.index("</nav>")]
    return re.findall(r'href="([^"]+)"', nav), nav


def test_a_long_list_comes_twenty_schools_a_page(long_list):
    page = long_list.get("/matrix/arson/")
    html = page.content.decode()
    assert len(page.context["page"].object_list) == 20
    assert html.count('<tr class="govuk-table__row">') == 21  # the head's row and 20 schools
    assert "Showing 1 to 20" in html
    links, nav = _links(html)
    assert 'aria-current="page"' in nav and "govuk-pagination__list" in nav
    assert "?page=2" in links and "?page=3" in links
    last = long_list.get("/matrix/arson/", {"page": page.context["page"].paginator.num_pages})
    assert last.status_code == 200 and "Previous" in last.content.decode()


def test_page_links_keep_the_filters(long_list):
    page = long_list.get("/matrix/arson/", {"phase": "primary", "sort": "name", "q": "Primary"})
    assert page.context["page"].paginator.count > 40
    links, _ = _links(page.content.decode())
    assert links and all("phase=primary" in link and "sort=name" in link and "q=Primary" in link
                         for link in links)
    second = long_list.get("/matrix/arson/", {"phase": "primary", "sort": "name", "q": "Primary",
                                              "page": "2"})
    names = [s.school.name for s in second.context["page"].object_list]
    assert names == sorted(names) and len(names) == 20
    assert "Showing 21 to 40" in second.content.decode()


def test_many_pages_are_elided(long_list, monkeypatch):
    from safereach.matrix import views

    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    html = long_list.get("/matrix/arson/", {"page": "6"}).content.decode()
    _, nav = _links(html)
    assert "govuk-pagination__item--ellipses" in nav
    assert 'aria-label="Page 1"' in nav and 'aria-label="Page 5"' in nav and 'aria-label="Page 7"' in nav
    assert 'aria-label="Page 3"' not in nav
