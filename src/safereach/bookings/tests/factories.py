"""Rows for booking tests: a small county near Chelmsford with a fire service, two officers,
sessions and schools, term dates around today. Shared with the browser tests."""

import itertools
from datetime import date, time, timedelta

from django.utils import timezone

from safereach.accounts.models import Agency, Role
from safereach.accounts.tests.factories import make_agency, make_user
from safereach.bookings.calendar_days import is_bank_holiday
from safereach.bookings.models import KnownAddress, Term
from safereach.catalogue.models import Session
from safereach.matrix.tests.factories import programme
from safereach.schools.tests.factories import make_school
from safereach.workforce.models import Leave
from safereach.workforce.tests.factories import make_officer, make_station

_n = itertools.count(1)


def make_session(partner, title=None, **extra):
    n = next(_n)
    values = dict(
        programme="home-fire-safety",
        title=title or f"Session {n}",
        slug=f"session-{n}",
        description="What to do if there is a fire at home.",
        year_groups=[3, 4, 5, 6],
        length_minutes=60,
        group_size=30,
        tiers_served=[1, 2],
    )
    values.update(extra)
    if isinstance(values["programme"], str):
        values["programme"] = programme(values["programme"])
    return Session.objects.create(partner=partner, **values)


def quiet_monday(weeks_ahead: int = 2) -> date:
    """A Monday at least `weeks_ahead` weeks away whose week has no bank holiday."""
    day = timezone.localdate() + timedelta(weeks=weeks_ahead)
    day += timedelta(days=(7 - day.weekday()) % 7)
    while any(is_bank_holiday(day + timedelta(days=i)) for i in range(5)):
        day += timedelta(weeks=1)
    return day


# Chelmsford and places around it: (lon, lat)
CENTRAL = (0.4691, 51.7356)
NEARBY = (0.4800, 51.7400)  # about 1 km from central
TOWN = (0.5400, 51.7700)  # about 6 km
FAR = (0.9014, 51.8959)  # Colchester, about 35 km


def make_county():
    fire = make_agency("Testshire Fire and Rescue Service")
    police = make_agency("Testshire Police", kind=Agency.Kind.POLICE)
    station = make_station("Central Fire Station", lon=CENTRAL[0], lat=CENTRAL[1])
    far_station = make_station("Colchester Fire Station", lon=FAR[0], lat=FAR[1])
    coordinator = make_user(Role.COORDINATOR, email="coordinator@fire.example", agency=fire)
    officer_user = make_user(Role.OFFICER, email="owen@fire.example", agency=fire)
    home_fire = make_session(fire, "Home fire safety for juniors", slug="home-fire-safety-juniors")
    hoax = make_session(
        fire,
        "Hoax calls",
        slug="hoax-calls",
        programme="hoax-calls",
        length_minutes=45,
        year_groups=[5, 6, 7],
    )
    knife = make_session(
        police,
        "Knife crime and gangs",
        slug="knife-crime",
        programme="knife-crime",
        year_groups=[7, 8, 9],
        cost_pence=5000,
    )
    owen = make_officer(
        fire,
        "Owen Jones",
        user=officer_user,
        base=station,
        day_starts=time(8, 30),
        day_ends=time(16, 30),
        max_visits_per_day=3,
    )
    fatima = make_officer(
        fire,
        "Fatima Khan",
        base=far_station,
        day_starts=time(8, 30),
        day_ends=time(16, 30),
        max_visits_per_day=2,
    )
    owen.sessions.add(home_fire, hoax)
    fatima.sessions.add(home_fire)
    school = make_school(
        name="Oakfield Primary School",
        urn=123456,
        la_code="881",
        town="Chelmsford",
        postcode="CM1 1AA",
        lon=NEARBY[0],
        lat=NEARBY[1],
    )
    other = make_school(
        name="Riverside Junior School", urn=654321, la_code="881", town="Chelmsford", lon=TOWN[0], lat=TOWN[1]
    )
    KnownAddress.objects.create(school=school, domain="oakfield.sch.uk")
    today = timezone.localdate()
    Term.objects.create(
        la_code="",
        name="This year",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
    )
    return {
        "fire": fire,
        "police": police,
        "coordinator": coordinator,
        "owen": owen,
        "fatima": fatima,
        "home_fire": home_fire,
        "hoax": hoax,
        "knife": knife,
        "school": school,
        "other": other,
        "station": station,
    }


def make_session_nobody_can_reach(county):
    """A session whose only officer is away for months, so no time can be offered for it."""
    session = make_session(
        county["fire"], "Water safety assembly", slug="water-safety-assembly", programme="water-safety"
    )
    away = make_officer(county["fire"], "Alex Morgan", base=county["station"])
    away.sessions.add(session)
    today = timezone.localdate()
    Leave.objects.create(
        officer=away, starts_on=today, ends_on=today + timedelta(days=300), reason="Secondment"
    )
    return session


def request_data(county, monday=None, **extra):
    """What a school contact types into the request form."""
    monday = monday or quiet_monday()
    data = {
        "sessions": [county["home_fire"].pk],
        "dates_from": monday.isoformat(),
        "dates_to": (monday + timedelta(days=4)).isoformat(),
        "part_of_day": "any",
        "school_day_starts": "8:45",
        "lunch_starts": "12:00",
        "school_day_ends": "15:15",
        "pupils": "28",
        "year_groups": ["5"],
        "access_needs": "One pupil uses a wheelchair",
        "contact_name": "Sam Patel",
        "contact_role": "PSHE lead",
        "contact_email": "s.patel@oakfield.sch.uk",
    }
    data.update(extra)
    return data
