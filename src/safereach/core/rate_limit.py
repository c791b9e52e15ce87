"""A limit on what public forms cost, per client address, kept in a cache every web process
shares (settings.CACHES: the database cache by default, whose table `migrate` makes).

Fixed windows: each address may do `SUBMISSIONS` costly things (a booking made, an email sent)
per `SECONDS` across the public forms (settings.SAFEREACH_RATE_LIMIT). Views count a submission
only once its form is valid, just before the costly thing: a person correcting a form spends
nothing. Each submission claims a numbered slot with cache.add, which every cache backend does
atomically (the database cache through the table's unique key), so processes answering at the
same time never count one slot twice, as a read-then-write counter would.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

DEFAULTS = {"SUBMISSIONS": 30, "EMAILING_SUBMISSIONS": 5, "SECONDS": 600,
            "CLIENT_ADDRESS_HEADER": None}


def rate_limit_settings() -> dict:
    return {**DEFAULTS, **getattr(settings, "SAFEREACH_RATE_LIMIT", {})}


def client_address(request) -> str:
    """The client's address. Behind a load balancer every request comes from the balancer, so
    settings may name the header it puts the client's address in (the last entry is the one
    the balancer itself added, and so the one a client cannot forge)."""
    header = rate_limit_settings()["CLIENT_ADDRESS_HEADER"]
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def over_limit(request, scope: str = "public-forms", emails_others: bool = False) -> bool:
    """Count this submission; True when the address has gone over its limit (and nothing is
    counted). A form that emails someone other than the person typing counts against the
    lower EMAILING limit."""
    config = rate_limit_settings()
    limit = config["EMAILING_SUBMISSIONS"] if emails_others else config["SUBMISSIONS"]
    window = config["SECONDS"]
    bucket = int(time.time() // window)
    key = f"safereach:rate:{scope}:{client_address(request)[:100]}:{bucket}"
    # Slots below the hint are known to be taken: start there rather than at 0.
    hint = cache.get(f"{key}:next") or 0
    for slot in range(min(hint, limit), limit):
        if cache.add(f"{key}:{slot}", 1, timeout=window + 5):
            cache.set(f"{key}:next", slot + 1, timeout=window + 5)
            return False
    return True


def too_many(request):
    response = render(request, "core/too_many.html", status=429)
    response["Retry-After"] = str(rate_limit_settings()["SECONDS"])
    return response


def client_ip(request) -> str | None:
    """client_address as an IP address, or None when it is not one (a request made inside the
    process, a proxy header holding junk): for records whose column holds only addresses, as
    django-axes' does on PostgreSQL."""
    import ipaddress

    try:
        return str(ipaddress.ip_address(client_address(request)))
    except ValueError:
        return None
