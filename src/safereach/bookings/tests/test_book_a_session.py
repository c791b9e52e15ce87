"""A school contact books a session end to end through the test client, with no password."""

import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from safereach.bookings.calendar_days import is_bank_holiday
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import quiet_monday, request_data


def link_in(message, name):
    return re.search(rf"http://testserver(/book/{name}/[^\s]+/)", message.body).group(1)


def book(client, county, **extra):
    """Request, see the offered times, choose the first; returns the times page and the booking."""
    response = client.post(
        reverse("bookings:request", args=[county["school"].urn]), request_data(county, **extra)
    )
    assert response.status_code == 302, response.context["form"].errors
    times_url = response["Location"]
    page = client.get(times_url)
    field = page.context["form"][f"session_{county['home_fire'].pk}"]
    first = field.field.choices[0][0]
    response = client.post(times_url, {field.html_name: first})
    return page, response, Booking.objects.get()


def test_find_the_school_by_name_urn_or_postcode(client, county):
    for q in ["oakfield", "123456", "CM1 1AA"]:
        page = client.get(reverse("bookings:start"), {"q": q})
        assert [s.name for s in page.context["schools"]] == ["Oakfield Primary School"]


def test_book_confirm_by_email_reschedule_and_cancel(client, county):
    page, response, booking = book(client, county)

    offers = page.context["form"][f"session_{county['home_fire'].pk}"].field.choices
    assert 1 <= len(offers) <= 5
    assert len({o.slot.day for _, o in offers}) == len(offers), "one offer a day"
    assert response.status_code == 302
    assert booking.status == Booking.Status.HELD
    visit = Visit.objects.get()
    assert visit.status == Visit.Status.HELD and visit.officer == county["owen"]  # nearest officer

    # The school's own domain: a link to confirm goes to the contact.
    assert [m.to for m in mail.outbox] == [["s.patel@oakfield.sch.uk"]]
    confirm = link_in(mail.outbox[0], "confirm")
    assert client.get(confirm).status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.HELD, "opening the link alone does not confirm"
    response = client.post(confirm)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert response["Location"].startswith("/book/manage/")

    confirmation = mail.outbox[1]
    assert confirmation.subject == f"Booking confirmed {booking.reference}"
    name, content, mimetype = confirmation.attachments[0]
    assert mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == visit.starts_at
    assert event.decoded("dtend") == visit.ends_at
    assert "Home fire safety for juniors" in str(event["summary"])
    # The coordinator and the officer are told.
    assert sorted(mail.outbox[2].to) == ["coordinator@fire.example", "owen@fire.example"]

    manage = link_in(confirmation, "manage")
    page = client.get(manage)
    assert page.context["booking"] == booking
    reschedule = reverse("bookings:reschedule", args=[manage.split("/")[3], visit.pk])
    page = client.get(reschedule)
    choices = page.context["form"].fields[f"session_{visit.session_id}"].choices
    new_key, new_offer = choices[0]
    client.post(reschedule, {f"session_{visit.session_id}": new_key})
    visit.refresh_from_db()
    assert (visit.officer_id, visit.starts_at) == (new_offer.officer.pk, new_offer.starts_at)
    assert visit.status == Visit.Status.CONFIRMED
    moved = [m for m in mail.outbox if m.subject.startswith("Booking changed")]
    assert moved and moved[0].attachments

    client.post(reverse("bookings:cancel", args=[manage.split("/")[3]]), {"reason": "Exams"})
    booking.refresh_from_db()
    visit.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and visit.status == Visit.Status.CANCELLED
    cancelled = mail.outbox[-2]
    assert cancelled.subject.startswith("Booking cancelled") and "Exams" in cancelled.body
    assert "METHOD:CANCEL" in cancelled.attachments[0][1]


def test_the_request_form_shows_errors_and_keeps_what_was_typed(client, county):
    data = request_data(county, pupils="lots", contact_email="not-an-email", sessions=[])

    page = client.post(reverse("bookings:request", args=[county["school"].urn]), data)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_sessions_0">Select at least one session</a>' in html
    assert '<a href="#id_pupils">Enter the number of pupils as a whole number</a>' in html
    assert 'value="lots"' in html and 'value="not-an-email"' in html and 'value="Sam Patel"' in html
    assert "<title>Error: " in html
    assert not Booking.objects.exists()


def test_dates_in_the_past_or_backwards_are_refused(client, county):
    data = request_data(county)
    data["dates_to"], data["dates_from"] = data["dates_from"], data["dates_to"]

    page = client.post(reverse("bookings:request", args=[county["school"].urn]), data)

    assert page.context["form"].errors["dates_to"] == [
        "The last day must be the same as or after the first day"
    ]


def test_a_request_nothing_fits_joins_the_queue_and_says_so(client, county):
    # A school day too short for a 60-minute session once the officer has travelled.
    response = client.post(
        reverse("bookings:request", args=[county["school"].urn]),
        request_data(county, school_day_starts="8:45", lunch_starts="9:00", school_day_ends="9:30"),
    )
    page = client.get(response["Location"])

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.QUEUED
    assert "No officer is free" in page.content.decode()
    assert mail.outbox[0].subject.startswith("We have your request")
    assert "coordinator@fire.example" in mail.outbox[1].to


def test_an_address_the_school_is_not_known_by_waits_for_a_coordinator(client, county):
    _, _, booking = book(client, county, contact_email="prankster@example.com")

    assert booking.status == Booking.Status.AWAITING_APPROVAL
    assert "not one we know" in mail.outbox[0].body
    assert "/book/confirm/" not in mail.outbox[0].body
    assert Visit.objects.get().status == Visit.Status.HELD  # held meanwhile, released if not approved


def test_a_time_taken_meanwhile_shows_fresh_times_and_holds_nothing(client, county):
    from safereach.bookings import services

    response = client.post(reverse("bookings:request", args=[county["school"].urn]), request_data(county))
    times_url = response["Location"]
    page = client.get(times_url)
    field = page.context["form"][f"session_{county['home_fire'].pk}"]
    key, offer = field.field.choices[0]
    # Someone else books that very time (here a colleague at the same school, so the officer's
    # earliest arrival is the same) between this contact seeing it and choosing it.
    rival = Booking.objects.create(
        school=county["school"],
        contact_name="R",
        contact_email="r@oakfield.sch.uk",
        dates_from=offer.slot.day,
        dates_to=offer.slot.day,
        pupils=20,
    )
    rival.sessions.add(county["home_fire"])
    assert (
        services.hold(
            rival,
            [services.Choice(county["home_fire"], offer.officer.pk, offer.slot.day, offer.slot.start)],
            "http://testserver",
        )
        == []
    )

    page = client.post(times_url, {field.html_name: key})

    assert page.status_code == 200
    assert "Another school has just booked the time you chose" in page.content.decode()
    fresh = page.context["form"].fields[field.html_name].choices
    assert fresh and key not in [k for k, _ in fresh]
    mine = Booking.objects.exclude(pk=rival.pk).get()
    assert mine.status == Booking.Status.REQUESTED and not mine.visits.exists()


def test_two_ranges_of_dates_are_both_offered_and_nothing_between(client, county):
    first = quiet_monday()
    later = first + timedelta(weeks=2)
    while any(is_bank_holiday(later + timedelta(days=i)) for i in range(5)):
        later += timedelta(weeks=1)

    response = client.post(
        reverse("bookings:request", args=[county["school"].urn]),
        request_data(
            county,
            monday=first,
            dates_to=first.isoformat(),
            also_from=later.isoformat(),
            also_to=(later + timedelta(days=1)).isoformat(),
        ),
    )
    page = client.get(response["Location"])

    booking = Booking.objects.get()
    assert booking.date_ranges == [(first, first), (later, later + timedelta(days=1))]
    days = {o.slot.day for _, o in page.context["form"].fields[f"session_{county['home_fire'].pk}"].choices}
    assert days == {first, later, later + timedelta(days=1)}
    assert booking.dates_text in page.content.decode()


def test_half_a_second_range_is_an_error(client, county):
    page = client.post(
        reverse("bookings:request", args=[county["school"].urn]),
        request_data(county, also_from=quiet_monday().isoformat()),
    )
    assert page.context["form"].errors["also_to"] == [
        "Enter the last day of the other range, or leave both empty"
    ]
