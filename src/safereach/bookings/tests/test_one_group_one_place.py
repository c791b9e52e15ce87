"""One request is one group of pupils: its sessions never overlap, whoever delivers them, in the
times offered, the times a school chooses, the coordinator's approval and applying a term plan;
and a school hosts only as many sessions at once as it says (one unless it says more)."""

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone

from safereach.bookings import services
from safereach.bookings.diary import minutes_of
from safereach.bookings.forms import ChooseTimesForm
from safereach.bookings.models import Booking, Visit
from safereach.bookings.offers import Diaries, Offer
from safereach.bookings.tests.factories import quiet_monday
from safereach.routing.slots import Slot


def two_session_request(county, monday, **extra):
    booking = Booking.objects.create(
        school=county["school"],
        contact_name="Sam",
        contact_email="sam@oakfield.sch.uk",
        dates_from=monday,
        dates_to=monday,
        pupils=28,
        year_groups=[5],
        **{"status": Booking.Status.REQUESTED, **extra},
    )
    booking.sessions.add(county["home_fire"], county["hoax"])
    return booking


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def overlaps(slot, start, end):
    return slot.start < minutes_of(end.time()) and minutes_of(start.time()) < slot.end


def test_offers_for_a_second_session_keep_clear_of_the_first(county):
    monday = quiet_monday()
    booking = two_session_request(county, monday)
    # Hoax calls held with Owen 10:30 to 11:15: Fatima (who delivers home fire safety) is free
    # then, but the pupils are not.
    held = Visit.objects.hold(
        booking=booking, school=booking.school, session=county["hoax"], officer=county["owen"],
        starts_at=at(monday, 10, 30), ends_at=at(monday, 11, 15),
    )

    slots = Diaries(booking, county["home_fire"]).slots()

    assert slots
    local = timezone.localtime
    assert not [s for s in slots if overlaps(s, local(held.starts_at), local(held.ends_at))]


def test_another_school_s_group_or_another_request_at_the_same_school(county):
    monday = quiet_monday()
    first = two_session_request(county, monday, status=Booking.Status.CONFIRMED)
    Visit.objects.book(
        booking=first, school=first.school, session=county["hoax"], officer=county["owen"],
        starts_at=at(monday, 8, 45), ends_at=at(monday, 15, 15),  # the whole school day
    )
    one_hall = two_session_request(county, monday)
    two_halls = two_session_request(county, monday, sessions_at_once=2)

    assert Diaries(one_hall, county["home_fire"]).slots() == []  # the school's one hall is taken
    assert Diaries(two_halls, county["home_fire"]).slots()  # a second hall, with Fatima


def offer(county, session, officer, day, start, length):
    slot = Slot(officer.pk, day, start, start + length, 5.0, 5.0, 5.0, 0, 0)
    return Offer(slot, officer, session)


def test_the_school_cannot_choose_two_times_that_overlap(county):
    monday = quiet_monday()
    booking = two_session_request(county, monday)
    hoax = offer(county, county["hoax"], county["owen"], monday, 630, 45)
    home = offer(county, county["home_fire"], county["fatima"], monday, 635, 60)
    later = offer(county, county["home_fire"], county["fatima"], monday, 690, 60)
    offers_by_session = [(county["hoax"], [hoax]), (county["home_fire"], [home, later])]
    data = {f"session_{county['hoax'].pk}": hoax.key, f"session_{county['home_fire'].pk}": home.key}

    form = ChooseTimesForm(data, offers_by_session=offers_by_session, school_day=booking.school_day())

    assert not form.is_valid()
    assert form.errors[f"session_{county['home_fire'].pk}"] == [
        "Choose another time for Home fire safety for juniors: the same pupils have Hoax calls then"
    ]
    data[f"session_{county['home_fire'].pk}"] = later.key
    form = ChooseTimesForm(data, offers_by_session=offers_by_session, school_day=booking.school_day())
    assert form.is_valid(), form.errors


def test_the_coordinator_cannot_approve_a_request_whose_sessions_overlap(client, county):
    monday = quiet_monday()
    booking = two_session_request(county, monday, status=Booking.Status.AWAITING_APPROVAL)
    for session, officer, start, end in [
        (county["hoax"], county["owen"], (10, 30), (11, 15)),
        (county["home_fire"], county["fatima"], (10, 35), (11, 35)),
    ]:
        Visit.objects.hold(
            booking=booking, school=booking.school, session=session, officer=officer,
            starts_at=at(monday, *start), ends_at=at(monday, *end),
        )
    client.force_login(county["coordinator"])

    response = client.post(reverse("bookings:coordinator-action", args=[booking.pk]), {"action": "approve"})

    page = client.get(response["Location"]).content.decode()
    assert "Not confirmed" in page and "the same group of pupils has another session then" in page
    booking.refresh_from_db()
    assert booking.status == Booking.Status.AWAITING_APPROVAL
    assert not Visit.objects.filter(status=Visit.Status.CONFIRMED).exists()
    assert [v.session for v, _ in services.school_clashes(booking)] == [county["hoax"], county["home_fire"]]


def test_applying_a_plan_refuses_one_group_in_two_places(county):
    from safereach.planning.term_plan import apply_plan, request_key

    monday = quiet_monday()
    booking = two_session_request(county, monday, status=Booking.Status.QUEUED)
    rows = [
        {"request": request_key(booking.pk, county["hoax"].pk), "officer_id": county["owen"].pk,
         "day": monday.isoformat(), "starts": "10:30", "ends": "11:15"},
        {"request": request_key(booking.pk, county["home_fire"].pk), "officer_id": county["fatima"].pk,
         "day": monday.isoformat(), "starts": "10:35", "ends": "11:35"},
    ]

    booked, failed = apply_plan(rows, by="coordinator", site_url="http://testserver")

    assert booked == []
    assert set(failed.values()) == {
        f"at Oakfield Primary School on {monday:%-d %B}, the same group of pupils has another session then"
    }
    assert not Visit.objects.exists()


def test_the_request_form_asks_how_many_sessions_the_school_hosts_at_once(client, county):
    from safereach.bookings.tests.factories import request_data

    url = reverse("bookings:request", args=[county["school"].urn])
    for typed, message in [
        ("0", "Enter 1 or more sessions you can host at the same time"),
        ("99", "Enter 10 or fewer sessions you can host at the same time"),
        ("two", "Enter the number of sessions you can host at the same time as a whole number, like 1"),
    ]:
        page = client.post(url, request_data(county, sessions_at_once=typed))
        assert page.context["form"].errors["sessions_at_once"] == [message]
        assert f'value="{typed}"' in page.content.decode()
    assert not Booking.objects.exists()

    client.post(url, request_data(county))
    assert Booking.objects.get().sessions_at_once == 1  # left empty: one at a time
    client.post(url, request_data(county, sessions_at_once="2"))
    assert Booking.objects.order_by("pk").last().sessions_at_once == 2
