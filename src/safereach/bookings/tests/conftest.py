import pytest
from django.core.cache import cache

from safereach.bookings.tests.factories import make_county


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the rate limit counts in the cache
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    # Staff users are made for every test; a slow hash would be most of the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    # A term plan is a background task; here it runs inside the request that asks for it, in
    # the test's own transaction, so the test can read what it wrote as soon as the page answers.
    settings.TASKS = {"default": settings.TASK_BACKENDS["immediate"]}


@pytest.fixture
def county(db):
    return make_county()
