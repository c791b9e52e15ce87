"""The map page, its layers as GeoJSON, tables and exports, the proximity tables and the invite
action, and the map pack page."""

import csv
import io
import json
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.permissions import role_required
from safereach.areas.basemap import basemap
from safereach.core.json_output import json_response
from safereach.core.small_counts import FEWER_THAN_SMALL
from safereach.evidence.models import Dataset, Incident
from safereach.governance.access import audit_sensitive, reason_given, visible_sensitive, withheld
from safereach.governance.gate import sensitive_gate
from safereach.maps import counts, proximity
from safereach.maps.access import INCIDENT_KINDS, MAP_ROLES, Viewer
from safereach.maps.forms import MapForm, MapPackForm
from safereach.maps.layers import (
    LAYER_TITLES,
    LAYERS,
    SNAP_CAVEAT,
    MapQuery,
    layer,
    months_text,
    outline_features,
)
from safereach.maps.map_areas import choices as area_choices
from safereach.maps.map_areas import map_area
from safereach.maps.models import MapPackRun
from safereach.maps.sources import sources, withheld_note

logger = logging.getLogger(__name__)
TABLES = {
    "near-hot-spots": "Vulnerable places near hot spots",
    "changes": "What changed since the previous period",
}
SHOWN_ROWS = 15  # of a proximity table on the map page; the table's own page has them all
# The layers whose rows may come from an OFFICIAL-SENSITIVE dataset, and the loads they show.
SENSITIVE_LAYERS = ("places", "notices")
PACK_LOADS = ("places", "notices")  # what a map pack shows row by row
NEEDS_REASON = "Give your reason for opening OFFICIAL-SENSITIVE data first: reload the map page."


def _programmes(user):
    from safereach.matrix.models import Programme

    return list(Programme.visible(user).order_by("name"))


def _read(request, data=None):
    """(form, query) from the query string; query is None when the form has errors."""
    counts.ensure_fresh()
    viewer = Viewer.of(request.user)
    form = MapForm(
        data if data is not None else request.GET,
        programmes=_programmes(request.user),
        months=counts.months_present(viewer.hidden_incidents),
        without=viewer.hidden_incidents,
    )
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    programme = d.get("programme") or (form.fields["programme"].choices[0][0])
    q = MapQuery(
        d["area"],
        d["start"],
        d["end"],
        d["category"],
        viewer,
        programme=programme,
        level=d.get("level") or "",
        today=timezone.localdate(),
    )
    return form, q


def _query_string(q: MapQuery, form: MapForm, **changes) -> str:
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    values = {
        "area": q.area.code,
        "start": f"{q.first:%Y-%m}",
        "end": f"{q.last:%Y-%m}",
        "category": q.category.value,
        "programme": q.programme,
        "level": q.level,
        "distance": form.cleaned_data.get("distance", proximity.DEFAULT_DISTANCE_M),
    }
    values.update(changes)
    for key, value in values.items():
        if value not in ("", None):
            params[key] = str(value)
    params.setlist("layers", form.cleaned_data.get("layers", []))
    params["chosen"] = "1"
    return params.urlencode()


def _audit(request, action: str, target: str, **detail) -> None:
    AuditEvent.objects.create(
        user=request.user, action=action, target=target, detail={"query": request.GET.dict(), **detail}
    )


@role_required(*MAP_ROLES)
def map_page(request):
    form, q = _read(request)
    if q is None:
        return render(
            request,
            "maps/map.html",
            {"form": form, "areas": area_choices(), "titles": LAYER_TITLES},
            status=400,
        )
    chosen = form.cleaned_data["layers"]
    near = proximity.places_near_hot_spots(q, form.cleaned_data["distance"])
    # The chosen layers load as soon as the page does: ask the reason for any OFFICIAL-SENSITIVE
    # rows in them now (each layer's answer is audited as it is sent), and audit the places
    # near hot spots the page itself lists.
    pending = [d for k in chosen if k in SENSITIVE_LAYERS for d in layer(k, q).sensitive]
    if pending and not reason_given(request):
        return sensitive_gate(request, pending)
    gate = sensitive_gate(request, near.sensitive, what="map: places near hot spots")
    if gate:
        return gate
    query = _query_string(q, form)
    config = {
        "area": {"code": q.area.code, "name": q.area.title, "level": q.area.level},
        "outline": {"type": "FeatureCollection", "features": outline_features(q.area.parts)},
        "layers": [
            {
                "key": k,
                "title": LAYER_TITLES[k],
                "on": k in chosen,
                "url": reverse("maps:layer-json", args=[k]) + "?" + query + "&map=1",
            }
            for k in LAYERS
        ],
        "basemap": basemap(*q.area.lonlat_bounds),
        "map_url": reverse("maps:map"),
        "query": query,
    }
    changes = proximity.change_since_previous(q)
    viewer = q.viewer
    return render(
        request,
        "maps/map.html",
        {
            "form": form,
            "q": q,
            "config": config,
            "query": query,
            "areas": area_choices(),
            "titles": LAYER_TITLES,
            "chosen": chosen,
            "near": near,
            "near_rows": near.rows[:SHOWN_ROWS],
            "changes": changes,
            "viewer": viewer,
            "caveat": SNAP_CAVEAT,
            "months": months_text(q.first, q.last),
            "incidents": proximity.incidents_to_choose(q, 50)
            if viewer.street_points and q.area.level != "county"
            else [],
            "parts": q.area.parts,
            "fewer_than": FEWER_THAN_SMALL,
            "withheld": withheld_note(list(LAYERS) + list(TABLES), viewer),
        },
    )


def _layer_or_404(key: str):
    if key not in LAYERS:
        raise Http404(f"No map layer called {key}")


@role_required(*MAP_ROLES)
def layer_json(request, key):
    _layer_or_404(key)
    form, q = _read(request)
    if q is None:
        return json_response(
            {"errors": {f: [str(e) for e in errs] for f, errs in form.errors.items()}}, status=400
        )
    found = layer(key, q)
    if found.sensitive:
        if not reason_given(request):
            return json_response(
                {"errors": {"reason": [NEEDS_REASON]}, "reason_url": reverse("governance:reason")}, status=403
            )
        audit_sensitive(request, found.sensitive, what=f"map layer {key}")
    features = found.map_features() if request.GET.get("map") else found.features
    return json_response(
        {
            "key": key,
            "title": found.title,
            "legend": found.legend,
            "summary": found.summary,
            "note": " ".join(t for t in (found.note, found.withheld) if t),
            "withheld": found.withheld,
            "caveat": SNAP_CAVEAT if found.snapped else "",
            "empty": found.empty_text,
            "type": "FeatureCollection",
            "features": features,
            "table_url": reverse("maps:layer-table", args=[key]) + "?" + _query_string(q, form),
        }
    )


def _sorted(rows: list[dict], columns, sort: str, descending: bool) -> list[dict]:
    column = next((c for c in columns if c.key == sort), None)
    if column is None:
        return rows
    present = [r for r in rows if r.get(column.sort_key) not in (None, "")]
    missing = [r for r in rows if r.get(column.sort_key) in (None, "")]
    present.sort(
        key=lambda r: (
            r[column.sort_key]
            if column.numeric or not isinstance(r[column.sort_key], str)
            else r[column.sort_key].lower()
        ),
        reverse=descending,
    )
    return present + missing  # figures not given (suppressed, unknown) always last, in their own order


def _table(key: str, q: MapQuery, form):
    """(title, columns, rows, note, summary, snapped, sensitive datasets, suppressed, empty text,
    withheld note) of a layer or a proximity table."""
    if key in LAYERS:
        found = layer(key, q)
        return (
            found.title,
            found.columns,
            found.rows,
            found.note,
            found.summary,
            found.snapped,
            found.sensitive,
            found.suppressed,
            found.empty_text,
            found.withheld,
        )
    if key == "near-hot-spots":
        t = proximity.places_near_hot_spots(q, form.cleaned_data["distance"])
    else:
        t = proximity.change_since_previous(q)
    withheld = withheld_note([key], q.viewer)
    empty = "Nothing to show."
    return t.title, t.columns, t.rows, t.note, t.summary, True, t.sensitive, t.suppressed, empty, withheld


@role_required(*MAP_ROLES)
def table_page(request, key):
    if key not in LAYERS and key not in TABLES:
        raise Http404(f"No map table called {key}")
    form, q = _read(request)
    if q is None:
        return render(
            request,
            "maps/table.html",
            {"form": form, "title": LAYER_TITLES.get(key) or TABLES[key], "areas": area_choices()},
            status=400,
        )
    title, columns, rows, note, summary, snapped, sensitive, suppressed, empty, withheld = _table(
        key, q, form
    )
    gate = sensitive_gate(request, sensitive, what=f"map table {key}")
    if gate:
        return gate
    sort = request.GET.get("sort", "")
    descending = request.GET.get("order") == "desc"
    rows = _sorted(rows, columns, sort, descending)
    query = _query_string(q, form)
    headers = []
    for c in columns:
        now = c.key == sort
        order = "asc" if not now or descending else "desc"
        headers.append(
            {
                "column": c,
                "url": f"?{query}&sort={c.key}&order={order}",
                "aria_sort": ("descending" if descending else "ascending") if now else "none",
            }
        )
    body = [[{"value": r.get(c.key), "numeric": c.numeric} for c in columns] for r in rows]
    return render(
        request,
        "maps/table.html",
        {
            "form": form,
            "q": q,
            "key": key,
            "title": title,
            "headers": headers,
            "body": body,
            "note": note,
            "summary": summary,
            "snapped": snapped,
            "caveat": SNAP_CAVEAT,
            "suppressed": suppressed,
            "empty": empty,
            "query": query,
            "months": months_text(q.first, q.last),
            "csv_url": reverse("maps:table-export", args=[key, "csv"]) + "?" + query,
            "geojson_url": (reverse("maps:table-export", args=[key, "geojson"]) + "?" + query)
            if key in LAYERS
            else "",
            "map_url": reverse("maps:map") + "?" + query,
            "fewer_than": FEWER_THAN_SMALL,
            "sources": sources([key], q.area.fictional, sensitive, q.viewer.hidden),
            "withheld": withheld,
        },
    )


def _public(properties: dict) -> dict:
    return {k: v for k, v in properties.items() if not k.startswith("_")}


@role_required(*MAP_ROLES)
def table_export(request, key, fmt):
    if (
        (key not in LAYERS and key not in TABLES)
        or fmt not in ("csv", "geojson")
        or (fmt == "geojson" and key not in LAYERS)
    ):
        raise Http404("No such export")
    form, q = _read(request)
    if q is None:
        return HttpResponse(
            "The map's settings are not valid: "
            + "; ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    title, columns, rows, note, summary, snapped, sensitive, suppressed, _, withheld = _table(key, q, form)
    gate = sensitive_gate(request, sensitive, export=True, what=f"map {fmt} export {key}")
    if gate:
        return gate
    src = sources([key], q.area.fictional, sensitive, q.viewer.hidden)
    _audit(request, f"maps.export.{fmt}", key, rows=len(rows), classification=src.classification)
    about = {
        "title": title,
        "area": q.area.title,
        "months": months_text(q.first, q.last),
        "incidents": q.category.label,
        "note": note,
        "withheld": withheld,
        "summary": summary,
        "sources": src.text,
        "classification": src.classification,
        "caveat": SNAP_CAVEAT if snapped else "",
        "suppression": (
            f"Counts of 1 to 4 are given as '{FEWER_THAN_SMALL}'; where one such count could be "
            "worked out from a total, another count is 'not shown'."
        )
        if suppressed
        else "",
        "exported": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    name = f"{key}-{q.area.code or 'county'}-{q.first:%Y-%m}-to-{q.last:%Y-%m}"
    if fmt == "geojson":
        found = layer(key, q)
        body = json.dumps(
            {
                "type": "FeatureCollection",
                "metadata": {k: v for k, v in about.items() if v},
                "features": [{**f, "properties": _public(f["properties"])} for f in found.features],
            },
            ensure_ascii=False,
        )
        response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    else:
        out = io.StringIO()
        # What the figures are and their caveats first, as lines a spreadsheet shows and a CSV
        # reader skips as comments ('#').
        for label, value in about.items():
            if value:
                out.write(f"# {label}: {value}\n")
        writer = csv.writer(out)
        writer.writerow([c.label for c in columns])
        for r in rows:
            writer.writerow(["" if r.get(c.key) is None else r.get(c.key) for c in columns])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@role_required(Role.ANALYST, Role.COORDINATOR)
def near_incident(request, pk):
    """Schools near one incident, and (for coordinators) one action to invite them to book."""
    incident = get_object_or_404(Incident, pk=pk, easting__isnull=False)
    form, q = _read(request)
    if q is not None and incident.dataset_id in q.viewer.hidden_incidents:
        raise Http404("No such incident")
    if q is None:
        return render(
            request,
            "maps/near_incident.html",
            {"form": form, "incident": incident, "areas": area_choices()},
            status=400,
        )
    distance = _distance(request.GET.get("within"))
    programme = request.POST.get("programme") or request.GET.get("invite_programme") or q.programme
    from safereach.matrix.models import Programme

    offered = dict(Programme.objects.choices())
    if programme not in offered:
        programme = next(iter(offered))
    table = proximity.schools_near_incident(incident, distance, programme)
    errors = {}
    if request.method == "POST":
        if not q.viewer.may_invite:
            raise PermissionDenied
        chosen = {int(v) for v in request.POST.getlist("school") if v.isdigit()}
        invitable = {r["school_id"] for r in table.rows if r["can_invite"]}
        if request.POST.get("programme") not in offered:
            errors["programme"] = "Choose the programme to invite the schools to"
        elif not chosen:
            errors["school"] = "Choose at least one school to invite"
        elif not chosen <= invitable:
            errors["school"] = (
                "Only schools with a verified contact and no recent invitation or visit can be invited"
            )
        if not errors:
            from safereach.bookings.invitations import send_invitations

            sent, missing = send_invitations(
                sorted(chosen), programme, request.user, request.build_absolute_uri("/").rstrip("/")
            )
            _audit(request, "maps.invite", f"incident {incident.pk}", schools=sorted(chosen), sent=sent)
            text = f"Sent {sent} invitation{'s' if sent != 1 else ''} to book {offered[programme]}."
            if missing:
                text += (
                    f" {missing} school{'s' if missing != 1 else ''} could not be invited: your agency "
                    "offers no published session for this programme that suits their year groups."
                )
            messages.success(request, text)
            after = request.GET.copy()
            after["invite_programme"] = programme
            return redirect(f"{request.path}?{after.urlencode()}")
    return render(
        request,
        "maps/near_incident.html",
        {
            "form": form,
            "q": q,
            "incident": incident,
            "table": table,
            "distance": distance,
            "distances": proximity.DISTANCES_M,
            "programme": programme,
            "programmes": offered,
            "errors": errors,
            "programme_name": offered.get(programme, ""),
            "may_invite": q.viewer.may_invite,
            "caveat": SNAP_CAVEAT,
            "map_url": reverse("maps:map") + "?" + _query_string(q, form),
            "chosen": {int(v) for v in request.POST.getlist("school") if v.isdigit()},
        },
        status=400 if errors else 200,
    )


def _distance(text) -> int:
    try:
        value = int(text)
    except (TypeError, ValueError):
        return 1000
    return value if value in proximity.DISTANCES_M else 1000


# ----------------------------------------------------------------------------------- map packs


@role_required(Role.ANALYST, Role.COORDINATOR)
def map_pack(request):
    from safereach.maps.tasks import build_map_pack_task

    areas = area_choices()
    runs = MapPackRun.objects.filter(asked_by=request.user)[:10]
    for run in runs:
        run.give_up_if_stalled()
    # A pack lists the places and notices the asker may see, OFFICIAL-SENSITIVE ones too: ask why
    # before it is built (the download is audited with the reason).
    sensitive = _pack_datasets(request.user)
    if sensitive and not reason_given(request):
        return sensitive_gate(request, sensitive)
    if request.method != "POST":
        latest = counts.months_present()
        initial = {"area": "county", "month": f"{latest[-1]:%Y-%m}" if latest else ""}
        return render(
            request, "maps/pack.html", {"form": MapPackForm(initial=initial, areas=areas), "runs": runs}
        )
    form = MapPackForm(request.POST, areas=areas)
    if not form.is_valid():
        return render(request, "maps/pack.html", {"form": form, "runs": runs}, status=400)
    area = map_area(form.cleaned_data["area"])
    run = MapPackRun.objects.create(
        asked_by=request.user,
        area_code=area.code,
        area_name=area.title,
        month=form.cleaned_data["month"],
        shared=not request.user.has_role(Role.ANALYST, Role.COORDINATOR),
        sensitive=bool(sensitive),
    )
    try:
        build_map_pack_task.enqueue(run.pk)
    except Exception as exc:
        logger.exception("Map pack %s could not be enqueued", run.pk)
        run.fail(f"The map pack could not be started: {exc}")
    return redirect("maps:pack-run", pk=run.pk)


def _own_run(request, pk) -> MapPackRun:
    run = get_object_or_404(MapPackRun.objects.defer("pdf"), pk=pk)
    if run.asked_by_id != request.user.pk and not request.user.has_role(Role.ADMINISTRATOR):
        raise Http404("No such map pack")
    run.give_up_if_stalled()
    return run


def _withheld_since(run, user) -> list:
    """Datasets a finished pack may hold (loaded before it was built, and shown to `user` on the
    day it was built) that are withheld from `user` now: an agreement has ended since."""
    if not run.finished_at:
        return []
    loads = Dataset.objects.filter(kind__in=INCIDENT_KINDS + PACK_LOADS, loaded_at__lte=run.finished_at)
    then = {d.pk for d in withheld(user, loads, today=timezone.localdate(run.finished_at))}
    return [d for d in withheld(user, loads) if d.pk not in then]


@role_required(Role.ANALYST, Role.COORDINATOR)
def map_pack_run(request, pk):
    run = _own_run(request, pk)
    withdrawn = _withheld_since(run, request.user)
    return render(request, "maps/pack_run.html", {"run": run, "withdrawn": withdrawn})


@role_required(Role.ANALYST, Role.COORDINATOR)
def map_pack_progress(request, pk):
    run = _own_run(request, pk)
    response = JsonResponse({**run.progress_report(), "url": reverse("maps:pack-run", args=[run.pk])})
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.ANALYST, Role.COORDINATOR)
def map_pack_pdf(request, pk):
    run = _own_run(request, pk)
    if run.state != MapPackRun.State.DONE:
        raise Http404("This map pack is not ready")
    withdrawn = _withheld_since(run, request.user)
    if withdrawn:
        return render(request, "maps/pack_run.html", {"run": run, "withdrawn": withdrawn}, status=410)
    if run.classification == "OFFICIAL-SENSITIVE":
        what = f"map pack {run.file_name}"
        gate = sensitive_gate(request, _pack_datasets(request.user), export=True, what=what)
        if gate:
            return gate
    pdf = MapPackRun.objects.values_list("pdf", flat=True).get(pk=run.pk)
    AuditEvent.objects.create(
        user=request.user,
        action="maps.pack.download",
        target=run.file_name,
        detail={"area": run.area_code, "month": f"{run.month:%Y-%m}", "classification": run.classification},
    )
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{run.file_name}"'
    return response


def _pack_datasets(user) -> list:
    """The OFFICIAL-SENSITIVE datasets a map pack of `user` may hold, for the audit entry."""
    return visible_sensitive(user, Dataset.objects.filter(kind__in=PACK_LOADS))
