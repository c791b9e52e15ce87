import io
from functools import lru_cache

import pytest
from django.core.management import call_command

from safereach.demo.county import DEFAULT_SEED, DemoCounty, generate
from safereach.demo.management.commands import demo as demo_command

_generate_once = lru_cache(maxsize=4)(generate)


@pytest.fixture(scope="session")
def county() -> DemoCounty:
    """The default demo county, generated once (it is pure computation, no database)."""
    return _generate_once(DEFAULT_SEED)


@pytest.fixture
def run_demo(db, monkeypatch):
    """Run `safereach demo` with the given arguments; returns what it printed.

    Generation is shared between tests (the same seed gives the same county, which
    test_same_seed_same_county checks on fresh runs); writing is done afresh every time.
    """
    monkeypatch.setattr(demo_command, "generate", _generate_once)

    def run(*args: str) -> str:
        out = io.StringIO()
        call_command("demo", *args, stdout=out)
        return out.getvalue()

    return run
