"""Recording an outcome is a change case systems hear of, with the outcome, in the same
transaction as the outcome itself."""

from unittest import mock

import pytest
from django.urls import reverse

from safereach.bookings.models import VisitChange
from safereach.delivery.models import VisitOutcome
from safereach.delivery.tests.factories import last_week, make_visit


@pytest.fixture
def visit(county):
    return make_visit(county, last_week())


def record(client, visit, **answers):
    data = {"delivered": "yes", "pupils_3": "", "pupils_4": "", "pupils_5": "28", "pupils_6": ""}
    return client.post(reverse("delivery:outcome", args=[visit.pk]), {**data, **answers})


def test_delivered_then_changed_to_not_delivered(client, county, visit):
    client.force_login(county["owen"].user)
    record(client, visit)
    record(client, visit, delivered="no", reason="school_closed")

    first, second = VisitChange.objects.order_by("pk")
    assert first.kind == "visit.delivered" and second.kind == "visit.not_delivered"
    assert first.job["outcome"] == {
        "delivered": True,
        "pupils_reached": 28,
        "pupils_by_year_group": {"Year 5": 28},
        "reason": "",
    }
    assert second.job["outcome"]["reason"] == "the school was closed"
    assert second.job["reference"] == visit.reference and second.agency == county["fire"]


def test_no_outbox_row_no_outcome(client, county, visit):
    client.force_login(county["owen"].user)
    with mock.patch.object(VisitChange.objects, "create", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            record(client, visit)
    assert not VisitOutcome.objects.exists() and not VisitChange.objects.exists()
