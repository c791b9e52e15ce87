"""Agencies and staff users for tests. Shared with the browser tests."""

import itertools

from safereach.accounts.models import Agency, User

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


def make_agency(name="Northshire Fire and Rescue Service", kind=Agency.Kind.FIRE_RESCUE, **extra):
    slug = name.lower().replace(" ", "-")[:80]
    return Agency.objects.create(name=name, kind=kind, slug=slug, **extra)


def make_user(*roles, email=None, agency=None, password=PASSWORD, **extra):
    email = email or f"user{next(_sequence)}@example.org"
    return User.objects.create_user(email=email, password=password, roles=list(roles),
                                    agency=agency, **extra)
