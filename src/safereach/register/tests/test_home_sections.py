"""The home page of a protection officer and a protection manager: their service's notices at a
glance, and the way to what is owed."""

import re

import pytest
from django.urls import reverse

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.register.rules import EventKind
from safereach.register.tests.factories import fire_service, happened, protection_manager, served
from safereach.register.tests.states import ago

pytestmark = pytest.mark.django_db
FIGURE = re.compile(r'app-figures__number">([^<]*)</span>\s*<span class="app-figures__label">([^<]*)</span>')


def figures(html):
    return {label: number for number, label in FIGURE.findall(html)}


@pytest.fixture
def service(register_today):
    fire = fire_service()
    served(fire, ago(40))
    served(fire, ago(10))  # appears in 12 days
    appealed = served(fire, ago(30))
    happened(appealed, EventKind.APPEAL_LODGED, ago(25))
    late = served(fire, ago(300))
    happened(late, EventKind.COMPLIED, ago(40), recorded=ago(10))
    return fire


def test_a_manager_sees_the_register_at_a_glance(client, service):
    client.force_login(protection_manager(service))
    html = client.get(reverse("home")).content.decode()
    assert figures(html) == {
        "notices recorded": "4",
        "on the public register today": "2",
        "waiting for a decision": "1",
        "changes due in the next 14 days": "1",
        "deadlines missed in the last 90 days": "1",
    }
    assert f'href="{reverse("register:due")}"' in html
    assert f'href="{reverse("register:new-notice")}"' in html


def test_an_officer_records_and_a_user_without_a_service_is_told_why_nothing_shows(client, service):
    client.force_login(make_user(Role.PROTECTION_OFFICER, agency=service))
    html = client.get(reverse("home")).content.decode()
    assert "deadlines missed" not in html and f'href="{reverse("register:due")}"' not in html
    assert figures(html)["notices recorded"] == "4"
    client.force_login(make_user(Role.PROTECTION_OFFICER))
    assert "not linked to a fire and rescue service" in client.get(reverse("home")).content.decode()
