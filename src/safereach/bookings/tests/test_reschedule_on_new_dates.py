"""Rescheduling never offers the time the school already has (with its officer or another), and
lets the school give new dates when none of its first suits."""

from datetime import time, timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safereach.bookings.models import Visit
from safereach.bookings.tests.test_book_a_session import book, link_in
from safereach.workforce.tests.factories import make_officer


def confirmed_visit(client, county):
    _, _, booking = book(client, county)
    client.post(link_in(mail.outbox[0], "confirm"))
    manage = link_in(mail.outbox[1], "manage")
    visit = Visit.objects.get()
    return booking, visit, reverse("bookings:reschedule", args=[manage.split("/")[3], visit.pk])


def test_the_same_time_with_another_officer_is_never_offered(client, county):
    # A second officer at Owen's station: free at exactly the time the school has with Owen.
    twin = make_officer(
        county["fire"], "Olive Twin", base=county["station"], day_starts=time(8, 30), day_ends=time(16, 30),
        max_visits_per_day=3,
    )
    twin.sessions.add(county["home_fire"])
    booking, visit, url = confirmed_visit(client, county)

    offers = client.get(url).context["offers"]

    assert offers
    now = timezone.localtime(visit.starts_at)
    assert all(o.starts_at != now for o in offers), [(o.officer.name, o.starts_at) for o in offers]


def test_the_school_gives_new_dates_and_moves_the_visit_to_them(client, county):
    booking, visit, url = confirmed_visit(client, county)
    later = booking.dates_to + timedelta(days=21)
    later -= timedelta(days=later.weekday())  # a Monday three weeks on
    dates = {"dates_from": later.isoformat(), "dates_to": (later + timedelta(days=4)).isoformat()}

    page = client.get(url, dates)

    offers = page.context["offers"]
    assert offers and all(later <= o.slot.day <= later + timedelta(days=4) for o in offers)
    key = f"session_{visit.session_id}"
    query = f"?dates_from={dates['dates_from']}&dates_to={dates['dates_to']}"
    response = client.post(url + query, {key: offers[0].key})

    assert response.status_code == 302
    visit.refresh_from_db()
    assert timezone.localtime(visit.starts_at).date() == offers[0].slot.day
    booking.refresh_from_db()
    assert (later, later + timedelta(days=4)) in booking.date_ranges


def test_bad_new_dates_are_refused_beside_the_fields(client, county):
    booking, visit, url = confirmed_visit(client, county)
    first_offers = client.get(url).context["offers"]

    page = client.get(url, {"dates_from": "9999-12-31", "dates_to": "2027-01-01"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html and 'href="#id_dates_from"' in html
    assert "The first day must be before" in html
    assert [o.key for o in page.context["offers"]] == [o.key for o in first_offers]
    page = client.get(url, {"dates_from": "31 February", "dates_to": ""})
    assert "Enter the first day as a real date" in page.content.decode()
    assert "Enter the last day that suits" in page.content.decode()
