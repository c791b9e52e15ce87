"""An officer's own calendar, read from a real HTTP server on loopback serving iCalendar files:
recurring events in their own time zones, all-day events, free and cancelled events, free/busy
periods; busy times are kept clear in slot offers and the term plan; a calendar that cannot be
read never fails a booking, and the page says so."""

import threading
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from safereach.bookings.offers import offers_for
from safereach.bookings.tests.factories import quiet_monday
from safereach.planning.term_plan import gather
from safereach.planning.tests.test_term_plan_page import ask
from safereach.workforce.models import BusyTime, Officer
from safereach.workforce.own_calendars import busy_times, read_own_calendar

LONDON = ZoneInfo("Europe/London")


def ics(monday: date) -> bytes:
    """Outlook-like: a weekly team meeting (Europe/London) every weekday morning 9:00-12:30 except
    one, a training day all day on Wednesday, a lunch marked free, a cancelled afternoon, a
    call at 10:00 New York time (15:00 here) on Thursday, and free/busy on Friday afternoon."""
    d = monday.strftime("%Y%m%d")
    wed, thu, fri = (monday + timedelta(days=n) for n in (2, 3, 4))
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Outlook like//EN",
        "BEGIN:VTIMEZONE", "TZID:Europe/London",
        "BEGIN:STANDARD", "DTSTART:19701025T020000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000", "END:STANDARD",
        "BEGIN:DAYLIGHT", "DTSTART:19700329T010000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100", "END:DAYLIGHT",
        "END:VTIMEZONE",
        "BEGIN:VEVENT", "UID:team@test", f"DTSTART;TZID=Europe/London:{d}T090000",
        f"DTEND;TZID=Europe/London:{d}T123000", "RRULE:FREQ=DAILY;COUNT=5;BYDAY=MO,TU,WE,TH,FR",
        f"EXDATE;TZID=Europe/London:{(monday + timedelta(days=1)).strftime('%Y%m%d')}T090000",
        "SUMMARY:Team meeting", "END:VEVENT",
        "BEGIN:VEVENT", "UID:training@test", f"DTSTART;VALUE=DATE:{wed:%Y%m%d}",
        f"DTEND;VALUE=DATE:{wed + timedelta(days=1):%Y%m%d}", "SUMMARY:Training", "END:VEVENT",
        "BEGIN:VEVENT", "UID:lunch@test", f"DTSTART;TZID=Europe/London:{d}T130000",
        f"DTEND;TZID=Europe/London:{d}T140000", "TRANSP:TRANSPARENT", "SUMMARY:Lunch", "END:VEVENT",
        "BEGIN:VEVENT", "UID:off@test", f"DTSTART;TZID=Europe/London:{d}T140000",
        f"DTEND;TZID=Europe/London:{d}T160000", "STATUS:CANCELLED", "SUMMARY:Cancelled", "END:VEVENT",
        "BEGIN:VEVENT", "UID:call@test", f"DTSTART;TZID=America/New_York:{thu:%Y%m%d}T100000",
        f"DTEND;TZID=America/New_York:{thu:%Y%m%d}T110000", "SUMMARY:Call", "END:VEVENT",
        "BEGIN:VEVENT", "UID:visit-1@safereach", f"DTSTART;TZID=Europe/London:{thu:%Y%m%d}T130000",
        f"DTEND;TZID=Europe/London:{thu:%Y%m%d}T140000", "SUMMARY:SafeReach visit", "END:VEVENT",
        "BEGIN:VFREEBUSY", f"DTSTART:{d}T000000Z", f"DTEND:{fri:%Y%m%d}T235900Z",
        f"FREEBUSY;FBTYPE=BUSY:{fri:%Y%m%d}T130000Z/PT2H", "END:VFREEBUSY",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def calendar_server():
    """A loopback server: /calendar.ics serves what `files` holds, /broken answers 500."""
    files = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            if self.path in files:
                body = files[self.path]
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(500)
                self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", files
    server.shutdown()
    server.server_close()


def local(day, h, m=0):
    return datetime(day.year, day.month, day.day, h, m, tzinfo=LONDON)


def test_busy_times_follow_recurrence_time_zones_and_free_marks():
    monday = date(2027, 3, 22)  # the week British Summer Time starts at the end of
    week = busy_times(ics(monday), monday, monday + timedelta(days=6))
    found = [(b.starts.astimezone(LONDON), b.ends.astimezone(LONDON)) for b in week]
    tue, wed, thu, fri = (monday + timedelta(days=n) for n in (1, 2, 3, 4))

    assert (local(monday, 9), local(monday, 12, 30)) in found
    assert not any(s.date() == tue for s, _ in found)  # the meeting's exception
    assert (local(wed, 0), local(wed + timedelta(days=1), 0)) in found  # all day
    # 10:00 in New York is 14:00 here that week: the US has changed its clocks, Britain not yet.
    assert (local(thu, 9), local(thu, 12, 30)) in found and (local(thu, 14), local(thu, 15)) in found
    assert (local(fri, 9), local(fri, 12, 30)) in found and (local(fri, 13), local(fri, 15)) in found
    assert not any(s.hour in (13, 14) and s.date() == monday for s, _ in found)  # free and cancelled
    assert not any(s == local(thu, 13) for s, _ in found)  # SafeReach's own visit, from its feed


def test_a_busy_morning_is_never_offered_and_the_plan_keeps_clear_of_it(county, calendar_server):
    url, files = calendar_server
    monday = quiet_monday()
    files["/calendar.ics"] = ics(monday)
    owen, fatima = county["owen"], county["fatima"]
    fatima.sessions.clear()  # only Owen delivers, so every offer is his
    owen.own_calendar_url = f"{url}/calendar.ics"
    owen.save()

    assert read_own_calendar(owen, today=timezone.localdate()) > 0

    booking = ask(county, county["school"], county["home_fire"], monday)
    offers = offers_for(booking, county["home_fire"], count=10)
    for offer in offers:
        starts = timezone.localtime(offer.starts_at)
        if starts.weekday() in (0, 3, 4):  # the meeting, 9:00 to 12:30
            assert starts.time() >= local(monday, 12, 30).time(), offer.starts_at
        assert starts.weekday() != 2  # the training day
    assert offers

    term = gather(monday, monday + timedelta(days=4))
    busy = [s for d in term.diaries for stops in d.stops.values() for s in stops if not s.is_visit]
    assert {(s.start, s.end) for s in busy} >= {(9 * 60, 12 * 60 + 30), (0, 24 * 60)}


def test_a_calendar_that_cannot_be_read_keeps_what_was_read_and_says_so(client, county, calendar_server):
    url, files = calendar_server
    monday = quiet_monday()
    files["/calendar.ics"] = ics(monday)
    owen = county["owen"]
    owen.own_calendar_url = f"{url}/calendar.ics"
    owen.save()
    read_own_calendar(owen, today=timezone.localdate())
    kept = BusyTime.objects.filter(officer=owen).count()

    Officer.objects.filter(pk=owen.pk).update(own_calendar_url=f"{url}/broken")
    owen.refresh_from_db()
    assert read_own_calendar(owen, today=timezone.localdate()) == 0
    files["/garbage.ics"] = b"<html>not a calendar</html>"
    Officer.objects.filter(pk=owen.pk).update(own_calendar_url=f"{url}/garbage.ics")
    owen.refresh_from_db()
    read_own_calendar(owen, today=timezone.localdate())

    owen.refresh_from_db()
    assert BusyTime.objects.filter(officer=owen).count() == kept
    assert "not an iCalendar file" in owen.own_calendar_problem
    booking = ask(county, county["school"], county["home_fire"], monday)
    assert offers_for(booking, county["home_fire"])  # booking goes on
    client.force_login(county["coordinator"])
    page = client.get(reverse("workforce:officer", args=[owen.pk])).content.decode()
    assert "The calendar could not be read: it is not an iCalendar file." in page and "Last read" in page


@pytest.mark.parametrize(
    "given, error",
    [
        ("calendar please", "Enter the calendar"),
        ("ftp://example.org/cal.ics", "Enter the calendar"),
        ("https://" + "a" * 2000 + ".ics", "2,000 characters or fewer"),
    ],
)
def test_a_bad_calendar_address_is_refused_and_nothing_is_saved(client, county, given, error):
    owen = county["owen"]
    client.force_login(county["coordinator"])
    data = {"save_officer": "1", "working_days": ["1", "2"], "day_starts": "8:30", "day_ends": "16:30",
            "max_visits_per_day": "3", "own_calendar_url": given}

    page = client.post(reverse("workforce:officer", args=[owen.pk]), data)

    assert page.status_code == 200 and error in page.content.decode()
    owen.refresh_from_db()
    assert owen.own_calendar_url == "" and owen.working_days == "12345"


def test_a_webcal_address_is_kept_as_https(client, county):
    client.force_login(county["coordinator"])
    data = {"save_officer": "1", "working_days": ["1", "2", "3", "4", "5"], "day_starts": "8:30",
            "day_ends": "16:30", "max_visits_per_day": "3",
            "own_calendar_url": "webcal://calendar.example.org/owa/busy.ics"}

    client.post(reverse("workforce:officer", args=[county["owen"].pk]), data)

    county["owen"].refresh_from_db()
    assert county["owen"].own_calendar_url == "https://calendar.example.org/owa/busy.ics"
