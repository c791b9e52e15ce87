"""The public register's feed and the protection manager's page for a large service.

2,000 notices served over four years (a generous size for one fire and rescue service's
register, which keeps each entry three years), each with what happened to it: about a fifth
appealed, half complied, some extended, withdrawn or claimed as trade secrets. Measured, median
of five:

- the CSV feed of everything on the register today, through Django's test client: every
  entry worked out from its events by `rules`;
- beside it, the floor: the same notices read from the database and written as CSV with no
  rules at all (values_list + csv.writer), in the same run;
- the manager's page of what is owed (every notice's standing and deadlines);
- a search of the register by a word in the name.
"""

import csv
import io
import statistics
import sys
from datetime import date, datetime, time, timedelta

import numpy as np

from common import report, setup_django, timed

NOTICES, RUNS = 2000, 5
TODAY = date(2027, 3, 1)


def build(rng):
    from django.utils import timezone

    from safereach.accounts.models import Agency, Role, User
    from safereach.register import rules
    from safereach.register.models import NoticeEvent, RegisterNotice
    from safereach.register.rules import EventKind

    agency = Agency.objects.create(name="Benchshire Fire and Rescue Service", kind="fire_rescue",
                                   slug="benchshire-fire")
    manager = User.objects.create_user(email="manager@bench.example", password=None,
                                       roles=[Role.PROTECTION_MANAGER], agency=agency)

    def at(day):
        return timezone.make_aware(datetime.combine(day, time(10)))

    notices = []
    for k in range(NOTICES):
        served = TODAY - timedelta(days=int(rng.integers(1, 4 * 365)))
        notices.append(RegisterNotice(
            agency=agency, number=f"BFRS/{k:05d}", kind=["enforcement", "prohibition", "alterations"][k % 3],
            recipient=f"Company {k} Ltd", premises_name=f"Premises {k}", address=f"{k} High Street",
            postcode="CM1 1AA", premises_type="hotel", served_on=served,
            compliance_date=served + timedelta(days=60) if k % 3 != 2 else None,
            articles=[{"article": 9, "finding": "risk assessment not suitable"}],
            lat=51.7 + rng.uniform(-0.2, 0.2), lon=0.45 + rng.uniform(-0.3, 0.3)))
    RegisterNotice.objects.bulk_create(notices, batch_size=1000)
    events = []
    for n in RegisterNotice.objects.all():
        served = n.served_on
        events.append(NoticeEvent(notice=n, kind=EventKind.SERVED, on=served, recorded_at=at(served)))

        def later(days, served=n.served_on):
            return min(served + timedelta(days=days), TODAY)

        if rng.random() < 0.2 and later(10) < TODAY:
            events.append(NoticeEvent(notice=n, kind=EventKind.APPEAL_LODGED, on=later(10),
                                      recorded_at=at(later(11))))
            if later(90) < TODAY:
                events.append(NoticeEvent(notice=n, kind=EventKind.APPEAL_DECIDED, on=later(90),
                                          recorded_at=at(later(92)), outcome="upheld"))
        if n.kind != "alterations" and rng.random() < 0.5 and later(70) < TODAY:
            events.append(NoticeEvent(notice=n, kind=EventKind.COMPLIED, on=later(70),
                                      recorded_at=at(later(int(rng.integers(70, 80))))))
        elif n.kind != "alterations" and rng.random() < 0.2 and later(50) < TODAY:
            extended_to = later(50) + timedelta(days=60)
            events.append(NoticeEvent(notice=n, kind=EventKind.EXTENDED, on=later(50),
                                      recorded_at=at(later(52)), compliance_date=extended_to))
        if rng.random() < 0.05 and later(30) < TODAY:
            events.append(NoticeEvent(notice=n, kind=EventKind.WITHDRAWN, on=later(30),
                                      recorded_at=at(later(33))))
        if rng.random() < 0.03:
            events.append(NoticeEvent(notice=n, kind=EventKind.TRADE_SECRET_CLAIMED, on=later(5),
                                      recorded_at=at(later(6))))
    NoticeEvent.objects.bulk_create(events, batch_size=2000)
    changed = []
    for n in RegisterNotice.objects.prefetch_related("events"):
        n.public_from = rules.first_day_public(n.as_rules(list(n.events.all())))
        changed.append(n)
    RegisterNotice.objects.bulk_update(changed, ["public_from"], batch_size=1000)
    return manager, len(events)


def floor_csv() -> str:
    """The same notices, with no rules: the cheapest CSV of them there can be."""
    from safereach.register.models import RegisterNotice

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(RegisterNotice.objects.filter(public_from__lte=TODAY).values_list(
        "public_id", "number", "recipient", "premises_name", "address", "postcode", "premises_type", "kind",
        "served_on", "compliance_date", "lat", "lon"))
    return out.getvalue()


def median_seconds(work) -> float:
    times = []
    for _ in range(RUNS):
        with timed() as t:
            work()
        times.append(t["seconds"])
    return statistics.median(times)


def main() -> int:
    setup_django()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SAFEREACH_REGISTER = {**settings.SAFEREACH_REGISTER, "TODAY": TODAY}
    manager, events = build(np.random.default_rng(15))
    client = Client()
    feed = client.get("/register/feeds/entries.csv")
    assert feed.status_code == 200
    entries = feed.content.decode().count("\n") - 1
    feed_s = median_seconds(lambda: client.get("/register/feeds/entries.csv"))
    floor_s = median_seconds(floor_csv)
    search_s = median_seconds(lambda: client.get("/register/", {"q": "Premises 12"}))
    client.force_login(manager)
    assert client.get("/register/manage/due/").status_code == 200
    due_s = median_seconds(lambda: client.get("/register/manage/due/"))
    figures = {
        "notices": NOTICES, "events": events, "entries_published": entries,
        "csv_feed_seconds_median": round(feed_s, 3), "floor_csv_seconds_median": round(floor_s, 3),
        "feed_over_floor": round(feed_s / floor_s, 1),
        "search_seconds_median": round(search_s, 3), "due_page_seconds_median": round(due_s, 3),
    }
    report("register", figures, [
        f"{NOTICES:,} notices, {events:,} events, {entries:,} on the register on {TODAY}",
        f"CSV feed of the register: {feed_s:.3f} s median of {RUNS}; the same rows with no rules "
        f"{floor_s:.3f} s ({feed_s / floor_s:.1f}x)",
        f"search by name: {search_s:.3f} s; the manager's page of what is owed: {due_s:.3f} s",
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
