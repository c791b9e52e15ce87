"""Two schools booking the same officer's time at once: exactly one gets it.

Real threads, each with its own database connection, run the booking service at the same
moment. CI runs this module on SQLite and again on PostgreSQL.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from safereach.bookings import services
from safereach.bookings.models import Booking, Visit
from safereach.bookings.offers import offers_for
from safereach.bookings.tests.factories import make_county, quiet_monday
from safereach.schools.models import School

pytestmark = pytest.mark.django_db(transaction=True)


def race(bookings, choices_for):
    """Start every booking together; returns what each lost (empty list: it won)."""
    barrier = threading.Barrier(len(bookings))
    results, errors = {}, []

    def run(booking):
        try:
            if connection.vendor == "sqlite":
                # The test database is SQLite in memory, shared between threads through a shared
                # cache, where a reader waits on a writer's table lock and fails at once. The real
                # database file runs in WAL mode, where readers never wait for writers; this is the
                # shared cache's way to the same. Writers still take turns.
                connection.cursor().execute("PRAGMA read_uncommitted = 1")
            barrier.wait()
            results[booking.pk] = services.hold(booking, choices_for(booking), "http://testserver")
        except Exception as exc:  # noqa: BLE001 - reported by the test, not swallowed
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(b,)) for b in bookings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)  # generous for a busy machine: each ends as soon as its school has its answer
    assert not any(t.is_alive() for t in threads), "a school never had an answer"
    assert errors == []
    return results


def new_booking(school, monday, session):
    booking = Booking.objects.create(
        school=school,
        contact_name="Head",
        contact_email=f"head@{school.urn}.sch.uk",
        dates_from=monday,
        dates_to=monday,
        pupils=25,
    )
    booking.sessions.add(session)
    return booking


def test_the_same_slot_at_once_one_wins_the_other_is_offered_fresh_times():
    county = make_county()
    monday = quiet_monday()
    schools = [county["school"]] + [
        School.objects.create(
            urn=700000 + i, name=f"School {i}", la_code="881", lon=0.47 + i / 1000, lat=51.74
        )
        for i in range(5)
    ]
    bookings = [new_booking(s, monday, county["home_fire"]) for s in schools]
    # Everyone chooses the same offered time.
    offer = offers_for(bookings[0], county["home_fire"])[0]
    choice = services.Choice(county["home_fire"], offer.officer.pk, offer.slot.day, offer.slot.start)

    results = race(bookings, lambda b: [choice])

    winners = [pk for pk, lost in results.items() if not lost]
    assert len(results) == len(bookings) and len(winners) == 1
    live = Visit.objects.filter(status__in=Visit.LIVE)
    assert live.count() == 1 and live.get().booking_id == winners[0]
    loser = Booking.objects.exclude(pk=winners[0]).first()
    assert loser.status == Booking.Status.REQUESTED  # nothing held, free to choose again
    fresh = offers_for(loser, county["home_fire"])
    assert fresh and all((o.officer.pk, o.starts_at) != (offer.officer.pk, offer.starts_at) for o in fresh)


def test_overlapping_times_for_one_officer_at_once_never_double_book():
    county = make_county()
    monday = quiet_monday()
    owen = county["owen"]
    schools = [
        School.objects.create(
            urn=710000 + i, name=f"School {i}", la_code="881", lon=0.4691 + i / 2000, lat=51.7356
        )
        for i in range(6)
    ]
    bookings = [new_booking(s, monday, county["home_fire"]) for s in schools]

    def first_offer_for_owen(booking):
        # Each school takes Owen's first time on the Monday as it read the diary before the race.
        offer = next(
            o
            for o in offers_for(booking, county["home_fire"], count=50)
            if o.officer == owen and o.slot.day == monday
        )
        return [services.Choice(county["home_fire"], owen.pk, monday, offer.slot.start)]

    choices = {b.pk: first_offer_for_owen(b) for b in bookings}
    race(bookings, lambda b: choices[b.pk])

    visits = list(Visit.objects.filter(officer=owen, status__in=Visit.LIVE).order_by("starts_at"))
    assert len(visits) >= 1
    for a, b in zip(visits, visits[1:]):
        assert a.ends_at <= b.starts_at, "two visits of one officer overlap"
    assert len(visits) <= owen.max_visits_per_day
