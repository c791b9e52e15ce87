"""Schools asking for visits and a coordinator approving and cancelling, all at once, against a
real multi-process server (gunicorn, as in production) on a database of its own: SQLite here,
PostgreSQL when DATABASE_URL names one. No answer is a 500 and nothing is half saved."""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django_otp.oath import totp

from tests.concurrency.world import APPROVALS, COORDINATOR_KEY

pytestmark = pytest.mark.real_clock
PROJECT = Path(__file__).resolve().parents[1]
SCHOOLS = 30  # public requests, each a request form and the times page after it
WORKERS = 3  # gunicorn processes
DEADLINE = 120  # seconds for any one wait


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_url(tmp_path):
    """A database of the server's own: a new SQLite file, or a new PostgreSQL database beside the
    one DATABASE_URL names (dropped afterwards)."""
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        return
    import psycopg

    name = f"safereach_concurrency_{os.getpid()}"
    with psycopg.connect(given, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(given)
    yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(given, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def server(database_url, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "safereach.settings",
        "SAFEREACH_SECRET_KEY": "concurrency-test-key-" + "x" * 40,
        "SAFEREACH_DEBUG": "0",
        "SAFEREACH_ALLOWED_HOSTS": "127.0.0.1",
        "SAFEREACH_PUBLIC_FORM_LIMIT": "10000",
        "SAFEREACH_PERIODIC_TICKER": "0",
        "SAFEREACH_TASKS": "immediate",
        "SAFEREACH_PLANNER_WORKERS": "1",
        "SAFEREACH_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONPATH": str(PROJECT),
    }
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, *args], env=env, cwd=PROJECT, check=True, capture_output=True, text=True,
        timeout=300)
    run("-m", "safereach.manage", "migrate", "--no-input")
    world = json.loads(run("-m", "tests.concurrency.world", "seed").stdout.strip().splitlines()[-1])
    log = open(tmp_path / "gunicorn.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "safereach.wsgi:application", "--workers", str(WORKERS),
         "--bind", f"127.0.0.1:{port}", "--timeout", "120"],
        env=env, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            urllib.request.urlopen(base + "/accessibility/", timeout=5)
            break
        except OSError:  # not listening yet, or still starting its workers
            assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
    try:
        yield base, world, lambda: json.loads(run("-m", "tests.concurrency.world", "check").stdout.strip()
                                              .splitlines()[-1])
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


class Browser:
    """Cookies, the CSRF token, and no following of redirects: each answer as it came."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self.NoRedirect)

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def go(self, path, data=None) -> tuple[int, str, str]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=DEADLINE) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers.get("Location", ""), answer.read().decode(errors="replace")


def a_school_asks(base, world, n) -> list[int]:
    school = Browser(base)
    path = f"/book/school/{world['urn']}/"
    statuses = [school.go(path)[0]]
    status, location, _ = school.go(path, {
        "sessions": [world["session"]], "dates_from": world["first_day"], "dates_to": world["last_day"],
        "part_of_day": "any", "school_day_starts": "8:45", "lunch_starts": "12:00",
        "school_day_ends": "15:15", "pupils": "28", "year_groups": ["5"], "access_needs": "",
        "contact_name": f"Contact {n}", "contact_role": "", "contact_email": f"c{n}@oakfield.sch.uk",
        # One school's many groups: each says so, as a school asked again for a session must.
        "book_again": "1",
    })
    statuses.append(status)
    if status == 302:
        times, _, html = school.go(urllib.parse.urlsplit(location).path)
        statuses.append(times)
        choice = re.search(r'name="(session_\d+)"[^>]*value="([^"]+)"', html) or re.search(
            r'value="([^"]+)"[^>]*name="(session_\d+)"', html)
        if times == 200 and choice:
            name, value = choice.groups() if choice.group(1).startswith("session_") else choice.groups()[::-1]
            statuses.append(school.go(urllib.parse.urlsplit(location).path, {name: value})[0])
    return statuses


def test_schools_and_a_coordinator_at_once_get_no_500_and_nothing_is_half_saved(server):
    base, world, check = server
    coordinator = Browser(base)
    coordinator.go("/accounts/sign-in/")
    assert coordinator.go("/accounts/sign-in/", {"email": world["coordinator"],
                                                 "password": "correct-horse-battery"})[0] == 302
    code = f"{totp(bytes.fromhex(COORDINATOR_KEY)):06d}"
    assert coordinator.go("/accounts/two-step/", {"code": code})[0] == 302

    def act(n, pk):
        action = "approve" if n % 2 == 0 else "cancel"
        return [coordinator.go(f"/book/queue/{pk}/action/", {"action": action})[0]]

    with ThreadPoolExecutor(max_workers=12) as pool:
        jobs = [pool.submit(a_school_asks, base, world, n) for n in range(SCHOOLS)]
        jobs += [pool.submit(act, n, pk) for n, pk in enumerate(world["waiting"])]
        answers = [job.result(timeout=DEADLINE * 3) for job in jobs]

    statuses = [s for answer in answers for s in answer]
    assert not [s for s in statuses if s >= 500], statuses
    public, actions = answers[:SCHOOLS], answers[SCHOOLS:]
    assert all(answer[:2] == [200, 302] for answer in public), public
    assert all(answer == [302] for answer in actions), actions

    saved = check()
    assert saved["without_sessions"] == 0
    assert saved["confirmed_with_held_visits"] == 0 and saved["cancelled_with_live_visits"] == 0
    assert saved["bookings"] == SCHOOLS + APPROVALS
    assert saved["statuses"].get("cancelled", 0) == APPROVALS // 2
