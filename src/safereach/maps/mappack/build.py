"""The map pack for the monthly multi-agency (MACE) meeting: a PDF for a district or the county
and one month.

Pages are laid out as HTML and CSS (a Django template) and printed to PDF by WeasyPrint, with
maps drawn by matplotlib as SVG placed inline, so maps and text are vector and the pack needs no
browser, tile server or network. WeasyPrint handles paged media (running footers, page numbers,
page breaks, repeated table headers) as CSS says, which is what a report of tables needs;
ReportLab would have meant placing every table cell by hand, and printing from a headless
browser would make a browser a dependency of the server.

The pack follows the same rules as the map for who sees what: built for partners, counts of 1
to 4 read "fewer than 5"; datasets withheld from the asker (governance.access) are left out and
the counts made without them, and OFFICIAL-SENSITIVE notices and places are in only when the asker
may see them and gave a reason.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import shapely
from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from safereach.core.small_counts import FEWER_THAN_SMALL, NOT_SHOWN
from safereach.evidence.models import Incident
from safereach.maps import grid
from safereach.maps.access import Viewer
from safereach.maps.counts import Category, ensure_fresh
from safereach.maps.gi_star import BIN_NAMES
from safereach.maps.layers import (
    GI_STAR_METHOD,
    SNAP_CAVEAT,
    MapQuery,
    _in_bounds,
    add_months,
    counts_as_text,
    hot_spots,
    notices_in_force,
    sensitive_datasets,
)
from safereach.maps.map_areas import MapArea, map_area, to_bng_geometry, ward_rows
from safereach.maps.mappack.figures import area_map
from safereach.maps.models import IncidentAreaCount, IncidentCellCount
from safereach.maps.sources import LICENCE, sources, withheld_note

# A month's incidents over a district: cells fine enough to point at streets but big enough that
# most hold some incidents, so Gi* compares busy places with quiet ones rather than with empty
# squares (about 2,000 cells: 1 km for a district, 4 km for a county).
PACK_CELLS = 2000
NEAR_M = 500  # "near a hot spot": places and schools within this distance of a hot spot cell
MAX_ROWS = 8  # of a table on a ward's page; the rest are counted


@dataclass
class WardPage:
    name: str
    code: str
    map_svg: str
    hotspots: list[dict]
    places: list[dict]
    places_more: int
    schools: list[dict]
    schools_more: int
    notices: list[dict]
    changes: list[dict]
    totals: dict = field(default_factory=dict)


@dataclass
class MapPack:
    pdf: bytes
    pages: int
    classification: str


def _data_months(viewer: Viewer) -> list[str]:
    """Each source's months loaded, as ranges: 'police: 2018-01 to 2018-07, 2018-10 to 2019-02'."""
    rows = (
        IncidentCellCount.objects.filter(size=grid.CELL_SIZES[-1], category="")
        .exclude(source="")
        .values_list("source", "month")
        .distinct()
        .order_by("source", "month")
    )
    if viewer.hidden_incidents:  # the kept counts add every dataset together
        rows = (
            Incident.objects.exclude(dataset_id__in=viewer.hidden_incidents)
            .values_list("source", "month")
            .distinct()
            .order_by("source", "month")
        )
    by_source: dict[str, list[date]] = {}
    for source, month in rows:
        by_source.setdefault(source, []).append(month)
    lines = []
    for source, months in by_source.items():
        spans, start = [], months[0]
        for before, after in zip(months, months[1:] + [None]):
            if after is None or add_months(before, 1) != after:
                spans.append(f"{start:%Y-%m}" if start == before else f"{start:%Y-%m} to {before:%Y-%m}")
                start = after
        name = {"police": "Police crime", "fire": "Fire incidents"}.get(source, source)
        lines.append(f"{name}: {', '.join(spans)}")
    return lines


def _wards(area: MapArea) -> list[dict]:
    if area.level == "ward":
        return [{"id": None, "code": area.code, "name": area.name, "geometry_bng": area.outline}]
    from safereach.areas.models import Area

    rows = []
    districts = [area.code] if area.level == "district" else [p["code"] for p in area.parts]
    for district in Area.objects.filter(code__in=districts, level=Area.Level.DISTRICT):
        rows += ward_rows(district)
    return [{**r, "geometry_bng": to_bng_geometry(r["geometry"])} for r in rows]


def _targets() -> dict[int, list[str]]:
    """school id → the programmes whose current list puts it in decile 1."""
    from safereach.matrix.models import Score

    found: dict[int, list[str]] = {}
    for school_id, name in Score.objects.filter(
        target_list__is_current=True, target_list__area__isnull=True, decile=1
    ).values_list("school_id", "programme__name"):
        found.setdefault(school_id, []).append(name)
    return found


def _category_changes(lsoa_ids: list[int], month: date, viewer: Viewer) -> list[dict]:
    """Incidents by category in the ward's LSOAs this month against the month before."""
    before = add_months(month, -1)
    rows = (
        IncidentAreaCount.objects.filter(lsoa__in=lsoa_ids, month__in=[before, month])
        .exclude(category="")
        .values_list("category", "month")
        .annotate(n=Sum("count"))
    )
    if viewer.hidden_incidents:  # the kept counts add every dataset together
        rows = (
            Incident.objects.filter(lsoa__in=lsoa_ids, month__in=[before, month])
            .exclude(dataset_id__in=viewer.hidden_incidents)
            .values_list("category", "month")
            .annotate(n=Count("id"))
            .order_by()
        )
    now, then = Counter(), Counter()
    for category, m, n in rows:
        (now if m == month else then)[category] += n
    categories = sorted(set(now) | set(then), key=lambda c: (-now[c], c))
    now_text, _ = counts_as_text({c: now[c] for c in categories}, viewer)
    then_text, _ = counts_as_text({c: then[c] for c in categories}, viewer)
    out = []
    for c in categories[:12]:
        exact = all(t not in (FEWER_THAN_SMALL, NOT_SHOWN) for t in (now_text[c], then_text[c]))
        out.append(
            {
                "category": c,
                "now": now_text[c],
                "before": then_text[c],
                "change": f"{now[c] - then[c]:+,}" if exact else "not shown",
            }
        )
    return out


def build_map_pack(
    area_code: str, month: date, viewer: Viewer, *, progress=None, asked_by: str = "", now=None
) -> MapPack:
    """The PDF for `area_code` ('' or 'county' for the county) and `month`. Raises ValueError when
    the area is unknown or there are no incidents that month."""
    import weasyprint

    tick = progress or (lambda fraction, text: None)
    now = now or timezone.now()
    ensure_fresh()
    area = map_area(area_code)
    q = MapQuery(area, month, month, Category(), viewer, cell_size=grid.size_for(area.bounds, PACK_CELLS))
    tick(0.05, "Finding hot spots")
    cells, counts, g = hot_spots(q)
    if counts.sum() == 0:
        raise ValueError(f"There are no incidents in {area.title} in {month:%B %Y}")
    by_cell = {(int(c), int(r)): int(n) for c, r, n in zip(cells.cols, cells.rows, counts) if n}
    cell_text, _ = counts_as_text(by_cell, viewer)
    hot = np.flatnonzero(g.bin > 0)
    boxes = cells.boxes()
    centres = cells.centres()
    targets = _targets()

    from safereach.evidence.models import Place
    from safereach.schools.models import School

    shown = Place.objects.select_related("dataset").exclude(dataset_id__in=viewer.hidden)
    places = list(_in_bounds(shown, area))
    schools = list(_in_bounds(School.objects.filter(easting__isnull=False), area))
    notices = notices_in_force(q)
    hot_tree = shapely.STRtree(boxes[hot]) if len(hot) else None

    def near_hot(xy):
        """(index into hot, distance) of the nearest hot cell within NEAR_M, for each point."""
        if hot_tree is None or len(xy) == 0:
            return np.full(len(xy), -1), np.full(len(xy), np.inf)
        (at, box), gap = hot_tree.query_nearest(
            shapely.points(xy), max_distance=NEAR_M, return_distance=True, all_matches=False
        )
        index, distance = np.full(len(xy), -1), np.full(len(xy), np.inf)
        index[at], distance[at] = box, gap
        return index, distance

    place_xy = np.array([[p.easting, p.northing] for p in places]).reshape(-1, 2)
    school_xy = np.array([[s.easting, s.northing] for s in schools]).reshape(-1, 2)
    place_hot, place_gap = near_hot(place_xy)
    school_hot, school_gap = near_hot(school_xy)
    target_xy = np.array([[s.easting, s.northing] for s in schools if s.pk in targets]).reshape(-1, 2)

    tick(0.15, "Drawing the overview map")
    parts = [(to_bng_geometry(p["geometry"]), p["name"]) for p in area.parts if p.get("geometry")]
    overview = area_map(
        outline=area.outline,
        parts=parts,
        cells=(cells.size, cells.cols, cells.rows, g.bin),
        points=[
            (target_xy, "#a50026", "o", "Target schools (decile 1 of a programme)"),
            (
                np.array([[n.easting, n.northing] for n in notices]).reshape(-1, 2),
                "#912b88",
                "^",
                "Notices in force",
            ),
        ],
        size=(10, 5.6),
        legend_title=f"{month:%B %Y}",
    )

    wards = _wards(area)
    ward_pages: list[WardPage] = []
    hot_centres = shapely.points(centres[hot]) if len(hot) else None
    from safereach.areas.models import Area

    for k, ward in enumerate(wards):
        tick(0.2 + 0.65 * k / max(len(wards), 1), f"Ward {k + 1} of {len(wards)}: {ward['name']}")
        if hot_centres is None:
            break
        outline = ward["geometry_bng"]
        inside = hot[shapely.contains(outline, hot_centres)]
        if len(inside) == 0:
            continue
        in_ward = set(inside.tolist())
        hot_rows = [
            {
                "cell": grid.cell_reference(cells.size, int(cells.cols[i]), int(cells.rows[i])),
                "incidents": cell_text.get((int(cells.cols[i]), int(cells.rows[i])), "0"),
                "z": f"{g.z[i]:.2f}",
                "confidence": BIN_NAMES[int(g.bin[i])],
            }
            for i in sorted(inside, key=lambda i: -g.z[i])
        ]
        near_place = [j for j in range(len(places)) if place_hot[j] >= 0 and hot[place_hot[j]] in in_ward]
        near_place.sort(key=lambda j: (place_gap[j], places[j].name))
        place_rows = [
            {"place": places[j].name, "kind": places[j].kind.capitalize(), "distance": f"{place_gap[j]:.0f}"}
            for j in near_place
        ]
        ward_schools = shapely.contains_xy(outline, school_xy[:, 0], school_xy[:, 1]) if len(schools) else []
        chosen = [
            j
            for j in range(len(schools))
            if ward_schools[j] or (school_hot[j] >= 0 and hot[school_hot[j]] in in_ward)
        ]
        chosen.sort(key=lambda j: (school_gap[j], schools[j].name))
        school_rows = [
            {
                "school": schools[j].name,
                "phase": schools[j].phase,
                "where": "In the ward" if ward_schools[j] else "Near",
                "distance": f"{school_gap[j]:.0f}" if np.isfinite(school_gap[j]) else "over 500",
                "target": ", ".join(targets.get(schools[j].pk, [])) or "Not a target",
            }
            for j in chosen
        ]
        ward_notices = [n for n in notices if shapely.contains_xy(outline, n.easting, n.northing)]
        notice_rows = [
            {
                "kind": n.kind.capitalize(),
                "reference": n.reference,
                "premises": n.premises,
                "issued": f"{n.issued_on:%d %b %Y}",
            }
            for n in ward_notices
        ]
        lsoa_ids = (
            list(
                Area.objects.filter(level=Area.Level.LSOA, parent_id=ward["id"]).values_list("id", flat=True)
            )
            if ward["id"]
            else [p["id"] for p in area.parts]
        )
        bounds = outline.buffer(NEAR_M).bounds
        view = shapely.box(*bounds)
        in_view_cells = np.flatnonzero(shapely.intersects(view, boxes))
        svg = area_map(
            outline=outline.buffer(0),
            parts=[(geom, "") for geom, _ in parts if shapely.intersects(geom, view)],
            cells=(cells.size, cells.cols[in_view_cells], cells.rows[in_view_cells], g.bin[in_view_cells]),
            points=[
                (place_xy[near_place], "#1b9e77", "D", f"Vulnerable places within {NEAR_M} m"),
                (
                    school_xy[[j for j in chosen if schools[j].pk in targets]],
                    "#a50026",
                    "o",
                    "Target schools",
                ),
                (
                    school_xy[[j for j in chosen if schools[j].pk not in targets]],
                    "#ffffff",
                    "o",
                    "Other schools",
                ),
                (
                    np.array([[n.easting, n.northing] for n in ward_notices]).reshape(-1, 2),
                    "#912b88",
                    "^",
                    "Notices",
                ),
            ],
            size=(6.4, 4.4),
        )
        ward_pages.append(
            WardPage(
                ward["name"],
                ward["code"],
                svg,
                hot_rows,
                place_rows[:MAX_ROWS],
                max(0, len(place_rows) - MAX_ROWS),
                school_rows[:MAX_ROWS],
                max(0, len(school_rows) - MAX_ROWS),
                notice_rows,
                _category_changes(lsoa_ids, month, viewer),
                totals={"hot": len(inside), "places": len(place_rows), "schools": len(school_rows)},
            )
        )

    keys = ["incidents", "schools", "places", "notices"]
    sensitive = sensitive_datasets(notices) or sensitive_datasets(places)
    src = sources(keys, area.fictional, sensitive, viewer.hidden)
    previous = add_months(month, -1)
    ward_counts = Counter(p.code for p in ward_pages)
    tick(0.88, "Laying out the pages")
    html = render_to_string(
        "maps/pack/pack.html",
        {
            "area": area,
            "month": month,
            "previous": previous,
            "overview": overview,
            "wards": ward_pages,
            "data_months": _data_months(viewer),
            "sources": src,
            "licence": LICENCE,
            "caveat": SNAP_CAVEAT,
            "method": GI_STAR_METHOD,
            "near_m": NEAR_M,
            "cell_size": cells.size,
            "built": timezone.localtime(now),
            "asked_by": asked_by,
            "hot": int((g.bin > 0).sum()),
            "cold": int((g.bin < 0).sum()),
            "incidents": counts_as_text({"all": int(counts.sum())}, viewer)[0]["all"],
            "shared": viewer.shared,
            "fewer_than": FEWER_THAN_SMALL,
            "ward_count": len(ward_counts),
            "sensitive_left_out": viewer.sensitive_left_out,
            "withheld": withheld_note(keys, viewer),
        },
    )
    tick(0.92, "Printing the PDF")
    # WeasyPrint reads the SVGs' presentation attributes as CSS too and warns about each one it
    # leaves to the SVG renderer; those warnings say nothing about the pack.
    quiet = logging.getLogger("weasyprint")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        document = weasyprint.HTML(string=html).render()
    finally:
        quiet.setLevel(level)
    return MapPack(document.write_pdf(), len(document.pages), src.classification)
