"""Notices recorded as protection officers record them, on the days they were recorded."""

import itertools
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from safereach.accounts.models import Agency, Role
from safereach.accounts.tests.factories import make_agency, make_user
from safereach.register.articles import Article
from safereach.register.records import EventInput, Who, record_event, record_notice
from safereach.register.rules import EventKind

_numbers = itertools.count(1)
# Chelmsford, in both coordinate systems: somewhere real for rows that need a location.
CHELMSFORD = {"lat": 51.7356, "lon": 0.4691}


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def fire_service(name="Northshire Fire and Rescue Service", **extra) -> Agency:
    return make_agency(name, kind=Agency.Kind.FIRE_RESCUE, **extra)


def protection_officer(agency, **extra):
    return make_user(Role.PROTECTION_OFFICER, agency=agency, **extra)


def protection_manager(agency, **extra):
    return make_user(Role.PROTECTION_MANAGER, agency=agency, **extra)


def served(agency, on: date, *, recorded: date | None = None, number=None, kind="enforcement", **details):
    """A notice served `on`, recorded on `recorded` (the same day by default)."""
    values = {
        "number": number or f"FS/{next(_numbers):04d}",
        "kind": kind,
        "recipient": "Crown Inns Ltd",
        "premises_name": f"The Crown Hotel {next(_numbers)}",
        "address": "12 High Street, Chelmsford",
        "postcode": "CM1 1BE",
        "premises_type": "hotel",
        "served_on": on,
        "compliance_date": on + timedelta(days=60) if kind != "alterations" else None,
        "articles": [Article(9, "risk assessment not suitable").as_json()],
        "commentary": "",
        "recipient_under_18": False,
    }
    values.update(details)
    recorded = recorded or on
    return record_notice(
        agency, values, Who(name="test"), today=recorded, recorded_at=at(recorded), audit=False
    )


def happened(notice, kind: EventKind, on: date, *, recorded: date | None = None, **extra):
    """Record that `kind` happened to `notice` `on`, recorded on `recorded` (the same day by default)."""
    recorded = recorded or on
    return record_event(
        notice,
        EventInput(kind=kind, on=on, **extra),
        Who(name="test"),
        today=recorded,
        recorded_at=at(recorded),
        audit=False,
    )
