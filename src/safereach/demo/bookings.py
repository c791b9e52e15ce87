"""The demo county's catalogue, officers' skills and leave, term dates, the school email domains
SafeReach knows, a diary of visits already booked and the visits of the last few school weeks:
added when `safereach demo` builds the county and removed with it."""

from datetime import date, timedelta

import numpy as np
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from safereach.accounts.models import Agency
from safereach.bookings.calendar_days import open_days
from safereach.bookings.models import Booking, Closure, KnownAddress, Term, Visit
from safereach.catalogue.models import Session
from safereach.delivery.officer_week import monday_of
from safereach.demo.names import person_name
from safereach.demo.partners import CHARITY, COUNCIL, FIRE, POLICE
from safereach.demo.schools import LA_CODE
from safereach.matrix.models import Programme
from safereach.schools.models import School
from safereach.workforce.models import Leave, Officer

DEMO_DOMAIN_SUFFIX = ".sch.test"  # .test is reserved: no mail can go there
EXISTING_VISITS = 150
PAST_WEEKS = 4  # school weeks before today whose visits have happened
PAST_VISITS = 72
# The officer with a demo sign-in gets at least this many visits in the last school week they
# worked, so their week page has outcomes to record.
SIGNED_IN_OFFICER_VISITS = 2

# agency, programme, title, year groups, minutes, group size, cost in pence, place, tiers, description
SESSIONS = [
    (
        FIRE,
        "home-fire-safety",
        "Home fire safety: escape plans",
        [1, 2, 3, 4],
        60,
        30,
        0,
        "school",
        [1, 2],
        "Smoke alarms, closing doors at night and planning a way out, with an escape plan to take home.",
    ),
    (
        FIRE,
        "arson",
        "Deliberate fires and their consequences",
        [8, 9, 10],
        60,
        30,
        0,
        "school",
        [1, 2, 3],
        "Why deliberate fires in parks, bins and empty buildings put lives at risk, and what happens next.",
    ),
    (
        FIRE,
        "hoax-calls",
        "Hoax calls cost lives",
        [5, 6, 7],
        45,
        30,
        0,
        "school",
        [1, 2],
        "What happens when 999 is called, and why a hoax call can delay help to someone in danger.",
    ),
    (
        FIRE,
        "water-safety",
        "Be water aware",
        [5, 6],
        60,
        60,
        0,
        "school",
        [1],
        "Cold water shock, rip currents and what to do if someone is in trouble in the water.",
    ),
    (
        POLICE,
        "knife-crime",
        "Knife crime: choices and consequences",
        [8, 9, 10, 11, 12, 13],
        60,
        30,
        0,
        "school",
        [2, 3],
        "The law on carrying knives, the real consequences, and where to get help.",
    ),
    (
        POLICE,
        "exploitation",  # the matrix's "Exploitation and online safety"
        "Staying safe online",
        [5, 6, 7, 8],
        50,
        30,
        0,
        "school",
        [1, 2],
        "Sharing images, grooming, and how to report worries, in language pupils use.",
    ),
    (
        POLICE,
        "asb",
        "Respect in our community",
        [6, 7, 8],
        45,
        30,
        0,
        "school",
        [1, 2],
        "How anti-social behaviour affects neighbours, and the part young people can play.",
    ),
    (
        COUNCIL,
        "road-safety",
        "Road safety for young pedestrians",
        [1, 2, 3],
        45,
        30,
        0,
        "school",
        [1],
        "Crossing safely, being seen, and walking to school, with an outdoor practice.",
    ),
    (
        CHARITY,
        "exploitation",
        "County lines and exploitation",
        [9, 10, 11, 12],
        75,
        30,
        7500,
        "school",
        [2, 3],
        "How criminal exploitation starts and the signs to look for, told by people who lived it.",
    ),
    (
        CHARITY,
        "drugs-alcohol",
        "Drugs, alcohol and peer pressure",
        [10, 11, 12, 13],
        60,
        30,
        7500,
        "partner",
        [2, 3],
        "A workshop at our centre on risks, the law and saying no.",
    ),
    # The fire service's programmes reach beyond its first sessions' year groups: these two
    # give the schools at the top of those lists something of the programme to book.
    (
        FIRE,
        "arson",
        "Playing with fire: why it is not a game",
        [5, 6],
        45,
        30,
        0,
        "school",
        [1, 2, 3],
        "How a small fire grows, why matches and lighters are not toys, and who to tell.",
    ),
    (
        FIRE,
        "home-fire-safety",
        "Cooking, candles and getting out: fire safety at home",
        [7, 8, 9, 10, 11, 12, 13],
        50,
        30,
        0,
        "school",
        [1, 2],
        "The fires that start in kitchens and bedrooms, smoke alarms, a plan to get out, and for sixth "
        "formers a first home of their own.",
    ),
]


def academic_years(today: date) -> list[int]:
    """Last year's (the visits already delivered may reach back into it), this year's and next."""
    first = today.year if today.month >= 9 else today.year - 1
    return [first - 1, first, first + 1]


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def term_dates(year: int) -> tuple[list, list]:
    """England's usual pattern: three terms with a week's half term in each; no Easter lookup,
    the spring term simply ends at the end of March."""
    autumn_half = _monday_on_or_after(date(year, 10, 23))
    spring_half = _monday_on_or_after(date(year + 1, 2, 12))
    summer_half = _monday_on_or_after(date(year + 1, 5, 25))
    terms = [
        (f"Autumn term {year}", date(year, 9, 3), date(year, 12, 18)),
        (f"Spring term {year + 1}", date(year + 1, 1, 5), date(year + 1, 3, 26)),
        (f"Summer term {year + 1}", date(year + 1, 4, 12), date(year + 1, 7, 21)),
    ]
    closures = [
        ("October half term", autumn_half, autumn_half + timedelta(days=4)),
        ("February half term", spring_half, spring_half + timedelta(days=4)),
        ("May half term", summer_half, summer_half + timedelta(days=4)),
    ]
    return terms, closures


def clear_demo_bookings() -> None:
    fictional = Q(school__is_fictional=True) | Q(officer__is_fictional=True)
    Visit.objects.filter(fictional).delete()
    Booking.objects.filter(school__is_fictional=True).delete()
    Visit.objects.filter(session__partner__is_fictional=True).delete()
    Session.objects.filter(partner__is_fictional=True).delete()
    Term.objects.filter(la_code=LA_CODE).delete()
    Closure.objects.filter(la_code=LA_CODE).delete()


def add_demo_bookings(county, agencies: dict[str, Agency], today: date | None = None) -> dict:
    today = today or timezone.localdate()
    rng = np.random.default_rng(county.seed + 4)
    programmes = {p.slug: p for p in Programme.objects.filter(slug__in=[s[1] for s in SESSIONS])}
    sessions = []
    for slug, programme, title, years, minutes, size, pence, place, tiers, text in SESSIONS:
        sessions.append(
            Session(
                partner=agencies[slug],
                programme=programmes[programme],
                title=title,
                slug=slugify(f"demo-{title}")[:120],
                description=text,
                year_groups=years,
                length_minutes=minutes,
                group_size=size,
                cost_pence=pence,
                delivery_place=place,
                tiers_served=tiers,
                # Away from the school, no officer here delivers it: schools book it with the
                # partner directly (.test: no mail can go there).
                contact_email="" if place == Session.Place.SCHOOL else f"schools@{agencies[slug].slug}.test",
            )
        )
    Session.objects.bulk_create(sessions)
    sessions = list(Session.objects.filter(partner__in=agencies.values()).select_related("programme"))
    officers = list(Officer.objects.filter(agency__in=agencies.values()))
    for officer in officers:
        own = [s for s in sessions if s.partner_id == officer.agency_id and s.is_visit]
        # Most officers deliver all their agency's sessions; some are not yet trained for one.
        if len(own) > 1 and rng.random() < 0.3:
            own.pop(int(rng.integers(0, len(own))))
        officer.sessions.set(own)
        if rng.random() < 0.4:  # a week of leave in the next two months for some
            start = today + timedelta(days=int(rng.integers(7, 60)))
            Leave.objects.create(
                officer=officer, starts_on=start, ends_on=start + timedelta(days=4), reason="Annual leave"
            )
    for year in academic_years(today):
        terms, closures = term_dates(year)
        Term.objects.bulk_create([Term(la_code=LA_CODE, name=n, starts_on=s, ends_on=e) for n, s, e in terms])
        Closure.objects.bulk_create(
            [Closure(la_code=LA_CODE, name=n, starts_on=s, ends_on=e) for n, s, e in closures]
        )
    schools = list(School.objects.filter(is_fictional=True, lon__isnull=False))
    KnownAddress.objects.bulk_create(
        [KnownAddress(school=s, domain=f"{slugify(s.name)}{DEMO_DOMAIN_SUFFIX}") for s in schools]
    )
    visits = book_existing_visits(rng, schools, sessions, today, EXISTING_VISITS)
    add_queue(rng, schools, sessions, today)
    # Its own generator, so the diary ahead stays as it was before the past was added.
    past = add_past_visits(np.random.default_rng(county.seed + 5), schools, sessions, officers, today)
    weeks = len({monday_of(d) for d in recent_school_days(LA_CODE, today)})
    return {"sessions": len(sessions), "visits": visits, "past visits": past, "past school weeks": weeks}


def add_queue(rng, schools, sessions, today: date) -> None:
    """Something for the demo coordinator to work: one booking from an address the school is not
    known by (held, waiting for approval) and one request no time fitted."""
    from safereach.bookings.diary import at
    from safereach.bookings.offers import Diaries, booking_settings

    # Both ask home fire safety for Years 3 and 4, from schools that teach them.
    fire = [
        s
        for s in sessions
        if s.programme.slug == "home-fire-safety" and {3, 4} <= set(s.year_groups) and s.officers.exists()
    ]
    if not fire:
        return
    start = today + timedelta(days=14)
    teaching = [s for s in schools if {3, 4} <= s.year_groups_taught]
    first, second = (teaching[int(i)] for i in rng.choice(len(teaching), size=2, replace=False))
    waiting = Booking.objects.create(
        school=first,
        contact_name="Jo Brennan",
        contact_role="Year 4 teacher",
        contact_email="jo.brennan@mailbox.test",
        dates_from=start,
        dates_to=start + timedelta(days=9),
        pupils=28,
        year_groups=[4],
    )
    waiting.sessions.add(fire[0])
    slots = Diaries(waiting, fire[0]).slots()
    if slots:
        slot = slots[0]
        Visit.objects.hold(
            booking=waiting,
            school=first,
            session=fire[0],
            officer_id=slot.officer_id,
            starts_at=at(slot.day, slot.start),
            ends_at=at(slot.day, slot.end),
            added_travel_minutes=slot.added_travel,
            is_fictional=True,
        )
    waiting.hold_for_approval(timezone.now() + timedelta(hours=booking_settings()["APPROVAL_HOLD_HOURS"]))
    queued = Booking.objects.create(
        school=second,
        contact_name="Priya Shah",
        contact_role="Safeguarding lead",
        contact_email=f"p.shah@{slugify(second.name)}{DEMO_DOMAIN_SUFFIX}",
        dates_from=start,
        dates_to=start + timedelta(days=2),
        part_of_day=Booking.PartOfDay.MORNING,
        pupils=60,
        year_groups=[3, 4],
        access_needs="Two pupils use hearing aids",
    )
    queued.sessions.add(fire[0])
    queued.send_to_queue()


def book_existing_visits(rng, schools, sessions, today: date, count: int) -> int:
    """Visits already in officers' diaries, each part of a school's confirmed booking (so the
    queue, the school's manage page and the case systems see them as any other), put there by
    the same slot search schools use, at the offer with the least added travel."""
    bookable = [s for s in sessions if s.is_visit and s.officers.exists()]
    suited = {s.pk: [school for school in schools if _booked_years(school, s)] for s in bookable}
    bookable = [s for s in bookable if suited[s.pk]]
    booked: list[Booking] = []
    for _ in range(count * 3):
        if len(booked) >= count or not bookable:
            break
        session = bookable[int(rng.integers(0, len(bookable)))]
        school = suited[session.pk][int(rng.integers(0, len(suited[session.pk])))]
        start = today + timedelta(days=int(rng.integers(3, 60)))
        last = start + timedelta(days=6)
        tomorrow = today + timedelta(days=1)
        yesterday = today - timedelta(days=1)
        booking = _past_booking(rng, school, session, start, last, tomorrow, asked_by=yesterday)
        if booking is not None:
            booked.append(booking)
    Booking.objects.bulk_update(booked, ["created_at", "confirmed_at"])
    return len(booked)


def recent_school_days(la_code: str, today: date, weeks: int = PAST_WEEKS) -> list[date]:
    """The open days before today in the last `weeks` weeks that had any: half terms, bank
    holidays and the summer break are stepped over, not counted."""
    days = open_days(la_code, today - timedelta(weeks=weeks + 12), today - timedelta(days=1))
    mondays = sorted({monday_of(d) for d in days})[-weeks:]
    return [d for d in days if mondays and monday_of(d) >= mondays[0]]


def add_past_visits(rng, schools, sessions, officers, today: date) -> int:
    """Visits of the last few school weeks, as they were booked then: some leave taken, each
    visit found by the slot search as it stood before those weeks began, for a school that
    teaches the session's year groups."""
    days = recent_school_days(LA_CODE, today)
    if not days:
        return 0
    mondays = sorted({monday_of(d) for d in days})
    for officer in officers:
        if rng.random() < 0.2:  # a few days away in those weeks, for some
            start = mondays[int(rng.integers(0, len(mondays)))] + timedelta(days=int(rng.integers(0, 3)))
            Leave.objects.create(
                officer=officer,
                starts_on=start,
                ends_on=start + timedelta(days=int(rng.integers(1, 5))),
                reason=["Annual leave", "Training course"][int(rng.integers(0, 2))],
            )
    bookable = [s for s in sessions if s.is_visit and s.officers.exists()]
    suited = {s.pk: [school for school in schools if _booked_years(school, s)] for s in bookable}
    bookable = [s for s in bookable if suited[s.pk]]
    if not bookable:
        return 0
    booked: list[Booking] = []
    pairs: set[tuple[int, int]] = set()  # a school has each session once in a few weeks
    for _ in range(PAST_VISITS * 3):
        if len(booked) >= PAST_VISITS:
            break
        session = bookable[int(rng.integers(0, len(bookable)))]
        school = suited[session.pk][int(rng.integers(0, len(suited[session.pk])))]
        if (school.pk, session.pk) in pairs:
            continue
        first = days[int(rng.integers(0, len(days)))]
        booking = _past_booking(
            rng, school, session, first, min(first + timedelta(days=6), days[-1]), days[0]
        )
        if booking is not None:
            booked.append(booking)
            pairs.add((school.pk, session.pk))
    for officer in officers:
        if officer.user_id is not None:
            booked += _fill_last_week(rng, officer, suited, days, pairs)
    Booking.objects.bulk_update(booked, ["created_at", "confirmed_at"])
    return len(booked)


def _fill_last_week(rng, officer, suited, days, pairs) -> list[Booking]:
    """Visits for an officer who signs in to the demo, in the latest of the weeks they worked."""
    own = [s for s in officer.sessions.all() if s.pk in suited]
    if not own:
        return []
    booked = []
    for monday in sorted({monday_of(d) for d in days}, reverse=True):
        week = [d for d in days if monday_of(d) == monday]
        have = Visit.objects.filter(
            officer=officer,
            status__in=Visit.LIVE,
            starts_at__date__gte=week[0],
            starts_at__date__lte=week[-1],
        ).count()
        for _ in range(20):
            if have >= SIGNED_IN_OFFICER_VISITS:
                break
            session = own[int(rng.integers(0, len(own)))]
            school = suited[session.pk][int(rng.integers(0, len(suited[session.pk])))]
            if (school.pk, session.pk) in pairs:
                continue
            booking = _past_booking(rng, school, session, week[0], week[-1], days[0], officer=officer)
            if booking is not None:
                booked.append(booking)
                pairs.add((school.pk, session.pk))
                have += 1
        if have:
            break
    return booked


def _booked_years(school: School, session: Session) -> list[int]:
    """The session's year groups the school teaches, if the session is meant for its need."""
    if school.need_tier is not None and school.need_tier not in (session.tiers_served or []):
        return []
    return sorted(school.year_groups_taught & set(session.year_groups or []))


CONTACT_ROLES = ["PSHE lead", "Safeguarding lead", "Deputy headteacher", "Head of year", "Class teacher"]


def _past_booking(rng, school, session, first: date, last: date, weeks_start: date, officer=None,
                  asked_by: date | None = None):
    """A confirmed booking for one class of the school, and its visit at the best time the slot
    search found from before `weeks_start`; None when no officer was free. `asked_by`: the
    booking was asked for and confirmed by the end of that day at the latest."""
    from safereach.bookings.diary import at
    from safereach.bookings.offers import Diaries

    years = _booked_years(school, session)
    year = years[int(rng.integers(0, len(years)))]
    taught = school.year_groups_taught
    year_size = (school.pupils or 30 * len(taught)) / max(1, len(taught))
    chosen = [year]
    mixed_with = next((y for y in (year + 1, year - 1) if y in years), None)
    if year_size < 20 and mixed_with is not None:
        # A small school teaches two year groups as one class.
        chosen = sorted([year, mixed_with])
    pupils = int(min(session.group_size, max(6, round(year_size * len(chosen)))))
    first_name, last_name = person_name(rng)
    role = CONTACT_ROLES[int(rng.integers(0, len(CONTACT_ROLES)))]
    email = f"{first_name[0]}.{last_name}@{slugify(school.name)}{DEMO_DOMAIN_SUFFIX}".lower()
    booking = Booking(
        school=school,
        contact_name=f"{first_name} {last_name}",
        contact_role=role,
        contact_email=email,
        dates_from=first,
        dates_to=last,
        pupils=pupils,
        year_groups=chosen,
    )
    # The slot search never offers its own "today", so it is asked as on the day before.
    diaries = Diaries(
        booking,
        session,
        today=weeks_start - timedelta(days=1),
        officers=None if officer is None else [officer],
    )
    slots = diaries.slots()
    if not slots:
        return None
    slot = slots[0]
    booking.save()
    booking.sessions.add(session)
    Visit.objects.hold(
        booking=booking,
        school=school,
        session=session,
        officer_id=slot.officer_id,
        starts_at=at(slot.day, slot.start),
        ends_at=at(slot.day, slot.end),
        added_travel_minutes=slot.added_travel,
        is_fictional=True,
    )
    # Asked for two to six weeks ahead, and confirmed by the contact within the hour.
    booking.created_at = at(slot.day, 600) - timedelta(days=int(rng.integers(14, 43)))
    if asked_by is not None:
        booking.created_at = min(booking.created_at, at(asked_by, 14 * 60))
    confirmed_at = booking.created_at + timedelta(minutes=int(rng.integers(5, 60)))
    booking.hold(until=booking.created_at + timedelta(hours=1))
    booking.confirm(f"{email} (by email link)", now=confirmed_at)
    return booking
