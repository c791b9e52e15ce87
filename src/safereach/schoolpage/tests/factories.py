"""Rows for the schools' side tests: a county to book in (bookings' make_county) with districts,
delivered visits, routing rules for concerns and their recipients."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from safereach.accounts.models import Agency, ConcernRoute, Role
from safereach.accounts.tests.factories import make_agency, make_user
from safereach.areas.models import Area
from safereach.areas.tests.factories import make_area
from safereach.bookings.models import Booking, Visit
from safereach.delivery.models import VisitOutcome


def add_districts(county) -> dict:
    """Put the county's schools in two districts, so concerns and demand have areas."""
    north = make_area(Area.Level.DISTRICT, name="Chelmsford", code="E07000070")
    south = make_area(Area.Level.DISTRICT, name="Maldon", code="E07000074")
    for school, district in ((county["school"], north), (county["other"], south)):
        school.lsoa = make_area(Area.Level.LSOA, name=f"{district.name} 001A", district=district)
        school.low_age, school.high_age = 4, 11
        school.easting, school.northing = 570800.0, 206900.0
        school.save()
    return {"north": north, "south": south}


def make_visit(county, session=None, school=None, days_ago=3, delivered=True,
               contact_email="s.patel@oakfield.sch.uk"):
    """A confirmed visit `days_ago` days back, with its booking and (if delivered) its outcome."""
    session = session or county["home_fire"]
    school = school or county["school"]
    day = timezone.localdate() - timedelta(days=days_ago)
    booking = Booking.objects.create(
        school=school, contact_name="Sam Patel", contact_email=contact_email,
        dates_from=day, dates_to=day, pupils=28, year_groups=[5],
        status=Booking.Status.CONFIRMED)
    booking.sessions.add(session)
    starts = timezone.make_aware(datetime.combine(day, time(10, 0)))
    visit = Visit.objects.create(booking=booking, school=school, session=session,
                                 officer=county["owen"], starts_at=starts,
                                 ends_at=starts + timedelta(hours=1), status=Visit.Status.CONFIRMED)
    if delivered:
        VisitOutcome.objects.create(visit=visit, delivered=True, pupils_by_year_group={"Year 5": 28})
    return visit


def make_recipients():
    """Police take exploitation and knife concerns in Chelmsford; the council takes any topic
    anywhere. Returns the users by who they are."""
    police = Agency.objects.get(name="Testshire Police")
    council = make_agency("Testshire County Council", kind=Agency.Kind.COUNCIL)
    users = {
        "police_recipient": make_user(Role.PARTNER, email="dc.ward@police.example", agency=police),
        "council_recipient": make_user(Role.PARTNER, email="mash@council.example", agency=council),
        "police_colleague": make_user(Role.PARTNER, email="colleague@police.example",
                                      agency=police),
    }
    for topic in ("exploitation", "knife-carrying"):
        route = ConcernRoute.objects.create(topic=topic, area_code="E07000070", agency=police)
        route.recipients.add(users["police_recipient"])
    fallback = ConcernRoute.objects.create(topic="", area_code="", agency=council)
    fallback.recipients.add(users["council_recipient"])
    return users


def concern_data(**extra):
    data = {
        "reporter_name": "Jo Reid",
        "reporter_role": "Designated safeguarding lead",
        "reporter_email": "j.reid@oakfield.sch.uk",
        "is_safeguarding_lead": "on",
        "topic": "exploitation",
        "area": "E07000070",
        "what_was_seen": "Two Year 9 boys seen getting into a car <b>after school</b>\nnew phones",
        "when_seen": "Tuesday after school",
        "urgency": "this-week",
    }
    data.update(extra)
    return data
