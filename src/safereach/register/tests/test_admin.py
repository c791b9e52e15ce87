"""The register in the admin: administrators may look, nobody may change or delete an event."""

import pytest
from django.urls import reverse

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.register.rules import EventKind
from safereach.register.tests.factories import fire_service, happened, served
from safereach.register.tests.states import ago

pytestmark = pytest.mark.django_db


def test_administrators_see_notices_and_events_but_change_nothing(client, register_today):
    fire = fire_service()
    notice = served(fire, ago(40))
    event = happened(notice, EventKind.COMPLIED, ago(2))
    client.force_login(make_user(Role.ADMINISTRATOR, agency=fire))
    for name, pk in (("registernotice", notice.pk), ("noticeevent", event.pk)):
        assert client.get(reverse(f"admin:register_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:register_{name}_change", args=[pk])).status_code == 200
        deleting = client.post(reverse(f"admin:register_{name}_delete", args=[pk]), {"post": "yes"})
        assert deleting.status_code == 403
    assert client.get(reverse("admin:register_noticeevent_add")).status_code == 403
    assert notice.events.count() == 2
