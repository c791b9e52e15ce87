"""The public register: search, map, each entry's page, feeds, search suggestions and a sitemap.
No sign-in. Everything shown comes from `public.published`, so nothing unpublished can leak."""

import csv
import io
import uuid

import shapely
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from safereach.areas.basemap import basemap_around
from safereach.areas.models import Area
from safereach.register import clock, public
from safereach.register.forms import SearchForm

PAGE_SIZE = 20
SUGGESTIONS = 10


def _searched(request):
    """The search form read from the query string, and the entries it matches (None if invalid)."""
    everything = public.published()
    districts, services = public.districts_and_services(everything)
    form = SearchForm(request.GET or None, districts=districts, services=services)
    if request.GET and not form.is_valid():
        return form, None, services
    return form, public.search(everything, form.cleaned_data if request.GET else {}), services


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def register(request):
    form, entries, services = _searched(request)
    context = {
        "form": form,
        "services": services,
        "query": _query(request),
        "keep_years": clock.keep_years(),
        "today": clock.today(),
    }
    if entries is None:
        return render(request, "register/search.html", {**context, "page": None}, status=400)
    paginator = Paginator(entries, PAGE_SIZE)
    number = (form.cleaned_data.get("page") if request.GET else None) or 1
    if number > max(paginator.num_pages, 1):
        raise Http404("No such page of the register")
    return render(
        request, "register/search.html", {**context, "page": paginator.page(number), "count": len(entries)}
    )


@require_GET
def map_page(request):
    form, entries, services = _searched(request)
    context = {"form": form, "services": services, "query": _query(request)}
    if entries is None:
        return render(request, "register/map.html", {**context, "entries": None}, status=400)
    located = [e for e in entries if e.located]
    corners = _corners({e.district for e in entries if e.district}, located)
    data = {
        "frame": corners,
        "basemap": basemap_around(corners),
        "entries": [
            {
                "name": e.name,
                "address": _address(e),
                "kind": e.kind.label,
                "lat": e.notice.lat,
                "lon": e.notice.lon,
                "url": _url(e),
            }
            for e in located
        ],
    }
    return render(
        request, "register/map.html", {**context, "entries": entries, "located": located, "map_data": data}
    )


def _corners(districts, located) -> list[tuple[float, float]]:
    """(lat, lon) of the entries and the corners of the districts they lie in: what the map
    shows, over the boundaries and names around it that every map draws."""
    corners = [(e.notice.lat, e.notice.lon) for e in located]
    for area in Area.objects.filter(pk__in=[d.pk for d in districts]).exclude(geometry=""):
        if area.min_lon is None:  # loaded with no bounding box: read it from the boundary
            bounds = shapely.from_geojson(area.geometry).bounds
            area.min_lon, area.min_lat, area.max_lon, area.max_lat = bounds
        corners += [(area.min_lat, area.min_lon), (area.max_lat, area.max_lon)]
    return corners


def _address(entry) -> str:
    return ", ".join(p for p in (entry.notice.address, entry.notice.postcode) if p)


def _url(entry) -> str:
    return reverse("register:entry", args=[entry.id])


def _entry_url(request) -> str:
    """An entry's full URL with {} for its ID: reversing once, not once per entry of a feed."""
    zero = str(uuid.UUID(int=0))
    return request.build_absolute_uri(reverse("register:entry", args=[zero])).replace(zero, "{}")


def _entry_or_404(public_id) -> public.PublicEntry:
    found = public.published(public.may_be_public(clock.today()).filter(public_id=public_id))
    if not found:
        # The same answer for a notice never published, no longer published and never recorded.
        raise Http404("No entry on the register has this address")
    return found[0]


@require_GET
def entry(request, public_id):
    found = _entry_or_404(public_id)
    return render(request, "register/entry.html", {"e": found, "keep_years": clock.keep_years()})


@require_GET
def feeds(request):
    return render(
        request, "register/feeds.html", {"fields": public.FEED_FIELDS, "schema": public.NATIONAL_SCHEMA}
    )


def _feed_rows(request):
    url = _entry_url(request)
    return [e.row(url.format(e.id)) for e in public.published()]


@require_GET
def feed_csv(request):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=public.FEED_FIELDS)
    writer.writeheader()
    for row in _feed_rows(request):
        writer.writerow(
            {
                k: ("yes" if v is True else "no" if v is False else "" if v is None else v)
                for k, v in row.items()
            }
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="fire-safety-register-{clock.today():%Y-%m-%d}.csv"'
    return response


@require_GET
def feed_json(request):
    return JsonResponse(
        {
            "register_date": clock.today().isoformat(),
            "licence": public.LICENCE,
            "entries": _feed_rows(request),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def feed_national(request):
    """Every entry on the register today, in the layout a national register can take
    (docs/register.md); `?authority=SLUG` for one service's."""
    notices = public.may_be_public(clock.today())
    if authority := request.GET.get("authority", "").strip():
        notices = notices.filter(agency__slug=authority)
    entries = public.published(notices)
    url = _entry_url(request)
    return JsonResponse(
        {
            "schema": public.NATIONAL_SCHEMA,
            "legislation": public.LEGISLATION,
            "licence": public.LICENCE,
            "register_date": clock.today().isoformat(),
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "complete": True,
            "authorities": [
                {"id": slug, "name": name}
                for slug, name in sorted({(e.service.slug, e.service.name) for e in entries})
            ],
            "entries": [e.national(url.format(e.id)) for e in entries],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def suggestions(request):
    """Names and postcodes of published entries that start or contain what is typed, for the
    search box."""
    text = " ".join(request.GET.get("q", "").split())[:100]
    if len(text) < 2:
        return JsonResponse({"suggestions": []})
    notices = public.with_compact_postcode(public.may_be_public(clock.today())).filter(public.matching(text))
    found = set()
    lowered = text.lower()
    for e in public.published(notices):
        for candidate in (e.name, e.notice.postcode):
            if candidate and (
                lowered in candidate.lower() or text.replace(" ", "").upper() in candidate.replace(" ", "")
            ):
                found.add(candidate)
    return JsonResponse({"suggestions": sorted(found)[:SUGGESTIONS]})


@require_GET
def sitemap(request):
    urls = [
        (request.build_absolute_uri(reverse(name)), None)
        for name in ("register:search", "register:map", "register:feeds")
    ]
    urls += [(request.build_absolute_uri(_url(e)), e.entry.last_changed_on) for e in public.published()]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for loc, changed in urls:
        lastmod = f"<lastmod>{changed:%Y-%m-%d}</lastmod>" if changed else ""
        lines.append(f"  <url><loc>{_xml(loc)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return HttpResponse("\n".join(lines) + "\n", content_type="application/xml; charset=utf-8")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
