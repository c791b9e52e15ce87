"""Twenty schools ask and choose at the same moment against a real server: every request is
saved whole or not at all, and a busy SQLite makes them wait, never fail.

The server is `safereach runserver` in a process of its own, on a copy of the test database
(a file in WAL mode for SQLite, as the demo runs it; the test database itself on
PostgreSQL), with one thread per request; the schools are threads here, each with its own
cookies, that reach each step together."""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.db import connection

from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import make_county, request_data

pytestmark = pytest.mark.django_db(transaction=True)

SCHOOLS = 20
DEADLINE = 180  # seconds for the whole exchange; it takes a few on an idle machine
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(tmp_path) -> str:
    """The server's database: the test database's rows, where another process can open them."""
    if connection.vendor == "sqlite":
        path = tmp_path / "server.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}"
    s = connection.settings_dict
    user, password = urllib.parse.quote(s["USER"] or ""), urllib.parse.quote(s["PASSWORD"] or "")
    return f"postgres://{user}:{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def back_from(url: str) -> None:
    """What the server wrote, read back into the test database (SQLite: a copy)."""
    if connection.vendor == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite:///")) as copy:
            copy.backup(connection.connection)


class Server:
    def __init__(self, url: str, log_path):
        self.port = free_port()
        env = dict(
            os.environ,
            DATABASE_URL=url,
            SAFEREACH_DEBUG="1",
            SAFEREACH_PUBLIC_FORM_LIMIT="10000",
            SAFEREACH_PERIODIC_TICKER="0",
            SAFEREACH_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            SAFEREACH_CONN_MAX_AGE="0",
        )
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "safereach.manage", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_until_up(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the server stopped"
            try:
                urllib.request.urlopen(self.base + "/book/", timeout=5).read()
                return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("the server did not answer")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


class School:
    """One contact's browser: its own cookies; notes the status of every answer."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.statuses: list[int] = []
        self.page, self.url = "", ""

    def go(self, path_or_url: str, data: dict | None = None) -> None:
        url = path_or_url if path_or_url.startswith("http") else self.base + path_or_url
        body = None
        if data is not None:
            data = dict(data, csrfmiddlewaretoken=TOKEN.search(self.page).group(1))
            body = urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with self.opener.open(url, body, timeout=120) as answer:
                self.statuses.append(answer.status)
                self.page, self.url = answer.read().decode(), answer.url
        except urllib.error.HTTPError as error:
            self.statuses.append(error.code)
            self.page, self.url = error.read().decode(errors="replace"), url


@pytest.mark.real_clock
def test_twenty_schools_at_once_nothing_half_saved_and_no_error(tmp_path):
    county = make_county()
    session = county["home_fire"]
    # One school's many groups at once: each says so, as a school asking again must.
    form = request_data(county, book_again="1")
    url = database_url(tmp_path)
    server = Server(url, tmp_path / "server.log")
    deadline = time.monotonic() + DEADLINE
    together = threading.Barrier(SCHOOLS, timeout=DEADLINE)
    schools, errors = [School(server.base) for _ in range(SCHOOLS)], []

    def one_school(school: School, n: int) -> None:
        try:
            school.go(f"/book/school/{county['school'].urn}/")
            together.wait()
            school.go(school.url, dict(form, contact_email=f"head{n}@oakfield.sch.uk"))
            choice = re.search(rf'name="session_{session.pk}"[^>]*value="([^"]+)"', school.page)
            together.wait()
            if choice:
                school.go(school.url, {f"session_{session.pk}": choice.group(1)})
        except Exception as exc:  # noqa: BLE001 - reported by the test, not swallowed
            errors.append(exc)
            together.abort()

    try:
        server.wait_until_up(deadline)
        threads = [threading.Thread(target=one_school, args=(s, n)) for n, s in enumerate(schools)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in threads), f"not finished in {DEADLINE} s"
    finally:
        server.stop()
    log = (tmp_path / "server.log").read_text()
    assert errors == [], log[-3000:]
    statuses = [code for s in schools for code in s.statuses]
    assert [c for c in statuses if c >= 500] == [], log[-3000:]
    assert len(statuses) == 3 * SCHOOLS and set(statuses) == {200}, json.dumps(statuses)

    back_from(url)
    # Every request saved whole: each booking asks for its session, none is empty.
    bookings = Booking.objects.all()
    assert bookings.count() == SCHOOLS
    assert not bookings.filter(sessions__isnull=True).exists()
    # Each chose a time and holds it, or found it taken and is still choosing: nothing between.
    for booking in bookings:
        live = Visit.objects.filter(booking=booking, status__in=Visit.LIVE).count()
        assert (booking.status, live) in {(Booking.Status.HELD, 1), (Booking.Status.REQUESTED, 0)}
    # One officer's time is held once at most.
    starts = list(Visit.objects.filter(status__in=Visit.LIVE).values_list("officer", "starts_at"))
    assert len(starts) == len(set(starts)) >= 1
