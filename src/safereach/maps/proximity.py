"""The questions asked beside the map, answered as tables: which vulnerable places are near a hot
spot, which schools are near an incident, and what changed since the previous period."""

from dataclasses import dataclass, field, replace

import numpy as np
import shapely

from safereach.core.small_counts import FEWER_THAN_SMALL, NOT_SHOWN, shared_count
from safereach.evidence.models import Incident, Place
from safereach.maps import counts as kept
from safereach.maps import grid
from safereach.maps.gi_star import BIN_NAMES
from safereach.maps.layers import (
    Column,
    MapQuery,
    _in_bounds,
    _inside,
    _shown_number,
    area_incident_counts,
    counts_as_text,
    current_scores,
    hot_spots,
    months_text,
    sensitive_datasets,
)

DEFAULT_DISTANCE_M = 500
DISTANCES_M = (100, 250, 500, 1000, 2000, 5000)


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict]
    note: str = ""
    summary: str = ""
    suppressed: bool = False
    extra: dict = field(default_factory=dict)
    sensitive: list = field(default_factory=list)  # the OFFICIAL-SENSITIVE datasets of its rows


def hot_cells(q: MapQuery, minimum_bin: int = 1):
    """(boxes in BNG, cell references, bins) of the hot spot cells of the query."""
    cells, _, g = hot_spots(q)
    hot = np.flatnonzero(g.bin >= minimum_bin)
    boxes = cells.boxes()[hot] if len(hot) else np.empty(0, dtype=object)
    refs = [grid.cell_reference(cells.size, int(cells.cols[i]), int(cells.rows[i])) for i in hot]
    return boxes, refs, g.bin[hot]


def places_near_hot_spots(q: MapQuery, distance: float = DEFAULT_DISTANCE_M) -> Table:
    """Vulnerable places in the area within `distance` metres of a hot spot cell (0 m: inside one)."""
    boxes, refs, bins = hot_cells(q)
    columns = [
        Column("place", "Place"),
        Column("kind", "Kind"),
        Column("distance_m", "Distance (m)", True),
        Column("hot_spot", "Nearest hot spot cell"),
        Column("confidence", "Confidence", sort="gi_bin"),
    ]
    title = f"Vulnerable places within {distance:,.0f} m of a hot spot"
    if len(boxes) == 0:
        return Table(title, columns, [], summary="No hot spots in this area for these months and incidents.")
    shown = Place.objects.select_related("dataset").exclude(dataset_id__in=q.viewer.hidden)
    places = list(_in_bounds(shown, q.area))
    places = [
        p
        for p, k in zip(places, _inside(q.area, [p.easting for p in places], [p.northing for p in places]))
        if k
    ]
    rows, shown = [], []
    if places:
        tree = shapely.STRtree(boxes)
        points = shapely.points([p.easting for p in places], [p.northing for p in places])
        (point_at, box_at), gaps = tree.query_nearest(
            points, max_distance=distance, return_distance=True, all_matches=False
        )
        for i, j, gap in zip(point_at, box_at, gaps):
            p = places[i]
            shown.append(p)
            rows.append(
                {
                    "place": p.name,
                    "kind": p.kind,
                    "distance_m": int(round(gap)),
                    "hot_spot": refs[j],
                    "gi_bin": int(bins[j]),
                    "confidence": BIN_NAMES[int(bins[j])],
                    "lon": p.lon,
                    "lat": p.lat,
                }
            )
    rows.sort(key=lambda r: (r["distance_m"], -r["gi_bin"], r["place"]))
    return Table(
        title,
        columns,
        rows,
        sensitive=sensitive_datasets(shown),
        note=f"Hot spots of {q.category.label.lower()}, {months_text(q.first, q.last)}.",
        summary=f"{len(rows):,} places near {len(boxes):,} hot spot cells",
    )


def incidents_to_choose(q: MapQuery, limit: int = 100) -> list[Incident]:
    """Recent incidents in the area, newest first, for choosing one to follow up."""
    incidents = _in_bounds(
        Incident.objects.filter(
            month__gte=q.first, month__lte=q.last, easting__isnull=False, **q.category.incident_filters()
        ).exclude(dataset_id__in=q.viewer.hidden_incidents),
        q.area,
    )
    found = list(incidents.order_by("-month", "-occurred_at", "-id")[: limit * 3])
    keep = _inside(q.area, [i.easting for i in found], [i.northing for i in found])
    return [i for i, k in zip(found, keep) if k][:limit]


def schools_near_incident(incident: Incident, distance: float, programme: str = "") -> Table:
    """Schools within `distance` metres of an incident: those a fire service follows up with after
    a serious incident, with their target status and whether they can be invited."""
    from safereach.bookings.invitations import RECENT_DAYS
    from safereach.schools.models import School

    e, n = incident.easting, incident.northing
    schools = list(
        School.objects.filter(
            easting__gte=e - distance,
            easting__lte=e + distance,
            northing__gte=n - distance,
            northing__lte=n + distance,
        )
    )
    gaps = np.hypot([s.easting - e for s in schools], [s.northing - n for s in schools])
    near = sorted((g, s) for g, s in zip(gaps.tolist(), schools) if g <= distance)
    scores = current_scores(programme) if programme else {}
    contacts, recent = invitation_status([s.pk for _, s in near], programme)
    rows = []
    for gap, s in near:
        score = scores.get(s.pk)
        rows.append(
            {
                "school_id": s.pk,
                "school": s.name,
                "urn": s.urn,
                "phase": s.phase,
                "distance_m": int(round(gap)),
                "decile": score.decile if score else None,
                "target": "Yes" if score and score.decile == 1 else "No",
                "contact": "Yes" if s.pk in contacts else "No",
                "invited": recent.get(s.pk, ""),
                "can_invite": s.pk in contacts and s.pk not in recent,
                "lon": s.lon,
                "lat": s.lat,
            }
        )
    when = f"{incident.occurred_at:%d %B %Y}" if incident.occurred_at else f"{incident.month:%B %Y}"
    return Table(
        f"Schools within {distance:,.0f} m of the incident",
        [
            Column("school", "School"),
            Column("urn", "URN", True),
            Column("distance_m", "Distance (m)", True),
            Column("decile", "Decile", True),
            Column("target", "Target"),
            Column("contact", "Verified contact"),
            Column("invited", f"Invited or visited in the last {RECENT_DAYS} days"),
        ],
        rows,
        note=f"{incident.category}, {when}" + (f", {incident.location}" if incident.location else ""),
        summary=f"{len(rows):,} schools",
        extra={"can_invite": sum(r["can_invite"] for r in rows)},
    )


def invitation_status(school_ids: list[int], programme: str) -> tuple[set[int], dict[int, str]]:
    """(schools with a verified contact, school → when it was last invited or visited for the
    programme within the bookings' recent days)."""
    from datetime import timedelta

    from django.utils import timezone

    from safereach.bookings.invitations import RECENT_DAYS
    from safereach.bookings.models import Invitation, KnownAddress, Visit

    contacts = set(
        KnownAddress.objects.filter(school__in=school_ids)
        .exclude(email="")
        .values_list("school_id", flat=True)
    )
    recent: dict[int, str] = {}
    if programme:
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        for school_id, at in Invitation.objects.filter(
            school__in=school_ids, programme=programme, sent_at__gte=since
        ).values_list("school_id", "sent_at"):
            recent[school_id] = f"Invited {timezone.localtime(at):%d %b %Y}"
        for school_id, at in Visit.objects.filter(
            school__in=school_ids,
            session__programme__slug=programme,
            status__in=Visit.LIVE,
            starts_at__gte=since,
        ).values_list("school_id", "starts_at"):
            recent.setdefault(school_id, f"Visit {timezone.localtime(at):%d %b %Y}")
    return contacts, recent


def change_since_previous(q: MapQuery) -> Table:
    """Incidents in each area one level down, this period and the one before, and the hot spot
    cells of each period."""
    before = q.previous()
    level = q.area.parts_level
    now_q = replace(q, level=level)
    before_q = replace(before, level=level)
    areas = q.area.parts
    now, _ = area_incident_counts(now_q, areas)
    then, _ = area_incident_counts(before_q, areas)
    now_text, s1 = counts_as_text({a["id"]: now[a["id"]] for a in areas}, q.viewer)
    then_text, s2 = counts_as_text({a["id"]: then[a["id"]] for a in areas}, q.viewer)
    rows = []
    for a in areas:
        exact = all(t not in (FEWER_THAN_SMALL, NOT_SHOWN) for t in (now_text[a["id"]], then_text[a["id"]]))
        change = now[a["id"]] - then[a["id"]] if exact else None
        rows.append(
            {
                "area": a["name"],
                "code": a["code"],
                "now": now_text[a["id"]],
                "now_n": _shown_number(now_text[a["id"]], now[a["id"]]),
                "before": then_text[a["id"]],
                "before_n": _shown_number(then_text[a["id"]], then[a["id"]]),
                "change": (f"{change:+,}" if change is not None else "not shown"),
                "change_n": change,
                "percent": (
                    f"{100 * change / then[a['id']]:+.0f}%" if change is not None and then[a["id"]] else ""
                ),
            }
        )
    rows.sort(key=lambda r: (-(r["change_n"] if r["change_n"] is not None else -(10**9)), r["area"]))
    hot_now = hot_spots(now_q)[2].bin
    hot_then = hot_spots(before_q)[2].bin
    total_now, total_then = sum(now.values()), sum(then.values())
    name = {"district": "District", "ward": "Ward", "lsoa": "LSOA"}[level]
    loaded = set(kept.months_present(q.viewer.hidden_incidents))
    missing = [f"{m:%Y-%m}" for m in _months(before.first, q.last) if m not in loaded]
    gap = (f" No incidents are loaded for {', '.join(missing)}: the comparison is not like for like."
           if missing else "")
    return Table(
        f"What changed since {months_text(before.first, before.last)}",
        [
            Column("area", name),
            Column("now", months_text(q.first, q.last), True, "now_n"),
            Column("before", months_text(before.first, before.last), True, "before_n"),
            Column("change", "Change", True, "change_n"),
            Column("percent", "Change (%)"),
        ],
        rows,
        note=(
            f"{q.category.label}. Hot spot cells: {int((hot_now > 0).sum()):,} now, "
            f"{int((hot_then > 0).sum()):,} in the period before; cold spot cells: "
            f"{int((hot_now < 0).sum()):,} now, {int((hot_then < 0).sum()):,} before.{gap}"
        ),
        summary=(
            f"{shared_count(total_now, q.viewer.shared)} incidents against "
            f"{shared_count(total_then, q.viewer.shared)} in the period before"
        ),
        suppressed=s1 or s2,
        extra={
            "hot_now": int((hot_now > 0).sum()),
            "hot_before": int((hot_then > 0).sum()),
            "total_now": total_now,
            "total_before": total_then,
            "missing_months": missing,
        },
    )


def _months(first, last):
    from safereach.maps.layers import add_months

    month = first
    while month <= last:
        yield month
        month = add_months(month, 1)
