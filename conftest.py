"""Fixtures every test may use: the real open data beside the project, a small county to book
in, signed-in staff, and settings that keep tests quick and independent of one another."""

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache


@pytest.fixture
def shared_data() -> Path:
    """The real open data beside the project. It must be there under CI; elsewhere its
    absence skips the test rather than failing it."""
    path = Path(django_settings.SHARED_DATA_DIR)
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the shared data folder {path} is missing")
        pytest.skip(f"shared data folder {path} is absent")
    return path


# Every test runs on the same day, whatever the real date: a Monday morning in the autumn term.
# The clock still moves on from there (so waits and deadlines behave), but a test never meets a
# term boundary, a bank holiday or midnight that the real date would bring.
TODAY = datetime(2026, 11, 16, 9, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def fixed_today(request):
    if request.node.get_closest_marker("real_clock"):
        # The test runs a server in a process of its own, which keeps the real clock: so does it.
        yield None
        return
    with time_machine.travel(TODAY, tick=True):
        yield TODAY.date()


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    # Staff users are made for most tests; a slow hash would be much of the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def two_step_sign_in(request, settings):
    # Most tests sign staff in with force_login, which gives no code: two-step sign-in
    # (accounts.two_step) is tested where a test is marked two_step, and is off elsewhere.
    settings.SAFEREACH_TWO_STEP = bool(request.node.get_closest_marker("two_step"))


def forget_kept_counts():
    # The map remembers areas' monthly counts in the process until they are refreshed; a test's
    # refresh may carry the same marks as another's (a frozen clock), so none inherits them.
    from safereach.maps import counts

    counts.forget()


@pytest.fixture(autouse=True)
def fresh_cache(request):
    # Rate limits count in the cache: no test inherits another's count. The cache is a table in
    # the database (settings.CACHES), so only a test that may use the database can clear it.
    uses_db = request.node.get_closest_marker("django_db") or {
        "db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not uses_db:
        yield
        return
    request.getfixturevalue("django_db_setup")  # the test database, never the real one
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        cache.clear()
    forget_kept_counts()
    yield
    with blocker.unblock():
        cache.clear()
    forget_kept_counts()


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    # A background task (a term plan, a back-test) runs inside the request that asks for it,
    # in the test's own transaction, so the test can read what it wrote as soon as the page
    # answers. Tests of the task runners themselves set TASKS again.
    settings.TASKS = {"default": settings.TASK_BACKENDS["immediate"]}


@pytest.fixture
def county(db):
    """A small county near Chelmsford to book in (bookings.tests.factories.make_county)."""
    from safereach.bookings.tests.factories import make_county

    return make_county()


@pytest.fixture
def agency(db):
    from safereach.accounts.tests.factories import make_agency

    return make_agency()


@pytest.fixture
def sign_in_as(client, agency):
    """Sign the test client in as a new user holding `roles`, and return the user."""
    from safereach.accounts.tests.factories import make_user

    def sign_in(*roles, **extra):
        extra.setdefault("agency", agency)
        user = make_user(*roles, **extra)
        client.force_login(user)
        return user

    return sign_in


@pytest.fixture
def analyst(sign_in_as):
    from safereach.accounts.models import Role

    return sign_in_as(Role.ANALYST)


@pytest.fixture
def table_counts():
    """A callable giving the row count of every SafeReach table, to show that a refused load or
    form changed nothing."""
    from django.apps import apps

    def counts() -> dict[str, int]:
        return {
            model._meta.label: model.objects.count()
            for model in apps.get_models()
            if model.__module__.startswith("safereach.")
        }

    return counts
