"""A school asks for several sessions at once: it books the ones an officer can reach, and only
the sessions with no time go to the coordinator's queue, as part of the same request."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safereach.bookings import services
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import make_session_nobody_can_reach, request_data
from safereach.bookings.tests.test_book_a_session import link_in

NO_TIME = (
    "No officer can reach you on the days you gave: this session goes to the coordinator, "
    "who will be in touch"
)


@pytest.fixture
def arson(county):
    return make_session_nobody_can_reach(county)


def ask_for(client, county, sessions, **extra):
    """Send the request form for `sessions`; returns the times page's address."""
    response = client.post(
        reverse("bookings:request", args=[county["school"].urn]),
        request_data(county, sessions=[s.pk for s in sessions], **extra),
    )
    assert response.status_code == 302, response.context["form"].errors
    return response["Location"]


def first_offer(page, session):
    return page.context["form"].fields[f"session_{session.pk}"].choices[0]


def times_apart(page, sessions):
    """A choice for each session, never the same officer on the same day twice."""
    chosen, used = {}, set()
    for session in sessions:
        key, offer = next(
            (k, o)
            for k, o in page.context["form"].fields[f"session_{session.pk}"].choices
            if (o.officer.pk, o.slot.day) not in used
        )
        chosen[f"session_{session.pk}"] = key
        used.add((offer.officer.pk, offer.slot.day))
    return chosen


def queue_sections(client, county):
    client.force_login(county["coordinator"])
    page = client.get(reverse("bookings:queue"))
    return {
        title: {b: [s.title for s in b.shown_sessions] for b in rows}
        for title, rows in page.context["sections"]
    }


def test_the_session_that_fits_is_held_and_the_other_waits_for_the_coordinator(client, county, arson):
    home_fire = county["home_fire"]
    times_url = ask_for(client, county, [home_fire, arson])

    page = client.get(times_url)

    html = page.content.decode()
    assert NO_TIME in html
    assert list(page.context["form"].fields) == [f"session_{home_fire.pk}"]
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.REQUESTED and not mail.outbox, "nothing is queued by looking"

    key, offer = first_offer(page, home_fire)
    response = client.post(times_url, {f"session_{home_fire.pk}": key})

    assert response["Location"] == reverse("bookings:held", args=[times_url.split("/")[3]])
    booking.refresh_from_db()
    assert booking.status == Booking.Status.HELD
    visit = Visit.objects.get()
    assert (visit.session, visit.officer, visit.starts_at, visit.status) == (
        home_fire,
        offer.officer,
        offer.starts_at,
        Visit.Status.HELD,
    )
    assert list(booking.waiting_sessions()) == [arson]

    held = client.get(response["Location"]).content.decode()
    assert "Held for you" in held and "Waiting for the coordinator" in held
    assert held.index("Home fire safety for juniors") < held.index("Waiting for the coordinator")
    assert held.index("Waiting for the coordinator") < held.index("Water safety assembly")

    to_school, to_staff = mail.outbox
    assert to_school.subject == f"Confirm your booking {booking.reference}"
    booked, waiting = to_school.body.split("Waiting for the booking coordinator")
    when = f"{offer.starts_at:%A %-d %B %Y, %H:%M} to {offer.ends_at:%H:%M}"
    assert (
        f"- Home fire safety for juniors with Owen Jones (Testshire Fire and Rescue Service): {when}"
        in booked
    )
    assert "Water safety assembly" not in booked
    assert "- Water safety assembly (Testshire Fire and Rescue Service)" in waiting
    assert "Home fire safety" not in waiting
    assert "/book/confirm/" in waiting  # the link confirms the times held
    assert to_staff.subject.startswith(f"Sessions waiting for a time {booking.reference}")
    assert "coordinator@fire.example" in to_staff.to and "- Water safety assembly" in to_staff.body

    sections = queue_sections(client, county)
    assert sections["No time fitted: find one"] == {booking: ["Water safety assembly"]}
    assert sections["Held: waiting for the school to confirm"] == {booking: ["Home fire safety for juniors"]}

    # Once the school confirms, the booked session is confirmed and the other still waits.
    client.logout()
    client.post(link_in(to_school, "confirm"))
    booking.refresh_from_db()
    visit.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and visit.status == Visit.Status.CONFIRMED
    confirmed = next(m for m in mail.outbox if m.subject == f"Booking confirmed {booking.reference}")
    assert "- Water safety assembly (Testshire Fire and Rescue Service)" in confirmed.body
    manage = client.get(link_in(confirmed, "manage")).content.decode()
    assert "Waiting for the coordinator" in manage and "Water safety assembly" in manage
    sections = queue_sections(client, county)
    assert sections["No time fitted: find one"] == {booking: ["Water safety assembly"]}
    assert sections["Held: waiting for the school to confirm"] == {}


def test_an_address_we_do_not_know_holds_what_fits_for_the_coordinators_approval(client, county, arson):
    home_fire = county["home_fire"]
    times_url = ask_for(client, county, [home_fire, arson], contact_email="head@gmail.example")
    page = client.get(times_url)

    client.post(times_url, {f"session_{home_fire.pk}": first_offer(page, home_fire)[0]})

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.AWAITING_APPROVAL
    assert Visit.objects.get().session == home_fire
    to_school = mail.outbox[0]
    assert "not one we know" in to_school.body and "/book/confirm/" not in to_school.body
    assert "Waiting for the booking coordinator" in to_school.body
    assert "Water safety assembly" in to_school.body
    sections = queue_sections(client, county)
    assert sections["Waiting for your approval"] == {booking: ["Home fire safety for juniors"]}
    assert sections["No time fitted: find one"] == {booking: ["Water safety assembly"]}


def test_when_every_session_fits_every_one_is_held_as_before(client, county):
    home_fire, hoax = county["home_fire"], county["hoax"]
    times_url = ask_for(client, county, [home_fire, hoax])
    page = client.get(times_url)
    assert NO_TIME not in page.content.decode()

    client.post(times_url, times_apart(page, [home_fire, hoax]))

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.HELD
    assert {v.session for v in Visit.objects.all()} == {home_fire, hoax}
    assert not booking.waiting_sessions().exists()
    assert [m.subject for m in mail.outbox] == [f"Confirm your booking {booking.reference}"]
    assert "Waiting for the booking coordinator" not in mail.outbox[0].body
    sections = queue_sections(client, county)
    assert sections["No time fitted: find one"] == {}
    assert sections["Held: waiting for the school to confirm"] == {
        booking: ["Hoax calls", "Home fire safety for juniors"]
    }


def test_when_no_session_fits_the_whole_request_joins_the_queue_as_before(client, county, arson):
    # A school day too short for the 60-minute session, and the other's officer away.
    times_url = ask_for(
        client,
        county,
        [county["home_fire"], arson],
        school_day_starts="8:45",
        lunch_starts="9:00",
        school_day_ends="9:30",
    )

    page = client.get(times_url)

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.QUEUED and not Visit.objects.exists()
    assert "No officer is free" in page.content.decode()
    # "Any time in the school day" was asked for: the page names no part of the day.
    assert "in the part of the school day you chose" not in page.content.decode()
    assert (
        mail.outbox[0].subject == f"We have your request {booking.reference}: a coordinator will find a time"
    )
    sections = queue_sections(client, county)
    assert sections["No time fitted: find one"] == {
        booking: ["Home fire safety for juniors", "Water safety assembly"]
    }


def rival_takes(county, offer):
    """Another booking at the same school takes exactly `offer`'s officer and time."""
    rival = Booking.objects.create(
        school=county["school"],
        contact_name="R",
        contact_email="r@oakfield.sch.uk",
        dates_from=offer.slot.day,
        dates_to=offer.slot.day,
        pupils=20,
    )
    rival.sessions.add(offer.session)
    choice = services.Choice(offer.session, offer.officer.pk, offer.slot.day, offer.slot.start)
    assert services.hold(rival, [choice], "http://testserver") == []
    mail.outbox.clear()
    return rival


def test_a_time_taken_before_booking_shows_the_offers_again_and_books_nothing(client, county, arson):
    home_fire = county["home_fire"]
    times_url = ask_for(client, county, [home_fire, arson])
    page = client.get(times_url)
    key, offer = first_offer(page, home_fire)
    rival = rival_takes(county, offer)

    page = client.post(times_url, {f"session_{home_fire.pk}": key})

    assert page.status_code == 200
    html = page.content.decode()
    assert "Another school has just booked the time you chose for Home fire safety for juniors" in html
    assert "Nothing has been booked yet" in html and NO_TIME in html
    fresh = page.context["form"].fields[f"session_{home_fire.pk}"].choices
    assert fresh and key not in [k for k, _ in fresh]
    mine = Booking.objects.exclude(pk=rival.pk).get()
    assert mine.status == Booking.Status.REQUESTED and not mine.visits.exists()
    assert not mail.outbox, "the other session is not queued while nothing is booked"


def test_a_hold_lost_for_one_session_lets_go_of_the_others(client, county, monkeypatch):
    home_fire, hoax = county["home_fire"], county["hoax"]
    times_url = ask_for(client, county, [home_fire, hoax])
    page = client.get(times_url)
    chosen = times_apart(page, [home_fire, hoax])
    take_slot, tried = services.take_slot, []

    def second_one_taken_meanwhile(booking, choice, **kwargs):
        # The first slot is put in the diary; the second is found gone, as if another school
        # had just taken it.
        tried.append(choice.session)
        if len(tried) == 2:
            assert booking.visits.filter(session=tried[0]).exists()
            raise services.SlotTaken
        return take_slot(booking, choice, **kwargs)

    monkeypatch.setattr(services, "take_slot", second_one_taken_meanwhile)

    page = client.post(times_url, chosen)

    assert page.status_code == 200
    lost, kept = tried[1], tried[0]
    assert f"Another school has just booked the time you chose for {lost.title}" in page.content.decode()
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.REQUESTED
    assert not Visit.objects.exists(), "nothing half-booked"
    assert not mail.outbox
    # The choice that was not lost is still chosen, as it is still offered.
    assert page.context["form"][f"session_{kept.pk}"].value() == chosen[f"session_{kept.pk}"]


def test_two_sessions_at_once_with_the_same_officer_are_refused_before_holding(client, county):
    home_fire, hoax = county["home_fire"], county["hoax"]
    times_url = ask_for(client, county, [home_fire, hoax])
    page = client.get(times_url)
    key, offer = first_offer(page, home_fire)
    same_time = next(
        k
        for k, o in page.context["form"].fields[f"session_{hoax.pk}"].choices
        if (o.officer, o.slot.day, o.slot.start) == (offer.officer, offer.slot.day, offer.slot.start)
    )

    page = client.post(times_url, {f"session_{home_fire.pk}": key, f"session_{hoax.pk}": same_time})

    html = page.content.decode()
    # Sessions come in the catalogue's order: hoax calls first.
    assert (
        "Choose another time for Home fire safety for juniors: Owen Jones is with you for Hoax calls then"
        in html
    )
    assert 'class="govuk-error-summary"' in html
    assert not Visit.objects.exists() and not mail.outbox


def test_bad_choices_keep_what_was_chosen_with_an_error_summary_and_change_nothing(client, county, arson):
    home_fire, hoax = county["home_fire"], county["hoax"]
    times_url = ask_for(client, county, [home_fire, hoax, arson])
    page = client.get(times_url)
    key, _ = first_offer(page, home_fire)

    page = client.post(times_url, {f"session_{home_fire.pk}": key})  # no time for hoax calls

    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Error: " in html and 'class="govuk-error-summary"' in html
    assert f'<a href="#id_session_{hoax.pk}_0">Select a time for Hoax calls</a>' in html
    assert f'value="{key}" checked' in html
    assert NO_TIME in html

    page = client.post(times_url, {f"session_{home_fire.pk}": "soon", f"session_{hoax.pk}": "later"})

    html = page.content.decode()
    assert "Select one of the times offered for Home fire safety for juniors" in html
    assert "Select one of the times offered for Hoax calls" in html
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.REQUESTED
    assert not Visit.objects.exists() and not mail.outbox


def test_a_part_booking_never_confirmed_lets_go_of_its_times_and_its_waiting_sessions(client, county, arson):
    home_fire = county["home_fire"]
    times_url = ask_for(client, county, [home_fire, arson])
    page = client.get(times_url)
    client.post(times_url, {f"session_{home_fire.pk}": first_offer(page, home_fire)[0]})
    assert "withdrawn" in mail.outbox[0].body, "the school is told what not confirming means"

    services.release_expired_holds("http://testserver", now=timezone.now() + timedelta(hours=2))

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.RELEASED
    assert Visit.objects.get().status == Visit.Status.RELEASED
    released = mail.outbox[-1]
    assert released.subject == f"Booking not confirmed in time {booking.reference}"
    waited = "Your request for Water safety assembly, which was waiting for the booking coordinator"
    assert waited in released.body
    assert queue_sections(client, county)["No time fitted: find one"] == {}


def test_the_coordinator_books_the_waiting_session_and_the_queue_empties(client, county, arson):
    from safereach.workforce.models import Leave

    home_fire = county["home_fire"]
    times_url = ask_for(client, county, [home_fire, arson])
    page = client.get(times_url)
    client.post(times_url, {f"session_{home_fire.pk}": first_offer(page, home_fire)[0]})
    client.post(link_in(mail.outbox[0], "confirm"))
    booking = Booking.objects.get()
    Leave.objects.all().delete()  # the officer is back
    client.force_login(county["coordinator"])

    page = client.get(reverse("bookings:coordinator-booking", args=[booking.pk]))
    ((session, options),) = page.context["unbooked"]
    assert session == arson and options
    client.post(
        reverse("bookings:coordinator-action", args=[booking.pk]),
        {"action": "book", "session": arson.pk, "option": options[0].key},
    )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert {(v.session, v.status) for v in Visit.objects.all()} == {
        (home_fire, Visit.Status.CONFIRMED),
        (arson, Visit.Status.CONFIRMED),
    }
    last_to_school = [m for m in mail.outbox if m.to == [booking.contact_email]][-1]
    assert last_to_school.subject == f"Booking confirmed {booking.reference}"
    assert "Waiting for the booking coordinator" not in last_to_school.body
    assert queue_sections(client, county)["No time fitted: find one"] == {}


def test_a_queued_request_names_the_part_of_the_day_only_when_one_was_chosen(client, county, arson):
    times_url = ask_for(
        client, county, [county["home_fire"]], part_of_day="morning",
        school_day_starts="8:45", lunch_starts="9:00", school_day_ends="9:30",
    )
    page = client.get(times_url).content.decode()
    assert "in the part of the school day you chose (morning)" in page
