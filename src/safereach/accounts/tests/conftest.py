import pytest

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_agency, make_user


@pytest.fixture
def agency(db):
    return make_agency()


@pytest.fixture
def sign_in_as(client, agency):
    """Sign the test client in as a new user holding `roles`, and return the user."""

    def sign_in(*roles, **extra):
        extra.setdefault("agency", agency)
        user = make_user(*roles, **extra)
        client.force_login(user)
        return user

    return sign_in


@pytest.fixture
def analyst(sign_in_as):
    return sign_in_as(Role.ANALYST)
