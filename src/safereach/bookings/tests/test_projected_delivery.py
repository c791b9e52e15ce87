from datetime import timedelta

from django.urls import reverse
from icalendar import Calendar

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_area, make_user
from safereach.bookings.models import Visit
from safereach.bookings.offers import at
from safereach.bookings.projected import feed_key
from safereach.bookings.tests.factories import quiet_monday


def visit(county, school, session, officer, day, minute, status=Visit.Status.CONFIRMED):
    return Visit.objects.create(
        school=school,
        session=session,
        officer=officer,
        starts_at=at(day, minute),
        ends_at=at(day, minute + 60),
        status=status,
    )


def planned(county):
    make_area("district", code="E07000070", name="Chelmsford")
    county["school"].district_code = "E07000070"
    county["school"].save()
    monday = quiet_monday()
    visit(county, county["school"], county["home_fire"], county["owen"], monday, 600)
    visit(
        county,
        county["other"],
        county["hoax"],
        county["owen"],
        monday + timedelta(days=1),
        600,
        status=Visit.Status.HELD,
    )
    visit(
        county,
        county["other"],
        county["home_fire"],
        county["owen"],
        monday - timedelta(days=60),
        600,
        status=Visit.Status.CONFIRMED,
    )  # in the past: not projected
    visit(
        county,
        county["other"],
        county["home_fire"],
        county["fatima"],
        monday,
        600,
        status=Visit.Status.CANCELLED,
    )
    return monday


def test_partners_see_upcoming_visits_by_district_and_programme(client, county):
    planned(county)
    client.force_login(make_user(Role.PARTNER, agency=county["police"]))

    page = client.get(reverse("bookings:projected"))

    assert page.context["total"] == 2
    assert dict(page.context["by_district"]) == {"Chelmsford": 1, "Not known": 1}
    assert dict(page.context["by_programme"]) == {"Home fire safety": 1, "Hoax calls": 1}
    filtered = client.get(reverse("bookings:projected"), {"programme": "hoax-calls"})
    assert [v.session.title for v in filtered.context["visits"]] == ["Hoax calls"]


def test_the_csv_has_one_row_a_visit(client, county):
    monday = planned(county)
    client.force_login(make_user(Role.COORDINATOR, agency=county["fire"]))

    lines = (
        client.get(reverse("bookings:projected-csv"), {"district": "E07000070"}).content.decode().splitlines()
    )

    assert lines[0].startswith("date,start,end,school,urn,district,programme")
    assert lines[1:] == [
        f"{monday:%Y-%m-%d},10:00,11:00,Oakfield Primary School,123456,Chelmsford,"
        "home-fire-safety,Home fire safety for juniors,Testshire Fire and Rescue Service,"
        "Owen Jones,confirmed"
    ]


def test_the_feed_opens_with_its_key_alone_and_not_with_a_forged_one(client, county):
    planned(county)
    partner = make_user(Role.PARTNER, agency=county["police"])

    feed = client.get(reverse("bookings:projected-feed", args=[feed_key(partner)]))

    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert len(events) == 2 and {str(e["status"]) for e in events} == {"CONFIRMED", "TENTATIVE"}
    assert client.get(reverse("bookings:projected-feed", args=[feed_key(partner) + "x"])).status_code == 404
    partner.is_active = False
    partner.save()
    assert client.get(reverse("bookings:projected-feed", args=[feed_key(partner)])).status_code == 404


def test_schools_and_other_roles_cannot_see_it(client, county):
    assert client.get(reverse("bookings:projected")).status_code == 302
    client.force_login(make_user(Role.OFFICER, agency=county["fire"]))
    assert client.get(reverse("bookings:projected")).status_code == 403


def test_a_school_booking_sees_other_partners_visits_already_planned(client, county):
    monday = planned(county)
    visit(county, county["school"], county["knife"], county["owen"], monday + timedelta(days=2), 600)

    page = client.get(reverse("bookings:request", args=[county["school"].urn]))

    assert {v.session.title for v in page.context["planned"]} == {
        "Home fire safety for juniors",
        "Knife crime and gangs",
    }
    assert "Booking the same day keeps disruption" in page.content.decode()


def test_offers_put_first_a_day_another_partner_is_already_at_the_school(client, county):
    from safereach.bookings.models import Booking
    from safereach.bookings.offers import offers_for

    monday = quiet_monday()
    thursday = monday + timedelta(days=3)
    visit(county, county["school"], county["knife"], county["owen"], thursday, 14 * 60)  # police session
    booking = Booking.objects.create(
        school=county["school"],
        contact_name="Sam",
        contact_email="s@oakfield.sch.uk",
        dates_from=monday,
        dates_to=monday + timedelta(days=4),
        pupils=20,
    )

    offers = offers_for(booking, county["home_fire"])

    assert offers[0].slot.day == thursday
