"""An officer's week: visits in order with travel legs, seen by the officer and by coordinators
of their agency only; and the private calendar feed, which validates with icalendar, holds
that officer's visits only and opens only with the officer's own random token."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import quiet_monday
from safereach.delivery.officer_week import feed_token, monday_of
from safereach.routing.travel import travel_provider


def visit(county, officer, school, day, hour, status=Visit.Status.CONFIRMED, access=""):
    booking = Booking.objects.create(
        school=school,
        contact_name="Sam Lee",
        contact_role="PSHE lead",
        contact_email="sam@oakfield.sch.uk",
        dates_from=day,
        dates_to=day,
        pupils=30,
        access_needs=access,
        status=Booking.Status.CONFIRMED,
    )
    starts = timezone.make_aware(datetime.combine(day, time(hour)))
    return Visit.objects.create(
        booking=booking,
        school=school,
        session=county["home_fire"],
        officer=officer,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status=status,
    )


@pytest.fixture
def week(county):
    monday = quiet_monday()
    owen, fatima = county["owen"], county["fatima"]
    later = visit(county, owen, county["other"], monday, 13)
    first = visit(county, owen, county["school"], monday, 10, access="Wheelchair ramp at the side gate")
    visit(county, owen, county["school"], monday + timedelta(days=2), 9, status=Visit.Status.HELD)
    theirs = visit(county, fatima, county["other"], monday + timedelta(days=1), 11)
    gone = visit(county, owen, county["other"], monday + timedelta(days=3), 11, status=Visit.Status.CANCELLED)
    return {**county, "monday": monday, "first": first, "later": later, "theirs": theirs, "gone": gone}


def page(client, user, officer, monday):
    client.force_login(user)
    return client.get(reverse("week:officer", args=[officer.pk]), {"week": monday.isoformat()})


def test_the_officer_sees_each_day_in_order_with_travel_and_access_notes(client, week):
    owen = week["owen"]
    response = page(client, owen.user, owen, week["monday"])
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("10:00 to 11:00: Oakfield Primary School") < html.index(
        "13:00 to 14:00: Riverside Junior School"
    )
    assert "Wheelchair ramp at the side gate" in html and "Sam Lee, PSHE lead" in html
    assert "Fatima" not in html  # another officer's visit
    monday_ = response.context["days"][0]
    assert [leg.visit for leg in monday_.legs] == [week["first"], week["later"]]
    provider = travel_provider()
    base, school, other = week["station"], week["school"], week["other"]
    to_first = provider.table([(base.lon, base.lat)], [(school.lon, school.lat)])[0, 0]
    between = provider.table([(school.lon, school.lat)], [(other.lon, other.lat)])[0, 0]
    home = provider.table([(other.lon, other.lat)], [(base.lon, base.lat)])[0, 0]
    assert monday_.legs[0].minutes == pytest.approx(to_first)
    assert monday_.legs[1].minutes == pytest.approx(between)
    assert monday_.travel == pytest.approx(to_first + between + home)
    assert monday_.legs[0].leave_by == week["first"].starts_at - timedelta(minutes=to_first + 10)
    assert response.context["map_data"]["days"][0]["stops"][0]["name"] == "Oakfield Primary School"
    assert 'id="week-map"' in html and response.context["feed_url"]
    assert len(response.context["days"]) == 2  # Monday and Wednesday; the cancelled Thursday is not shown


def test_the_week_links_to_the_weeks_either_side(client, week):
    owen, monday = week["owen"], week["monday"]
    client.force_login(owen.user)
    # With no week asked for, this week; a mistyped week falls back to it too.
    this_monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    for asked in ({}, {"week": "next tuesday"}):
        shown = client.get(reverse("week:officer", args=[owen.pk]), asked)
        assert shown.context["monday"] == this_monday
    html = page(client, owen.user, owen, monday + timedelta(days=3)).content.decode()  # any day of it
    before, after = monday - timedelta(days=7), monday + timedelta(days=7)
    assert f'href="?week={before.isoformat()}" rel="prev"' in html and "Previous week" in html
    assert f'href="?week={after.isoformat()}" rel="next"' in html and "Next week" in html
    # From the empty week before, its "Next week" link comes back to Owen's visits.
    empty = page(client, owen.user, owen, before).content.decode()
    assert "No visits this week." in empty
    link = re.search(r'href="(\?week=[0-9-]+)" rel="next"', empty).group(1)
    back = client.get(reverse("week:officer", args=[owen.pk]) + link)
    assert "10:00 to 11:00: Oakfield Primary School" in back.content.decode()


def test_coordinators_of_the_agency_only(client, week):
    owen = week["owen"]
    assert page(client, week["coordinator"], owen, week["monday"]).status_code == 200
    police_coordinator = make_user(Role.COORDINATOR, email="c@police.example", agency=week["police"])
    assert page(client, police_coordinator, owen, week["monday"]).status_code == 403
    other_officer = make_user(Role.OFFICER, email="x@fire.example", agency=week["fire"])
    assert page(client, other_officer, owen, week["monday"]).status_code == 403
    client.logout()
    assert client.get(reverse("week:officer", args=[owen.pk])).status_code == 302


def test_my_week_goes_to_the_officers_own_page(client, week):
    client.force_login(week["owen"].user)
    response = client.get(reverse("week:mine"))
    assert response.url == reverse("week:officer", args=[week["owen"].pk])


def test_the_calendar_feed_holds_that_officers_live_visits_only(client, week):
    owen, fatima = week["owen"], week["fatima"]
    response = client.get(reverse("week:feed", args=[owen.pk, feed_token(owen)]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    uids = {str(e["uid"]) for e in events}
    live_owen = Visit.objects.filter(officer=owen, status__in=Visit.LIVE)
    assert uids == {f"visit-{v.pk}@safereach" for v in live_owen}
    assert (
        f"visit-{week['theirs'].pk}@safereach" not in uids
        and f"visit-{week['gone'].pk}@safereach" not in uids
    )
    first = next(e for e in events if str(e["uid"]) == f"visit-{week['first'].pk}@safereach")
    assert first.decoded("dtstart") == week["first"].starts_at
    assert "Wheelchair ramp" in str(first["description"])
    # Another officer's token, a made-up one, or one that is not plain ASCII opens nothing.
    assert client.get(reverse("week:feed", args=[owen.pk, feed_token(fatima)])).status_code == 404
    assert client.get(reverse("week:feed", args=[owen.pk, "not-a-token"])).status_code == 404
    assert (
        client.get(reverse("week:feed", args=[owen.pk, "caf\u00e9-" + feed_token(owen)])).status_code == 404
    )


def test_the_feed_token_is_random_and_kept_on_the_officer(week):
    owen, fatima = week["owen"], week["fatima"]
    assert feed_token(owen) == owen.calendar_token and len(owen.calendar_token) >= 40
    assert feed_token(owen) != feed_token(fatima)
    owen.refresh_from_db()
    assert feed_token(owen) == owen.calendar_token  # stored, not worked out from the id


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2027-02-30", "next week", "2207-01-04"])
def test_a_week_out_of_range_or_not_a_date_shows_this_week(client, county, week):
    client.force_login(county["coordinator"])

    page = client.get(reverse("week:officer", args=[county["owen"].pk]), {"week": week})

    assert page.status_code == 200
    assert page.context["monday"] == monday_of(timezone.localdate())
