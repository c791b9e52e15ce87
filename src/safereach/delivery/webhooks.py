"""Sending visit changes to case systems as webhooks, from the outbox (bookings.VisitChange).

Each change is passed on once: a WebhookDelivery for every active case system of the visit's
agency that asked for that kind of change. A delivery is posted as a CloudEvents-style JSON
body, signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`,
`webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one signature for each
secret in use, so a secret can be rotated without a gap). A receiver that answers 2xx has it;
anything else is tried again after a growing wait, for a day, then the delivery is failed
and waits for an administrator to send it again. A visit's changes reach a case system in the
order they happened: a change waits while an earlier one for the same visit is still waiting.

Everything takes `now`, so tests drive a day of retries without sleeping; the periodic task
(delivery.tasks) passes the clock's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from safereach.bookings.models import VisitChange
from safereach.core.database import when_unlocked
from safereach.delivery.models import CaseSystem, WebhookAttempt, WebhookDelivery

# Waits after the 1st, 2nd, … failed try; the last repeats. Tries stop a day after the first.
BACKOFF = [
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=4),
    timedelta(hours=8),
]
TRYING_FOR = timedelta(days=1)
# A try that is under way holds its delivery this long: a sender that dies mid-way leaves it
# to be tried again, and two senders never post it at once.
CLAIMED_FOR = timedelta(minutes=5)
TIMEOUT_SECONDS = 10


def source() -> str:
    return settings.SAFEREACH_SITE_URL or "safereach"


def event(change: VisitChange) -> dict:
    """The CloudEvents-style body of one change."""
    return {
        "specversion": "1.0",
        "id": str(change.event_id),
        "source": source(),
        "type": change.kind,
        "subject": str(change.job["school_urn"]),
        "time": change.occurred_at.isoformat(),
        "datacontenttype": "application/json",
        "data": change.job,
    }


def sign(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature header: `v1,<signature>` for each secret, space-separated."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    signatures = []
    for secret in secrets:
        key = base64.b64decode(secret.removeprefix("whsec_"))
        digest = hmac.new(key, signed, hashlib.sha256).digest()
        signatures.append("v1," + base64.b64encode(digest).decode())
    return " ".join(signatures)


def message_id(change: VisitChange) -> str:
    """The same for every try of a change, so a receiver can tell a repeat."""
    return f"msg_{change.event_id.hex}"


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer at all
    text: str = ""
    error: str = ""

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer of its own, not accepted


def post(url: str, body: bytes, headers: dict) -> Answer:
    """POST over HTTP(S); every outcome becomes an Answer, never an exception."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Answer(response.status, response.read(500).decode(errors="replace"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(500).decode(errors="replace"), f"answered {error.code}")
    except (OSError, ValueError) as error:  # refused, timed out, unreachable, bad address
        return Answer(None, "", str(getattr(error, "reason", error))[:500] or type(error).__name__)


# Passing changes on --------------------------------------------------------------------------


def pass_on(now=None, batch: int = 500) -> int:
    """Make the deliveries of changes not yet passed on; returns how many changes."""
    now = now or timezone.now()
    return when_unlocked(lambda: _pass_on(now, batch))


def _pass_on(now, batch: int) -> int:
    with transaction.atomic():
        # Locked for this sender (another skips them on PostgreSQL; SQLite lets one writer in).
        changes = list(
            VisitChange.objects.select_for_update(skip_locked=True)
            .filter(passed_on_at__isnull=True)
            .order_by("pk")[:batch]
        )
        if not changes:
            return 0
        systems: dict[int, list[CaseSystem]] = {}
        for system in CaseSystem.objects.filter(agency__in={c.agency_id for c in changes}, is_active=True):
            systems.setdefault(system.agency_id, []).append(system)
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(change=change, case_system=system, next_attempt_at=now)
                for change in changes
                for system in systems.get(change.agency_id, [])
                if change.kind in (system.events or []) and system.created_at <= change.occurred_at
            ],
            ignore_conflicts=True,
        )
        VisitChange.objects.filter(pk__in=[c.pk for c in changes]).update(passed_on_at=now)
    return len(changes)


# Sending ---------------------------------------------------------------------------------------


def due(now):
    """Deliveries waiting whose time has come, oldest change first, each behind any earlier
    change of the same visit still waiting for the same case system."""
    earlier = WebhookDelivery.objects.filter(
        case_system=OuterRef("case_system"),
        change__visit=OuterRef("change__visit"),
        change__pk__lt=OuterRef("change__pk"),
        state=WebhookDelivery.State.WAITING,
    )
    return (
        WebhookDelivery.objects.filter(state=WebhookDelivery.State.WAITING, next_attempt_at__lte=now)
        .filter(~Exists(earlier))
        .select_related("change", "case_system")
        .prefetch_related("case_system__secrets")
        .order_by("change__pk", "pk")
    )


def send_due(now=None, send=post, batch: int = 200) -> dict[str, int]:
    """Pass on new changes, then try every delivery that is due; returns counts by result."""
    now = now or timezone.now()
    while pass_on(now):
        pass
    counts = {"delivered": 0, "tried again later": 0, "failed": 0}
    for delivery in due(now)[:batch]:
        result = attempt(delivery, now, send)
        if result:
            counts[result] += 1
    return counts


def attempt(delivery: WebhookDelivery, now, send=post) -> str | None:
    """One try of one delivery; returns what came of it, or None if another sender has it."""
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=WebhookDelivery.State.WAITING, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=now + CLAIMED_FOR)
    if not claimed:
        return None
    change, system = delivery.change, delivery.case_system
    body = json.dumps(event(change), separators=(",", ":")).encode()
    timestamp = int(now.timestamp())
    headers = {
        "content-type": "application/json",
        "user-agent": "SafeReach-Webhooks/1",
        "webhook-id": message_id(change),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(system.signing_secrets(now), message_id(change), timestamp, body),
    }
    answer = send(system.url, body, headers)
    first = delivery.first_attempt_at or now
    tries = delivery.attempts + 1
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            at=now,
            status_code=answer.status,
            error="" if answer.accepted else (answer.error or f"answered {answer.status}")[:500],
            response=answer.text[:500],
        )
        if answer.accepted:
            fields = dict(state=WebhookDelivery.State.DELIVERED, delivered_at=now, last_error="")
            result = "delivered"
        else:
            wait = BACKOFF[min(tries, len(BACKOFF)) - 1]
            gives_up = now + wait > first + TRYING_FOR
            fields = dict(
                state=WebhookDelivery.State.FAILED if gives_up else WebhookDelivery.State.WAITING,
                next_attempt_at=now + wait,
                last_error=(answer.error or f"answered {answer.status}")[:500],
            )
            result = "failed" if gives_up else "tried again later"
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempts=tries, first_attempt_at=first, **fields
        )
    return result


def send_again(deliveries, now=None) -> int:
    """An administrator's "Send again": failed deliveries wait to be sent at once, with
    another day of tries. Returns how many."""
    now = now or timezone.now()
    return deliveries.filter(state=WebhookDelivery.State.FAILED).update(
        state=WebhookDelivery.State.WAITING, next_attempt_at=now, first_attempt_at=None, last_error=""
    )
