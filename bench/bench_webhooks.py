"""Sending visit changes to a case system: what the outbox sender costs over the bare POST.

300 confirmed visits each leave a `visit.booked` change in the outbox; the sender passes them
on (one delivery each to one case system) and posts them, signed, to a receiver on loopback
that answers 204, recording every try. The baseline, in the same run, posts the same 300
bodies to the same receiver with the same HTTP client and nothing else. Five rounds of each;
medians of the milliseconds per change, and their ratio.
"""

import statistics
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from common import report, setup_django, timed

CHANGES, ROUNDS = 300, 5


class Quiet(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def main() -> None:
    setup_django()
    from django.utils import timezone

    from safereach.bookings.models import Visit, VisitChange
    from safereach.bookings.tests.factories import make_county
    from safereach.delivery.models import CaseSystem, WebhookAttempt, WebhookDelivery
    from safereach.delivery.webhooks import event, post, send_due

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"

    county = make_county()
    now = timezone.now()
    CaseSystem.objects.create(
        agency=county["fire"],
        name="Bench",
        url=url,
        events=["visit.booked"],
        created_at=now - timedelta(days=1),
    )
    start = now + timedelta(days=30)
    for i in range(CHANGES):
        Visit.objects.book(
            school=county["school"],
            session=county["home_fire"],
            officer=county["owen"],
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i, minutes=45),
        )
    bodies = [str(event(c)).encode() for c in VisitChange.objects.all()]

    sender, bare = [], []
    for _ in range(ROUNDS):
        WebhookAttempt.objects.all().delete()
        WebhookDelivery.objects.all().delete()
        VisitChange.objects.update(passed_on_at=None)
        with timed() as t:
            while (
                WebhookDelivery.objects.filter(state="waiting").exists()
                or not WebhookDelivery.objects.exists()
            ):
                send_due(now)
        assert WebhookDelivery.objects.filter(state="delivered").count() == CHANGES
        sender.append(t["seconds"] * 1000 / CHANGES)
        with timed() as t:
            for body in bodies:
                assert post(url, body, {"content-type": "application/json"}).accepted
        bare.append(t["seconds"] * 1000 / CHANGES)
    server.shutdown()

    figures = {
        "changes": CHANGES,
        "rounds": ROUNDS,
        "sender_ms_per_change_median": round(statistics.median(sender), 2),
        "bare_post_ms_per_change_median": round(statistics.median(bare), 2),
        "ratio_sender_to_bare_post": round(statistics.median(sender) / statistics.median(bare), 2),
    }
    report(
        "webhooks",
        figures,
        [
            f"{CHANGES} changes, {ROUNDS} rounds (medians)",
            f"outbox sender: {figures['sender_ms_per_change_median']} ms a change "
            "(pass on, claim, sign, POST, log, mark)",
            f"bare POST:     {figures['bare_post_ms_per_change_median']} ms a change",
            f"ratio:         {figures['ratio_sender_to_bare_post']}",
        ],
    )


if __name__ == "__main__":
    main()
