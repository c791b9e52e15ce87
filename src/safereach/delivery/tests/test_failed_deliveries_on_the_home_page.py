"""The administrator's home page says when visit changes did not reach a case system, and
links to them."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.models import Visit
from safereach.delivery.models import CaseSystem, WebhookDelivery
from safereach.delivery.tests.factories import make_visit
from safereach.delivery.webhooks import pass_on


def test_failed_deliveries_are_pointed_out(client, county):
    client.force_login(make_user(Role.ADMINISTRATOR, agency=county["fire"]))
    page = client.get(reverse("home")).content.decode()
    assert "did not reach a case system" not in page
    assert reverse("admin:delivery_casesystem_changelist") in page

    now = timezone.now()
    CaseSystem.objects.create(
        agency=county["fire"],
        name="CFRMIS",
        url="https://cfrmis.example/",
        events=["visit.booked"],
        created_at=now - timedelta(days=1),
    )
    make_visit(county, timezone.localdate() + timedelta(days=5), status=Visit.Status.HELD).confirm(now)
    pass_on(now)
    WebhookDelivery.objects.update(state=WebhookDelivery.State.FAILED)

    page = client.get(reverse("home")).content.decode()
    assert "1 visit change did not reach a case system within a day" in page
    assert f"{reverse('admin:delivery_webhookdelivery_changelist')}?state__exact=failed" in page
