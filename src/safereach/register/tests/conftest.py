import pytest

from safereach.register.tests.states import TODAY, every_state, make_districts


@pytest.fixture
def register_today(settings):
    """The register held at TODAY, as SAFEREACH_REGISTER_TODAY does."""
    settings.SAFEREACH_REGISTER = {**settings.SAFEREACH_REGISTER, "TODAY": TODAY}
    return TODAY


@pytest.fixture
def districts(db):
    return make_districts()


@pytest.fixture
def register(db, register_today, districts):
    """A service's notices in every state on TODAY: three published, the rest not."""
    return every_state()
