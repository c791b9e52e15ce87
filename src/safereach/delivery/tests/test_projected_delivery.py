from datetime import timedelta

from django.urls import reverse
from icalendar import Calendar

from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.tests.factories import make_agency, make_user
from safereach.areas.tests.factories import make_area
from safereach.bookings.diary import at
from safereach.bookings.models import Visit
from safereach.bookings.tests.factories import quiet_monday
from safereach.delivery.projected import feed_key
from safereach.schools.tests.factories import make_school


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

    page = client.get(reverse("delivery:projected"))

    # Both visits are the fire service's: to the police every count here is a shared figure.
    assert page.context["total"] == 2 and page.context["total_shown"] == "fewer than 5"
    assert dict(page.context["by_district"]) == {"Chelmsford": "fewer than 5", "Not known": "fewer than 5"}
    assert dict(page.context["by_programme"]) == {
        "Home fire safety": "fewer than 5",
        "Hoax calls": "fewer than 5",
    }
    assert len(page.context["visits"]) == 2  # a visit is not a count: the list stays whole
    filtered = client.get(reverse("delivery:projected"), {"programme": "hoax-calls"})
    assert [v.session.title for v in filtered.context["visits"]] == ["Hoax calls"]


def test_the_csv_has_one_row_a_visit(client, county):
    monday = planned(county)
    client.force_login(make_user(Role.COORDINATOR, agency=county["fire"]))

    lines = (
        client.get(reverse("delivery:projected-csv"), {"district": "E07000070"}).content.decode().splitlines()
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

    feed = client.get(reverse("delivery:projected-feed", args=[feed_key(partner)]))

    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert len(events) == 2 and {str(e["status"]) for e in events} == {"CONFIRMED", "TENTATIVE"}
    assert client.get(reverse("delivery:projected-feed", args=[feed_key(partner) + "x"])).status_code == 404
    partner.is_active = False
    partner.save()
    assert client.get(reverse("delivery:projected-feed", args=[feed_key(partner)])).status_code == 404


def test_schools_and_other_roles_cannot_see_it(client, county):
    assert client.get(reverse("delivery:projected")).status_code == 302
    client.force_login(make_user(Role.OFFICER, agency=county["fire"]))
    assert client.get(reverse("delivery:projected")).status_code == 403


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


def three_districts(county):
    """15 visits of the fire service: 6 in Chelmsford, 7 in Braintree, 2 in Basildon."""
    monday = quiet_monday()
    at_school = {}
    for code, name, n, session in [
        ("E07000070", "Chelmsford", 6, "home_fire"),
        ("E07000067", "Braintree", 7, "hoax"),
        ("E07000066", "Basildon", 2, "hoax"),
    ]:
        make_area("district", code=code, name=name)
        at_school[name] = make_school(name=f"{name} Primary", district_code=code)
        for i in range(n):
            officer = county["owen"] if i % 2 else county["fatima"]
            visit(
                county,
                at_school[name],
                county[session],
                officer,
                monday + timedelta(days=i),
                9 * 60 + 90 * len(at_school),
            )
    return monday, at_school


def no_cell_can_be_worked_out(table, total_shown):
    """With the total shown exactly, a table hides no cell or at least two."""
    hidden = [text for _, text in table if not text.replace(",", "").isdigit()]
    return not total_shown.replace(",", "").isdigit() or len(hidden) != 1


def test_a_partner_sees_fewer_than_5_for_1_to_4_and_exact_figures_for_0_and_5_or_more(client, county):
    three_districts(county)
    client.force_login(make_user(Role.PARTNER, agency=make_agency("Testshire Water Safety Charity")))

    page = client.get(reverse("delivery:projected"))

    assert page.context["total_shown"] == "15"
    assert dict(page.context["by_programme"]) == {"Home fire safety": "6", "Hoax calls": "9"}
    # Basildon's 2 is suppressed; 15 - 7 would give it away beside Chelmsford's 6, so the next
    # smallest count is hidden too.
    assert dict(page.context["by_district"]) == {
        "Basildon": "fewer than 5",
        "Braintree": "7",
        "Chelmsford": "not shown",
    }
    for table in ("by_district", "by_programme"):
        assert no_cell_can_be_worked_out(page.context[table], page.context["total_shown"])
    html = page.content.decode()
    assert "fewer than 5" in html and "15 visits" in html
    assert 'numeric">2</td>' not in html and 'numeric">6</td>' in html
    assert len(page.context["visits"]) == 15  # which school on which day, for joint visits

    none = client.get(reverse("delivery:projected"), {"programme": "knife-crime"})
    assert none.context["total_shown"] == "0" and "0 visits" in none.content.decode()
    few = client.get(reverse("delivery:projected"), {"district": "E07000066"})
    assert few.context["total_shown"] == "fewer than 5"
    assert dict(few.context["by_district"]) == {"Basildon": "fewer than 5"}


def test_the_delivering_agencys_coordinator_and_administrators_see_exact_counts(client, county):
    three_districts(county)
    exact = {"Basildon": "2", "Braintree": "7", "Chelmsford": "6"}

    for user in (county["coordinator"], make_user(Role.ADMINISTRATOR)):
        client.force_login(user)
        page = client.get(reverse("delivery:projected"))
        assert dict(page.context["by_district"]) == exact and page.context["total_shown"] == "15"
        assert not page.context["suppressed"] and "fewer than 5" not in page.content.decode()


def test_a_count_with_another_agencys_visit_in_it_is_shared_even_for_a_coordinator(client, county):
    monday, schools = three_districts(county)
    visit(county, schools["Basildon"], county["knife"], county["owen"], monday + timedelta(days=20), 600)
    client.force_login(county["coordinator"])

    page = client.get(reverse("delivery:projected"))

    # Basildon now counts a police visit; Braintree and Chelmsford are still the fire service's own.
    assert dict(page.context["by_district"]) == {
        "Basildon": "fewer than 5",
        "Braintree": "7",
        "Chelmsford": "not shown",
    }
    assert dict(page.context["by_programme"]) == {
        "Hoax calls": "9",
        "Home fire safety": "not shown",
        "Knife crime and gangs": "fewer than 5",
    }
    assert page.context["total_shown"] == "16" and page.context["suppressed"]
    own = client.get(reverse("delivery:projected"), {"partner": county["fire"].slug})
    assert dict(own.context["by_district"]) == {"Basildon": "2", "Braintree": "7", "Chelmsford": "6"}


def test_the_csv_lists_the_same_visits_for_a_partner_and_each_export_is_audited(client, county):
    three_districts(county)
    partner = make_user(Role.PARTNER, agency=county["police"])
    rows = {}

    for user in (county["coordinator"], partner):
        client.force_login(user)
        response = client.get(reverse("delivery:projected-csv"), {"district": "E07000066"})
        rows[user.pk] = response.content.decode().splitlines()

    # One row a visit and no totals: a listing, so there is no count to suppress.
    assert rows[partner.pk] == rows[county["coordinator"].pk]
    assert len(rows[partner.pk]) == 1 + 2 and all("fewer than" not in line for line in rows[partner.pk])
    audited = AuditEvent.objects.filter(action="bookings.projected.export.csv")
    assert {e.user for e in audited} == {county["coordinator"], partner}
    assert all(e.detail == {"filters": {"district": "E07000066"}, "visits": 2} for e in audited)
