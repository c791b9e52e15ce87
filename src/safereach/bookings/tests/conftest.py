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


@pytest.fixture
def county(db):
    return make_county()
