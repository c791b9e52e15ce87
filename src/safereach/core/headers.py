"""Headers every answer carries: a Content-Security-Policy, and `Cache-Control: no-store` on
what is one person's (signed-in pages, and pages opened by a signed link), so a shared
computer's browser or a proxy keeps no copy of them."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.cache import add_never_cache_headers

# Scripts only from this site (the pages have no inline script); styles allow inline `style`
# attributes, which Leaflet and a few templates set. Nothing is fetched from elsewhere: maps are
# drawn from boundaries SafeReach holds, with tiles only from the server a site sets.


def content_security_policy() -> str:
    tiles = urlsplit(settings.SAFEREACH_TILES.get("URL") or "")
    tile_origin = f" {tiles.scheme}://{tiles.netloc}" if tiles.scheme and tiles.netloc else ""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data:{tile_origin}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


# URL parts that carry a signed link: whoever holds the address holds the page.
LINK_KWARGS = {"token", "key"}


def is_private(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = getattr(request, "resolver_match", None)
    return bool(match and LINK_KWARGS & set(match.kwargs))


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        # A view that says how its answer may be kept (a calendar feed) is left as it says.
        if is_private(request) and "Cache-Control" not in response:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
