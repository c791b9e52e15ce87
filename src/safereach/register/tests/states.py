"""A service's register with a notice in every state on a fixed TODAY, shared by the register's
tests and the browser tests. Published: an ongoing enforcement notice, a complied prohibition
and one withheld for a trade-secret claim; the rest, in HIDDEN, are not, and all lie in the
district "Hidden Vale" where nothing is published."""

import json
from datetime import date, timedelta

from safereach.areas.models import Area
from safereach.areas.tests.factories import make_area
from safereach.register.rules import AppealOutcome, EventKind
from safereach.register.tests.factories import fire_service, happened, served

TODAY = date(2026, 3, 16)
HIDDEN = ["served yesterday", "appeal period running", "under appeal", "cancelled on appeal", "withdrawn",
          "served on an under-18", "older than the keeping period"]


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def square(lon: float, lat: float, size: float) -> str:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def make_districts() -> dict:
    """Two districts side by side: notices are located in them by their coordinates."""
    return {
        "Riverside": make_area(Area.Level.DISTRICT, name="Riverside", geometry=square(0.40, 51.70, 0.10),
                               centroid_lat=51.75, centroid_lon=0.45),
        "Hidden Vale": make_area(Area.Level.DISTRICT, name="Hidden Vale", geometry=square(0.60, 51.70, 0.10),
                                 centroid_lat=51.75, centroid_lon=0.65),
    }


def every_state(fire=None) -> dict:
    """Notices in every state on TODAY (make_districts first, for their districts)."""
    fire = fire or fire_service()
    riverside = {"lat": 51.74, "lon": 0.45}
    hidden = {"lat": 51.74, "lon": 0.65}
    shown = {
        "ongoing": served(fire, ago(40), number="PUB/1", premises_name="Swan Hotel", postcode="CM1 1AA",
                          **riverside),
        "complied": served(fire, ago(100), number="PUB/2", premises_name="Mill Lane Care Home",
                           premises_type="care_home", postcode="CM2 2BB", kind="prohibition",
                           commentary="Sleeping on the top floor stopped until a second exit is built.",
                           **riverside),
        "withheld": served(fire, ago(60), number="PUB/3", premises_name="Granary Works",
                           premises_type="hotel", postcode="CM3 3CC", **riverside),
    }
    happened(shown["complied"], EventKind.COMPLIED, ago(20))
    happened(shown["withheld"], EventKind.TRADE_SECRET_CLAIMED, ago(55))

    def secret(state, on, **extra):
        key = HIDDEN.index(state) + 1
        return served(fire, on, number=f"HID/{key}", premises_name=f"Hidden {state.title()}",
                      recipient=f"Secret Holdings {key}", address=f"{key} Quiet Lane",
                      postcode=f"HV{key} 9ZZ", **hidden, **extra)

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
    happened(unpublished["cancelled on appeal"], EventKind.APPEAL_DECIDED, ago(20),
             outcome=AppealOutcome.CANCELLED)
    happened(unpublished["withdrawn"], EventKind.WITHDRAWN, ago(30))
    return {"service": fire, "shown": shown, "unpublished": unpublished}
