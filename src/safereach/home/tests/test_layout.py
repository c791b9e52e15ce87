"""What every page carries: navigation by role, the demo warning, the data attribution."""

import re

import pytest
from django.urls import reverse

from safereach.accounts.models import Role
from safereach.areas.tests.factories import make_area
from safereach.evidence.tests.factories import make_dataset
from safereach.schools.tests.factories import make_school

pytestmark = pytest.mark.django_db
DEMO_WARNING = "Fictional demo county: not real data"


def nav_links(html: str) -> list[str]:
    """Where the service navigation's items lead (the service name link is not one)."""
    return re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', html)


def test_real_data_only_shows_no_demo_warning(client):
    make_dataset(is_fictional=False)
    make_school(is_fictional=False)

    assert DEMO_WARNING not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "make_fictional",
    [
        lambda: make_dataset(is_fictional=True),
        lambda: make_area(is_fictional=True),
        lambda: make_school(is_fictional=True),
    ],
    ids=["dataset", "area", "school"],
)
def test_any_fictional_data_puts_the_demo_warning_on_every_page(client, make_fictional):
    make_fictional()

    for url in [reverse("home"), reverse("accounts:sign-in")]:
        html = client.get(url).content.decode()
        assert DEMO_WARNING in html
        assert "(demo) – SafeReach</title>" in html


def test_footer_credits_the_open_government_licence(client):
    html = client.get(reverse("home")).content.decode()

    assert "Contains public sector information licensed under the" in html
    assert "open-government-licence/version/3/" in html


def test_skip_link_leads_to_the_main_content(client):
    html = client.get(reverse("home")).content.decode()

    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html


def test_not_dressed_as_gov_uk(client):
    html = client.get(reverse("home")).content.decode()

    assert "govuk-header" not in html  # the GOV.UK header carries the crown
    assert "govuk-frontend/govuk-frontend.min.css" not in html  # that build loads GDS Transport
    assert "build/safereach.css" in html


@pytest.mark.parametrize(
    ("roles", "links"),
    [
        ((Role.OFFICER,), ["/", "/week/"]),
        ((Role.ANALYST,), ["/", "/evidence/datasets/", "/matrix/", "/delivery/projected/", "/delivery/reach/",
                           "/delivery/impact/", "/maps/",
                           "/schools/unmet-demand/", "/delivery/fairness/"]),
        ((Role.PARTNER,), ["/", "/evidence/datasets/", "/matrix/", "/sessions/our-sessions/",
                           "/delivery/projected/", "/delivery/reach/", "/delivery/impact/", "/maps/",
                           "/schools/unmet-demand/", "/schools/feedback/"]),
        ((Role.COORDINATOR,), ["/", "/evidence/datasets/", "/matrix/", "/book/queue/", "/book/plan/",
                               "/officers/", "/sessions/our-sessions/", "/delivery/projected/",
                               "/delivery/reach/", "/delivery/impact/", "/maps/",
                               "/schools/unmet-demand/", "/schools/feedback/", "/schools/tiers/"]),
        ((Role.ADMINISTRATOR,), ["/", "/evidence/datasets/", "/matrix/", "/book/queue/", "/book/plan/",
                                 "/officers/", "/sessions/our-sessions/", "/delivery/projected/",
                                 "/delivery/reach/", "/delivery/impact/", "/maps/",
                                 "/schools/unmet-demand/", "/schools/feedback/", "/schools/tiers/",
                                 "/register/manage/", "/admin/", "/governance/agreements/",
                                 "/delivery/fairness/"]),
        ((Role.PROTECTION_OFFICER,), ["/", "/register/manage/"]),
        ((Role.PROTECTION_MANAGER,), ["/", "/register/manage/"]),
    ],
)
def test_navigation_offers_what_the_role_may_open(client, sign_in_as, roles, links):
    sign_in_as(*roles)

    html = client.get(reverse("home")).content.decode()

    assert nav_links(html) == links


def test_current_page_is_marked_in_the_navigation(client, sign_in_as):
    sign_in_as(Role.ANALYST)

    html = client.get(reverse("evidence:datasets")).content.decode()

    assert 'href="/evidence/datasets/" aria-current="page"' in html
    assert 'href="/" aria-current="page"' not in html


def test_signed_out_visitors_get_no_navigation_but_a_sign_in_link(client):
    html = client.get(reverse("home")).content.decode()

    assert nav_links(html) == []
    sign_in = reverse("accounts:sign-in")
    assert f'<a class="govuk-link govuk-link--inverse" href="{sign_in}">Sign in</a>' in html


def test_the_site_has_a_favicon_and_its_own_not_found_page(client):
    icon = client.get("/favicon.ico", follow=True)
    missing = client.get("/no-such-page/")

    assert icon.status_code == 200 and b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
    assert "Traceback" not in missing.content.decode() and "URLconf" not in missing.content.decode()


def test_schools_find_the_catalogue_and_booking_first(client):
    page = client.get("/").content.decode()

    assert page.index("Book a session") < page.index("sign in")
    assert reverse("bookings:start") in page and reverse("catalogue:catalogue") in page


def test_every_page_links_to_the_accessibility_statement_and_privacy_notice(client, settings):
    settings.SAFEREACH_CONTACT_RETENTION_DAYS = 365
    home = client.get("/").content.decode()
    statement = client.get(reverse("accessibility")).content.decode()
    notice = client.get(reverse("privacy")).content.decode()

    assert reverse("accessibility") in home and reverse("privacy") in home
    assert "WCAG 2.2 AA" in statement and "Enforcement procedure" in statement
    assert "deleted 365 days after the booking" in notice
    assert "no information about individual pupils" in notice
