"""Visit changes reach the case systems that asked for them as signed webhooks, against a real
HTTP server on loopback; time is driven through `now`, never slept."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safereach.bookings.models import Visit, VisitChange
from safereach.delivery.models import CaseSystem, WebhookDelivery
from safereach.delivery.tests.factories import make_visit
from safereach.delivery.tests.receiver import Receiver
from safereach.delivery.webhooks import BACKOFF, TRYING_FOR, send_again, send_due

ALL = [kind for kind, _ in VisitChange.Kind.choices]

pytestmark = pytest.mark.django_db(transaction=True)  # the receiver answers from its own thread


@pytest.fixture
def booked(county):
    """A visit a fortnight ahead, held and not yet confirmed."""
    day = timezone.localdate() + timedelta(days=14)
    return make_visit(county, day, status=Visit.Status.HELD)


def case_system(county, url, events=ALL, **extra):
    return CaseSystem.objects.create(agency=county["fire"], name="CFRMIS", url=url, events=events, **extra)


def test_a_booked_visit_arrives_signed_with_a_cloudevents_body(county, booked, settings):
    settings.SAFEREACH_SITE_URL = "https://safereach.example"
    system = case_system(county, "http://127.0.0.1:1/")
    receiver = Receiver(system.signing_secrets(timezone.now()), check_time=True)
    system.url = receiver.url
    system.save()
    try:
        booked.confirm()
        counts = send_due()
    finally:
        receiver.stop()

    assert counts["delivered"] == 1 and receiver.refused == []
    [got] = receiver.accepted
    event = got["event"]
    assert event["type"] == "visit.booked" and event["specversion"] == "1.0"
    assert event["subject"] == str(county["school"].urn)
    assert event["source"] == "https://safereach.example"
    change = VisitChange.objects.get()
    assert event["id"] == str(change.event_id) and got["id"] == f"msg_{change.event_id.hex}"
    data = event["data"]
    assert data["reference"] == booked.reference and data["school_name"] == "Oakfield Primary School"
    assert data["officer"] == "Owen Jones" and data["status"] == "confirmed" and data["outcome"] is None
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "delivered" and delivery.attempts == 1
    assert delivery.attempts_made.get().status_code == 204


def test_a_receiver_down_for_an_hour_loses_nothing_and_gets_each_visits_changes_in_order(county, booked):
    now = timezone.now()
    receiver = Receiver([])
    system = case_system(county, receiver.url, created_at=now - timedelta(days=1))
    receiver.secrets = system.signing_secrets(now)
    port = receiver.port
    booked.confirm(now)
    send_due(now)
    assert receiver.kinds == ["visit.booked"]

    receiver.stop()  # down: connections are refused
    booked.move(
        booked.officer, booked.starts_at + timedelta(days=1), booked.ends_at + timedelta(days=1), now=now
    )
    booked.cancel(now=now + timedelta(minutes=1))
    minute = timedelta(minutes=1)
    for m in range(60):
        send_due(now + m * minute)
    waiting = WebhookDelivery.objects.filter(state="waiting")
    assert waiting.count() == 2
    moved = waiting.get(change__kind="visit.moved")
    assert moved.attempts >= 4 and "refused" in moved.last_error.lower()
    assert waiting.get(change__kind="visit.cancelled").attempts == 0, "waits behind the visit's move"

    receiver = Receiver(receiver.secrets, port=port)  # up again, an hour later
    try:
        m = 60
        while WebhookDelivery.objects.filter(state="waiting").exists() and m < 6 * 60:
            send_due(now + m * minute)
            m += 1
    finally:
        receiver.stop()

    assert receiver.kinds == ["visit.moved", "visit.cancelled"] and receiver.refused == []
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"delivered"}
    assert m - 60 <= 60, "the next try after the hour comes within the hour"
    log = list(moved.attempts_made.order_by("at").values_list("status_code", flat=True))
    assert log[-1] == 204 and set(log[:-1]) == {None}


def test_tries_grow_apart_for_a_day_then_fail_and_can_be_sent_again(county, booked):
    now = timezone.now()
    receiver = Receiver([], answer=503)
    system = case_system(county, receiver.url, created_at=now - timedelta(days=1))
    receiver.secrets = system.signing_secrets(now)
    try:
        booked.confirm(now)
        t = now
        while not WebhookDelivery.objects.filter(state="failed").exists() and t < now + 2 * TRYING_FOR:
            send_due(t)
            # On to the next try, a minute at a time when it is far off.
            t = min(
                max(t + timedelta(seconds=1), WebhookDelivery.objects.get().next_attempt_at),
                t + timedelta(hours=1),
            )
        delivery = WebhookDelivery.objects.get()
        assert delivery.state == "failed" and "503" in delivery.last_error
        tried = list(delivery.attempts_made.order_by("at").values_list("at", flat=True))
        gaps = [b - a for a, b in zip(tried, tried[1:])]
        assert gaps == sorted(gaps) and gaps[0] == BACKOFF[0], "each wait as long or longer"
        assert tried[-1] - tried[0] <= TRYING_FOR < tried[-1] - tried[0] + BACKOFF[-1]
        send_due(t + timedelta(days=3))
        assert delivery.attempts_made.count() == len(tried), "a failed delivery is not tried by itself"

        receiver.answer = 200
        assert send_again(WebhookDelivery.objects.all(), now=t) == 1
        send_due(t)
    finally:
        receiver.stop()
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and receiver.kinds == ["visit.booked"]


def test_only_the_changes_asked_for_and_only_the_agencys_own(county, booked):
    now = timezone.now()
    receiver = Receiver([])
    ours = case_system(county, receiver.url, events=["visit.cancelled"], created_at=now - timedelta(days=1))
    police = CaseSystem.objects.create(
        agency=county["police"],
        name="Niche",
        url=receiver.url,
        events=ALL,
        created_at=now - timedelta(days=1),
    )
    receiver.secrets = ours.signing_secrets(now) + police.signing_secrets(now)
    try:
        booked.confirm(now)
        booked.cancel(now)
        send_due(now)
    finally:
        receiver.stop()
    assert receiver.kinds == ["visit.cancelled"]
    assert not WebhookDelivery.objects.filter(case_system=police).exists()


def test_a_rotated_secret_signs_beside_the_new_one_for_a_day(county, booked):
    now = timezone.now()
    system = case_system(county, "http://127.0.0.1:1/", created_at=now - timedelta(days=1))
    old = system.signing_secrets(now)
    new = system.rotate_secret(now).secret
    receiver = Receiver([new])  # the case system has switched over already
    system.url = receiver.url
    system.save()
    try:
        booked.confirm(now)
        send_due(now)
        both = receiver.accepted[0]["signatures"]
        booked.cancel(now + timedelta(days=2))
        send_due(now + timedelta(days=2))
        after = receiver.accepted[1]["signatures"]
    finally:
        receiver.stop()
    assert len(both) == 2 and len(after) == 1
    assert old[0] != new
    assert set(system.signing_secrets(now + timedelta(days=2))) == {new}


def test_a_receiver_that_cannot_check_the_signature_refuses_and_it_is_tried_again(county, booked):
    now = timezone.now()
    receiver = Receiver(["whsec_" + "A" * 43 + "="])  # not the secret SafeReach was given
    case_system(county, receiver.url, created_at=now - timedelta(days=1))
    try:
        booked.confirm(now)
        send_due(now)
    finally:
        receiver.stop()
    delivery = WebhookDelivery.objects.get()
    assert receiver.refused == ["no good signature"] and receiver.accepted == []
    assert delivery.state == "waiting" and delivery.attempts_made.get().status_code == 401


def test_changes_before_a_case_system_was_set_up_are_not_sent(county, booked):
    now = timezone.now()
    booked.confirm(now - timedelta(hours=1))
    case_system(county, "http://127.0.0.1:1/", created_at=now)
    assert send_due(now) == {"delivered": 0, "tried again later": 0, "failed": 0}
    assert not WebhookDelivery.objects.exists()
    assert VisitChange.objects.get().passed_on_at == now
