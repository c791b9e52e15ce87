import json
from datetime import date, timedelta

import pytest

from safereach.accounts.tests.factories import make_area
from safereach.areas.models import Area
from safereach.register.rules import AppealOutcome, EventKind
from safereach.register.tests.factories import fire_service, happened, served

TODAY = date(2026, 3, 16)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def square(lon: float, lat: float, size: float) -> str:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fixed_today(settings):
    """The register held at TODAY, as SAFEREACH_REGISTER_TODAY does."""
    settings.SAFEREACH_REGISTER = {**settings.SAFEREACH_REGISTER, "TODAY": TODAY}
    return TODAY


@pytest.fixture
def districts(db):
    """Two districts side by side: notices are located in them by their coordinates."""
    return {
        "Riverside": make_area(
            Area.Level.DISTRICT,
            name="Riverside",
            geometry=square(0.40, 51.70, 0.10),
            centroid_lat=51.75,
            centroid_lon=0.45,
        ),
        "Hidden Vale": make_area(
            Area.Level.DISTRICT,
            name="Hidden Vale",
            geometry=square(0.60, 51.70, 0.10),
            centroid_lat=51.75,
            centroid_lon=0.65,
        ),
    }


# Each unpublished notice: how it got that way. Every one lies in Hidden Vale, where nothing is
# published, so the district's name must not show up anywhere public either.
HIDDEN = [
    "served yesterday",
    "appeal period running",
    "under appeal",
    "cancelled on appeal",
    "withdrawn",
    "served on an under-18",
    "older than the keeping period",
]


@pytest.fixture
def register(db, fixed_today, districts):
    """A service's notices in every state on TODAY: three published, the rest not."""
    fire = fire_service()
    riverside = {"lat": 51.74, "lon": 0.45}
    hidden = {"lat": 51.74, "lon": 0.65}
    shown = {
        "ongoing": served(
            fire, ago(40), number="PUB/1", premises_name="Swan Hotel", postcode="CM1 1AA", **riverside
        ),
        "complied": served(
            fire,
            ago(100),
            number="PUB/2",
            premises_name="Mill Lane Care Home",
            premises_type="care_home",
            postcode="CM2 2BB",
            kind="prohibition",
            commentary="Sleeping on the top floor stopped until a second exit is built.",
            **riverside,
        ),
        "withheld": served(
            fire,
            ago(60),
            number="PUB/3",
            premises_name="Granary Works",
            premises_type="hotel",
            postcode="CM3 3CC",
            **riverside,
        ),
    }
    happened(shown["complied"], EventKind.COMPLIED, ago(20))
    happened(shown["withheld"], EventKind.TRADE_SECRET_CLAIMED, ago(55))

    def secret(state, on, **extra):
        key = HIDDEN.index(state) + 1
        return served(
            fire,
            on,
            number=f"HID/{key}",
            premises_name=f"Hidden {state.title()}",
            recipient=f"Secret Holdings {key}",
            address=f"{key} Quiet Lane",
            postcode=f"HV{key} 9ZZ",
            **hidden,
            **extra,
        )

    unpublished = {
        "served yesterday": secret("served yesterday", ago(1)),
        "appeal period running": secret("appeal period running", ago(15)),
        "under appeal": secret("under appeal", ago(40)),
        "cancelled on appeal": secret("cancelled on appeal", ago(80)),
        "withdrawn": secret("withdrawn", ago(100)),
        "served on an under-18": secret("served on an under-18", ago(60), recipient_under_18=True),
        "older than the keeping period": secret("older than the keeping period", ago(3 * 365 + 10)),
    }
    happened(unpublished["under appeal"], EventKind.APPEAL_LODGED, ago(25))
    happened(unpublished["cancelled on appeal"], EventKind.APPEAL_LODGED, ago(70))
    happened(
        unpublished["cancelled on appeal"], EventKind.APPEAL_DECIDED, ago(20), outcome=AppealOutcome.CANCELLED
    )
    happened(unpublished["withdrawn"], EventKind.WITHDRAWN, ago(30))
    assert set(unpublished) == set(HIDDEN)
    return {"service": fire, "shown": shown, "unpublished": unpublished}
