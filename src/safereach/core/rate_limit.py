"""A simple limit on public form submissions per client address, kept in Django's cache.

Fixed windows: each address may submit `SUBMISSIONS` times per `SECONDS` across the public
forms (settings.SAFEREACH_RATE_LIMIT). With a shared cache (Redis, the database cache) it holds
across web processes.
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
    """Count this submission; True when the address has gone over its limit. A form that
    emails someone other than the person typing counts against the lower EMAILING limit."""
    config = rate_limit_settings()
    limit = config["EMAILING_SUBMISSIONS"] if emails_others else config["SUBMISSIONS"]
    window = config["SECONDS"]
    bucket = int(time.time() // window)
    key = f"safereach:rate:{scope}:{client_address(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count > limit


def too_many(request):
    response = render(request, "core/too_many.html", status=429)
    response["Retry-After"] = str(rate_limit_settings()["SECONDS"])
    return response
