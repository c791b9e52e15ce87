"""Visits for outcome tests, in the small county of the booking tests. Shared with the browser tests."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from safereach.bookings.models import Booking, Visit


def make_visit(
    county,
    day: date,
    hour: int = 10,
    status=Visit.Status.CONFIRMED,
    officer=None,
    school=None,
    year_groups=(5,),
):
    """A visit by Owen (unless `officer`) to Oakfield (unless `school`), booked for `year_groups`."""
    school = school or county["school"]
    booking = Booking.objects.create(
        school=school,
        contact_name="Sam Lee",
        contact_role="PSHE lead",
        contact_email="sam@oakfield.sch.uk",
        dates_from=day,
        dates_to=day,
        pupils=30,
        year_groups=list(year_groups),
        status=Booking.Status.CONFIRMED,
    )
    booking.sessions.add(county["home_fire"])
    starts = timezone.make_aware(datetime.combine(day, time(hour)))
    return Visit.objects.create(
        booking=booking,
        school=school,
        session=county["home_fire"],
        officer=officer or county["owen"],
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status=status,
    )


def last_week(weekday: int = 0) -> date:
    """A day of last week: always in the past, whatever today is."""
    today = timezone.localdate()
    return today - timedelta(days=today.weekday() + 7 - weekday)


def deliver(school, session, officer, day: date, hour: int, pupils: int, delivered: bool = True):
    """A visit on `day` at `hour` with its outcome: delivered to `pupils` in Year 5, or not."""
    from safereach.delivery.models import VisitOutcome

    starts = timezone.make_aware(datetime.combine(day, time(hour)))
    visit = Visit.objects.create(
        school=school,
        session=session,
        officer=officer,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status=Visit.Status.CONFIRMED,
    )
    if delivered:
        return VisitOutcome.objects.create(
            visit=visit, delivered=True, pupils_by_year_group={"Year 5": pupils}
        )
    return VisitOutcome.objects.create(visit=visit, delivered=False, reason=VisitOutcome.Reason.SCHOOL_CLOSED)


def make_reach_county(county, monday: date, schools_dataset=None):
    """Two districts with a ward and an LSOA each, three schools in each and one never visited;
    from `monday` on, the fire service delivers 6 visits in North and 2 in South, the police 7
    in North, and one fire visit is not delivered."""
    from safereach.areas.models import Area
    from safereach.areas.tests.factories import make_area
    from safereach.schools.tests.factories import make_school
    from safereach.workforce.tests.factories import make_officer

    north = make_area(Area.Level.DISTRICT, name="North District")
    south = make_area(Area.Level.DISTRICT, name="South District")
    wards = {d: make_area(Area.Level.WARD, name=f"{d.name} Ward", parent=d) for d in (north, south)}
    lsoas = {d: make_area(Area.Level.LSOA, parent=wards[d], district=d) for d in (north, south)}
    schools = {
        d: [
            make_school(name=f"{d.name} School {k}", lsoa=lsoas[d], dataset=schools_dataset) for k in range(3)
        ]
        for d in (north, south)
    }
    make_school(name="Never Visited Primary", lsoa=lsoas[north])
    police_officer = make_officer(county["police"], "Pat Constable", base=county["station"])
    fire, owen = county["home_fire"], county["owen"]
    for k in range(6):
        deliver(schools[north][k % 3], fire, owen, monday + timedelta(days=k), 10, 20 + k)
    for k in range(2):
        deliver(schools[south][k], fire, owen, monday + timedelta(days=k), 14, 28)
    for k in range(7):
        deliver(schools[north][k % 3], county["knife"], police_officer, monday + timedelta(days=k), 10, 30)
    deliver(schools[south][2], fire, owen, monday + timedelta(days=10), 10, 0, delivered=False)
    county["schools"] = schools
    return county
