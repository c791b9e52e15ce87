"""The map's incident layer and the MACE map pack, at national size and on Essex.

National: the synthetic England of bench_matrix.py (6,000,000 incidents over 12 months round a
few hundred towns), written to the incidents table of a scratch database, with a county of four
districts (a 70 km × 60 km box round the busiest town). Essex: the real boundaries, deprivation,
schools, NaPTAN stops and 16 months of police.uk crime.

Timed: the answer to a layer request (GET /maps/layers/incidents.json: aggregated counts per grid
cell for a month range and a category, as the map asks for them) for the county view and for a
district view, median and 95th percentile over varied month ranges and categories; beside the
same requests answered with the counts taken from the incidents table itself (the naive way),
in the same run. And the time to build a district's map pack (Essex, one month).
"""

import os
import sys
import time
from datetime import date
from pathlib import Path
from unittest import mock

import numpy as np

from common import ROOT, report, setup_django, signed_in, timed

SHARED = Path(os.environ.get("SAFEREACH_SHARED_DATA", ROOT.parent / "shared" / "data"))
REQUESTS = 40  # per view, ours
NAIVE_REQUESTS = 8  # per view, the naive way (seconds each at national size)


def _month(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _percentiles(seconds) -> dict:
    ms = np.asarray(seconds) * 1000
    return {
        "p50_ms": round(float(np.median(ms)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "requests": len(ms),
    }


def _queries(months: list[date], categories: list[str], n: int, rng) -> list[str]:
    """n layer requests with month ranges of 1 to 12 months and a mix of categories."""
    out = []
    for _ in range(n):
        length = int(rng.integers(1, min(12, len(months)) + 1))
        start = int(rng.integers(0, len(months) - length + 1))
        category = categories[int(rng.integers(0, len(categories)))]
        out.append(f"start={months[start]:%Y-%m}&end={months[start + length - 1]:%Y-%m}&category={category}")
    return out


def _naive_counts_in_cells(size, cols, rows, first, last, category, without=()):
    """The layer's counts taken from the incidents table itself, in the cells' order."""
    from safereach.maps import counts

    box = (int(cols.min()), int(cols.max())), (int(rows.min()), int(rows.max()))
    found = counts.naive_cell_counts(size, first, last, category, *box, without)
    return np.array([found.get((c, r), 0) for c, r in zip(cols.tolist(), rows.tolist())], dtype=np.int64)


def _time_layer(client, area: str, queries: list[str], naive: bool) -> tuple[list[float], int]:
    seconds, cells = [], 0
    naive_way = mock.patch("safereach.maps.layers.kept.counts_in_cells", _naive_counts_in_cells)
    patch = naive_way if naive else None
    if patch:
        patch.start()
    try:
        for q in queries:
            start = time.perf_counter()
            response = client.get(f"/maps/layers/incidents.json?area={area}&{q}&map=1")
            seconds.append(time.perf_counter() - start)
            assert response.status_code == 200, response.content[:300]
            cells += len(response.json()["features"])
    finally:
        if patch:
            patch.stop()
    return seconds, cells


def _views(client, views: dict[str, str], months, categories, rng) -> dict:
    import gc

    # This process built millions of objects while loading the data, which a web process never
    # holds: set them aside, so the collector's full passes over them do not land in the timings.
    gc.collect()
    gc.freeze()
    figures = {}
    for name, area in views.items():
        client.get(f"/maps/layers/incidents.json?area={area}")  # the view's cells, kept after the first
        queries = _queries(months, categories, REQUESTS, rng)
        ours, cells = _time_layer(client, area, queries, naive=False)
        theirs, cells_naive = _time_layer(client, area, queries[:NAIVE_REQUESTS], naive=True)
        ours_same, cells_same = _time_layer(client, area, queries[:NAIVE_REQUESTS], naive=False)
        assert cells_same == cells_naive  # the same answers both ways
        figures[name] = {
            **_percentiles(ours),
            "naive": _percentiles(theirs),
            "speedup_vs_naive": round(float(np.median(theirs) / np.median(ours)), 1),
            "mean_cells": round(cells / len(queries)),
        }
    return figures


def _client():
    from safereach.accounts.models import Role, User

    user = User.objects.create_user(
        email=f"bench-{time.time_ns()}@example.org", password=None, roles=[Role.ANALYST]
    )
    return signed_in(user, HTTP_HOST="localhost")  # one of the hosts the settings allow


def national(rng) -> dict:
    """6,000,000 synthetic incidents in the incidents table; a county of four districts."""
    sys.path.insert(0, str(ROOT / "bench"))
    from django.db import connection, transaction

    from bench_matrix import CATEGORIES, INCIDENTS, MONTHS, synthetic_england
    from safereach.areas.coordinates import to_wgs84
    from safereach.areas.models import Area
    from safereach.evidence.models import Dataset, Incident
    from safereach.maps import counts
    from safereach.matrix import indicators as ind

    with timed() as made:
        evidence = synthetic_england(rng)
    xy = np.round(evidence.incident_xy, 1)
    months = [_month(int(m)) for m in np.arange(ind.month_index(2025, 1), ind.month_index(2025, 1) + MONTHS)]
    month_text = np.array([m.isoformat() for m in months])[evidence.incident_month - ind.month_index(2025, 1)]
    sources = np.where(np.isin(evidence.incident_category, [11, 12, 13, 14]), "fire", "police")
    names = np.array(CATEGORIES)[evidence.incident_category]
    dataset = Dataset.objects.create(
        kind="crime",
        name="Synthetic England",
        source_file="synthetic.csv",
        row_count=INCIDENTS,
        checksum="synthetic-national",
    )
    table = Incident._meta.db_table
    sql = (
        f"INSERT INTO {table} (dataset_id, source, category, month, reference, easting, northing, "
        "location, reported_lsoa_code, outcome, property_type, reported_by) "
        "VALUES (%s, %s, %s, %s, '', %s, %s, '', '', '', '', '')"
    )
    with timed() as written, transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, INCIDENTS, 200_000):
            end = start + 200_000
            cursor.executemany(
                sql,
                list(
                    zip(
                        [dataset.pk] * (end - start),
                        sources[start:end].tolist(),
                        names[start:end].tolist(),
                        month_text[start:end].tolist(),
                        xy[start:end, 0].tolist(),
                        xy[start:end, 1].tolist(),
                    )
                ),
            )
    with timed() as refreshed:
        counts.ensure_fresh()

    # The county: a 70 km × 60 km box round the town with most incidents, in four districts.
    cells, n = np.unique((xy // 10_000).astype(int), axis=0, return_counts=True)
    cx, cy = (cells[np.argmax(n)] + 0.5) * 10_000
    x0, y0 = cx - 35_000, cy - 30_000
    codes = []
    for k, (dx, dy) in enumerate([(0, 0), (35_000, 0), (0, 30_000), (35_000, 30_000)]):
        e = [x0 + dx, x0 + dx + 35_000, x0 + dx + 35_000, x0 + dx, x0 + dx]
        nn = [y0 + dy, y0 + dy, y0 + dy + 30_000, y0 + dy + 30_000, y0 + dy]
        lon, lat = to_wgs84(e, nn)
        geometry = (
            '{"type": "Polygon", "coordinates": [['
            + ", ".join(f"[{a:.6f}, {b:.6f}]" for a, b in zip(lon, lat))
            + "]]}"
        )
        code = f"E0799990{k}"
        Area.objects.create(
            code=code,
            name=f"Synthetic district {k + 1}",
            level=Area.Level.DISTRICT,
            geometry=geometry,
            centroid_easting=x0 + dx + 17_500,
            centroid_northing=y0 + dy + 15_000,
        )
        codes.append(code)
    in_county = int(
        ((xy[:, 0] >= x0) & (xy[:, 0] < x0 + 70_000) & (xy[:, 1] >= y0) & (xy[:, 1] < y0 + 60_000)).sum()
    )
    categories = [
        "",
        "police:",
        "police:Anti-social behaviour",
        "police:Criminal damage and arson",
        "fire:Deliberate secondary fire",
        "police:Burglary",
    ]
    figures = _views(_client(), {"county": "", "district": codes[0]}, months, categories, rng)
    return {
        **figures,
        "incidents": INCIDENTS,
        "incidents_in_county": in_county,
        "kept_rows": counts.IncidentCellCount.objects.count(),
        "insert_seconds": round(written["seconds"], 1),
        "refresh_seconds": round(refreshed["seconds"], 1),
        "synthetic_data_seconds": round(made["seconds"], 1),
    }


def essex(rng) -> dict:
    from safereach.evidence.importers.run import load
    from safereach.maps import counts
    from safereach.maps.access import Viewer
    from safereach.maps.mappack.build import build_map_pack
    from safereach.matrix.build import build

    boundaries = SHARED / "boundaries_essex"
    load("boundaries", sorted((boundaries / "lsoa_2011").glob("*.geojson")))
    load("boundaries", sorted((boundaries / "wards_2019").glob("*.geojson")))
    load("boundaries", [boundaries / "essex_lad_boundaries_derived.geojson"])
    load("lookups", [SHARED / "geography_lookups" / "LSOA11_WD19_LAD19_EW_LU.csv.gz"])
    load("deprivation", [SHARED / "imd2019_lsoa" / "imd2019_file1_imd_rank_decile.csv.gz"])
    load("schools", [SHARED / "schools_essex" / "schools_essex_gias_format.csv"])
    naptan = SHARED / "naptan_essex_southend_thurrock"
    load(
        "places",
        [naptan / f"NaPTAN_{n}Stops.csv.gz" for n in (150, 158, 159)]
        + [naptan / "NaPTAN_Essex_rail_air_ferry_metro_subset.csv.gz"],
    )
    crime = sorted((SHARED / "police_uk_street_crime_essex").glob("*.csv.gz"))
    load("crime", crime)
    counts.ensure_fresh()
    build()
    months = [m for m in counts.months_present() if m.year == 2024]
    categories = [
        "",
        "police:Anti-social behaviour",
        "police:Violence and sexual offences",
        "police:Criminal damage and arson",
        "police:Burglary",
    ]
    figures = _views(_client(), {"county": "", "district": "E07000070"}, months, categories, rng)
    with timed() as packed:
        pack = build_map_pack("E07000070", date(2024, 3, 1), Viewer.analyst())
    out = ROOT / "bench" / "results" / "maps-chelmsford-2024-03.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pack.pdf)
    return {
        **figures,
        "incidents": sum(counts.lsoa_counts(date(1900, 1, 1), date(2100, 1, 1), counts.Category()).values()),
        "mappack_seconds": round(packed["seconds"], 1),
        "mappack_pages": pack.pages,
        "mappack_area": "Chelmsford (E07000070)",
        "mappack_month": "2024-03",
    }


def run_case(case: str, out: str) -> int:
    """One case in this process, on its own scratch database; its figures to `out` (JSON)."""
    import json

    rng = np.random.default_rng(2026)
    setup_django()
    import esda  # noqa: F401  (a one-off import, paid by any process, not by a request)

    figures = essex(rng) if case == "essex" else national(rng)
    figures["database"] = os.environ["DATABASE_URL"].split(":", 1)[0]
    Path(out).write_text(json.dumps(figures))
    # The national scratch database takes some 5 GB: remove it (only one this run made).
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:///") and "safereach-bench-" in url:
        import shutil

        from django.db import connections

        connections.close_all()
        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
    return 0


def main() -> int:
    import json
    import subprocess
    import tempfile

    if not (SHARED / "police_uk_street_crime_essex").is_dir():
        print(f"no Essex data under {SHARED}; nothing to measure")
        return 1
    found = {}
    for case in ("essex", "national"):
        # Each case in a process of its own, so each gets a scratch database of its own.
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run([sys.executable, __file__, case, out.name], check=True)
            found[case] = json.loads(Path(out.name).read_text())
    essex_figures, national_figures = found["essex"], found["national"]
    county = national_figures["county"]
    figures = {
        "layer_p50_ms": county["p50_ms"],
        "layer_p95_ms": county["p95_ms"],
        "layer_speedup_vs_naive": county["speedup_vs_naive"],
        "mappack_seconds": essex_figures["mappack_seconds"],
        "mappack_pages": essex_figures["mappack_pages"],
        "national": national_figures,
        "essex": essex_figures,
        "database": national_figures["database"],
    }
    lines = [
        f"incident layer, national synthetic ({national_figures['incidents']:,} incidents, "
        f"{national_figures['incidents_in_county']:,} in the county; {figures['database']}):",
    ]
    for place, data in (("national", national_figures), ("essex", essex_figures)):
        if place == "essex":
            lines.append(f"incident layer, Essex ({data['incidents']:,} police.uk crimes located in LSOAs):")
        for view in ("county", "district"):
            d = data[view]
            lines.append(
                f"  {view:8s} view: p50 {d['p50_ms']:7.1f} ms, p95 {d['p95_ms']:7.1f} ms "
                f"({d['mean_cells']:,} cells); naive from the incidents table "
                f"p50 {d['naive']['p50_ms']:8.1f} ms "
                f"-> {d['speedup_vs_naive']}x (aim: county p95 < 200 ms)"
            )
    lines.append(
        f"  kept counts refreshed for 12 months of 6,000,000 incidents in "
        f"{national_figures['refresh_seconds']} s ({national_figures['kept_rows']:,} rows)"
    )
    lines.append(
        f"map pack, Chelmsford, March 2024: {essex_figures['mappack_seconds']} s, "
        f"{essex_figures['mappack_pages']} pages"
    )
    report("maps", figures, lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(run_case(*sys.argv[1:3]) if len(sys.argv) == 3 else main())
