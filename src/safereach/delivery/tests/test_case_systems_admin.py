"""An administrator sets up a case system in the admin, sees failed deliveries and sends them
again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.models import Visit
from safereach.delivery.models import CaseSystem, WebhookDelivery
from safereach.delivery.tests.factories import make_visit
from safereach.delivery.webhooks import pass_on

ADD = reverse("admin:delivery_casesystem_add")
NO_SECRETS_TYPED = {"secrets-TOTAL_FORMS": "0", "secrets-INITIAL_FORMS": "0"}


@pytest.fixture
def administrator(client, county):
    user = make_user(Role.ADMINISTRATOR, agency=county["fire"])
    client.force_login(user)
    return user


def test_an_administrator_sets_up_a_case_system_and_it_gets_a_secret(client, county, administrator):
    response = client.post(
        ADD,
        {
            "agency": county["fire"].pk,
            "name": "CFRMIS",
            "url": "https://cfrmis.example/hooks",
            "events": ["visit.booked", "visit.delivered"],
            "is_active": "on",
            **NO_SECRETS_TYPED,
        },
    )
    assert response.status_code == 302
    system = CaseSystem.objects.get()
    assert system.events == ["visit.booked", "visit.delivered"]
    [secret] = system.signing_secrets(timezone.now())
    assert secret.startswith("whsec_")
    page = client.get(reverse("admin:delivery_casesystem_change", args=[system.pk])).content.decode()
    assert secret in page, "shown, to give to the case system"


def test_a_bad_address_or_no_events_is_refused_and_nothing_saved(client, county, administrator):
    response = client.post(
        ADD, {"agency": county["fire"].pk, "name": "CFRMIS", "url": "not an address", **NO_SECRETS_TYPED}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the address the case system gave" in page
    assert "Select at least one kind of change to send" in page
    assert 'value="CFRMIS"' in page, "what was typed is kept"
    assert not CaseSystem.objects.exists()


def test_failed_deliveries_are_shown_and_sent_again(client, county, administrator):
    now = timezone.now()
    CaseSystem.objects.create(
        agency=county["fire"],
        name="CFRMIS",
        url="http://127.0.0.1:1/",
        events=["visit.booked"],
        created_at=now - timedelta(days=1),
    )
    visit = make_visit(county, timezone.localdate() + timedelta(days=7), status=Visit.Status.HELD)
    visit.confirm(now)
    pass_on(now)
    WebhookDelivery.objects.update(state="failed", attempts=10, last_error="Connection refused")
    delivery = WebhookDelivery.objects.get()

    listing = client.get(reverse("admin:delivery_casesystem_changelist")).content.decode()
    assert "1 failed" in listing
    page = client.get(reverse("admin:delivery_webhookdelivery_change", args=[delivery.pk])).content.decode()
    assert 'name="_send_again"' in page and "Connection refused" in page and "visit.booked" in page

    send_again = reverse("admin:delivery_webhookdelivery_send_again", args=[delivery.pk])
    assert f'formaction="{send_again}"' in page
    assert client.get(send_again).status_code == 403, "a link followed changes nothing"
    client.post(send_again)
    delivery.refresh_from_db()
    assert delivery.state == "waiting" and delivery.first_attempt_at is None

    WebhookDelivery.objects.update(state="failed")
    client.post(
        reverse("admin:delivery_webhookdelivery_changelist"),
        {"action": "send_failed_again", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert delivery.state == "waiting"
