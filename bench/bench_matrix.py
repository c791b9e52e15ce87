"""The schools vulnerability matrix at national size, beside GeoPandas radius counts.

A synthetic England: 33,000 LSOAs gathered round a few hundred towns, 24,000 schools and
6,000,000 incidents over 12 months near them. Timed: building every indicator, score, rank
and reason for all six programmes from arrays (the database is not involved). Baseline,
measured in the same run: the same radius counts done the plain GeoPandas way, buffering a
sample of schools by their radius and spatially joining the incidents, per school. Each
programme's list includes its forecast, fitted on the earlier months of the same data.

When the Essex data beside the project is there (`../shared/data`), the rolling back-test of the
arson list (6 origins, 3 months ahead) is timed on it too: `backtest_origins_seconds`.
"""

import sys
import time

import numpy as np

from common import ROOT, report, timed

sys.path.insert(0, str(ROOT / "src"))

from safereach.matrix import indicators as ind  # noqa: E402
from safereach.matrix.compute import Evidence, Matrix  # noqa: E402
from safereach.matrix.profiles import Profile  # noqa: E402
from safereach.matrix.programmes import PROGRAMMES, VULNERABLE_PLACES  # noqa: E402

SCHOOLS, INCIDENTS, LSOAS, MONTHS, TOWNS = 24_000, 6_000_000, 33_000, 12, 400
SAMPLE = 200  # schools in the GeoPandas baseline
CATEGORIES = ["Anti-social behaviour", "Violence and sexual offences", "Criminal damage and arson",
              "Public order", "Shoplifting", "Vehicle crime", "Burglary", "Other theft", "Drugs",
              "Possession of weapons", "Robbery", "Deliberate secondary fire",
              "Deliberate primary fire", "Accidental dwelling fire", "Malicious false alarm"]
SHARE = np.array([35, 30, 9, 8, 6, 5, 4, 4, 2, 1, 1, 2, 0.5, 0.5, 0.3])


def synthetic_england(rng) -> Evidence:
    towns = rng.uniform([140_000, 20_000], [650_000, 650_000], size=(TOWNS, 2))
    size = rng.pareto(1.2, TOWNS) + 1
    town = rng.choice(TOWNS, size=LSOAS, p=size / size.sum())
    lsoa_xy = towns[town] + rng.normal(0, 1, (LSOAS, 2)) * (1500 * np.sqrt(size[town]))[:, None]
    school_lsoa = rng.integers(0, LSOAS, SCHOOLS)
    school_xy = lsoa_xy[school_lsoa] + rng.normal(0, 250, (SCHOOLS, 2))
    phase = np.where(rng.random(SCHOOLS) < 0.8, "primary",
                     np.where(rng.random(SCHOOLS) < 0.85, "secondary", "special and other"))
    imd = rng.gamma(2.0, 10.0, LSOAS)
    where = rng.choice(LSOAS, size=INCIDENTS, p=imd / imd.sum())
    incident_xy = lsoa_xy[where] + rng.normal(0, 400, (INCIDENTS, 2))
    places = rng.choice(LSOAS, size=20_000)
    return Evidence(
        school_xy=school_xy, school_phase_group=phase, school_lsoa=school_lsoa,
        school_fsm=rng.uniform(0, 60, SCHOOLS), school_need_tier=rng.choice([1.0, 2.0, 3.0, np.nan], SCHOOLS),
        lsoa_xy=lsoa_xy,
        lsoa_deprivation={"imd": (imd, "score"), "idaci": (imd / 200, "score"),
                          "crime": (rng.normal(0, 1, LSOAS), "score")},
        lsoa_population=rng.normal(1600, 200, LSOAS),
        incident_xy=incident_xy,
        incident_month=ind.month_index(2025, 1) + rng.integers(0, MONTHS, INCIDENTS),
        incident_category=rng.choice(len(CATEGORIES), size=INCIDENTS, p=SHARE / SHARE.sum()),
        categories=CATEGORIES,
        place_xy=lsoa_xy[places] + rng.normal(0, 300, (len(places), 2)),
        place_kind=rng.integers(0, len(VULNERABLE_PLACES), len(places)),
        place_kinds=VULNERABLE_PLACES,
    )


def geopandas_counts(evidence: Evidence, sample: np.ndarray, radius: np.ndarray) -> np.ndarray:
    import geopandas as gpd

    schools = gpd.GeoDataFrame({"school": sample}, crs="EPSG:27700",
                               geometry=gpd.points_from_xy(*evidence.school_xy[sample].T))
    incidents = gpd.GeoDataFrame({"category": evidence.incident_category}, crs="EPSG:27700",
                                 geometry=gpd.points_from_xy(*evidence.incident_xy.T))
    start = time.perf_counter()
    schools["geometry"] = schools.buffer(radius[sample], quad_segs=16)
    joined = gpd.sjoin(incidents, schools, predicate="within")
    counts = joined.groupby("school").size().reindex(sample, fill_value=0).to_numpy()
    return counts, time.perf_counter() - start


def main() -> int:
    rng = np.random.default_rng(2026)
    with timed() as made:
        evidence = synthetic_england(rng)
    profiles = [Profile.from_json(p["profile"]) for p in PROGRAMMES]
    import esda  # noqa: F401  (a one-off 3 s import, paid by any process, not by the build)

    with timed() as build:
        matrix = Matrix(evidence, seed=1)
        lists = [matrix.target_list(profile) for profile in profiles]
    radius = matrix.radius(profiles[0])
    with timed() as counting:
        ours = ind.incident_counts(evidence.school_xy, radius, evidence.incident_xy,
                                   evidence.incident_month, evidence.incident_category,
                                   len(CATEGORIES), until=matrix.until, window=MONTHS).total.sum(axis=1)
    sample = rng.choice(SCHOOLS, SAMPLE, replace=False)
    theirs, geopandas_seconds = geopandas_counts(evidence, sample, radius)
    # A buffer is a 64-gon, not a circle: a point near the edge may fall either side.
    agree = float(np.mean(np.abs(theirs - ours[sample]) <= np.maximum(2, 0.01 * theirs)))
    per_school_ours = build["seconds"] / SCHOOLS
    per_school_counts = counting["seconds"] / SCHOOLS
    per_school_geopandas = geopandas_seconds / SAMPLE
    figures = {
        "schools": SCHOOLS, "incidents": INCIDENTS, "lsoas": LSOAS, "months": MONTHS,
        "programmes": len(profiles), "scored_rows": int(sum(len(t.score) for t in lists)),
        "national_build_seconds": round(build["seconds"], 2),
        "radius_counts_seconds": round(counting["seconds"], 2),
        "geopandas_sample_schools": SAMPLE,
        "geopandas_sample_seconds": round(geopandas_seconds, 2),
        "geopandas_ms_per_school": round(1000 * per_school_geopandas, 3),
        "build_ms_per_school": round(1000 * per_school_ours, 4),
        "speedup_vs_geopandas": round(per_school_geopandas / per_school_ours, 1),
        "radius_count_speedup_vs_geopandas": round(per_school_geopandas / per_school_counts, 1),
        "sample_counts_agreeing": agree,
        "synthetic_data_seconds": round(made["seconds"], 2),
    }
    lines = [
        f"national build, {len(profiles)} programmes, {SCHOOLS:,} schools, {INCIDENTS:,} incidents, "
        f"{LSOAS:,} LSOAs: {build['seconds']:.1f} s (aim < 30 s)",
        f"  per school: {1000 * per_school_ours:.3f} ms for every indicator, score and reason",
        f"  radius counts alone (all categories): {counting['seconds']:.2f} s, "
        f"{1000 * per_school_counts:.4f} ms per school",
        f"GeoPandas buffer + sjoin on {SAMPLE} schools: {geopandas_seconds:.2f} s, "
        f"{1000 * per_school_geopandas:.2f} ms per school",
        f"ratio per school: whole build {per_school_geopandas / per_school_ours:.0f}x faster than "
        f"GeoPandas radius counts alone; radius counts {per_school_geopandas / per_school_counts:.0f}x "
        "(aim >= 10x)",
        f"sample counts agreeing with GeoPandas (within 1% or 2): {100 * agree:.1f}%",
    ]
    essex = essex_backtest_seconds()
    if essex is not None:
        figures["backtest_origins_seconds"] = round(essex, 2)
        figures["backtest_origins"] = 6
        lines.append(f"rolling back-test, Essex arson, 6 origins, 3 months ahead: {essex:.1f} s")
    report("matrix", figures, lines)
    return 0


def essex_backtest_seconds() -> float | None:
    """The rolling back-test of the arson list on the real Essex data (police.uk months, GIAS
    schools, IMD, populations): loaded into a scratch database, then timed from reading the
    evidence to the figures. None when the shared data is absent."""
    data = ROOT.parent / "shared" / "data"
    if not (data / "police_uk_street_crime_essex").is_dir():
        return None
    from common import setup_django

    setup_django()
    from safereach.evidence.importers.run import load
    from safereach.matrix.build import run_backtest
    from safereach.matrix.models import Programme

    load("boundaries", sorted((data / "boundaries_essex" / "lsoa_2011").glob("*.geojson")))
    load("deprivation", [data / "imd2019_lsoa" / "imd2019_file1_imd_rank_decile.csv.gz",
                         data / "iod2019_population_denominators"
                         / "File_6_IoD2019_Population_Denominators_Essex_Southend_Thurrock.csv.gz"])
    load("schools", [data / "schools_essex" / "schools_essex_gias_format.csv"])
    load("crime", sorted((data / "police_uk_street_crime_essex").glob("*.csv.gz")))
    with timed() as run:
        run_backtest(Programme.objects.get(slug="arson"), until=None, horizon=3, origins=6)
    return run["seconds"]


if __name__ == "__main__":
    raise SystemExit(main())
