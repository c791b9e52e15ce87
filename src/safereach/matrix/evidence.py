"""Read the evidence the matrix needs out of the database, as arrays."""

import numpy as np
from django.db.models.functions import ExtractMonth, ExtractYear

from safereach.areas.models import Area
from safereach.evidence.models import AreaRate, Deprivation, Incident, OutputAreaClassification, Place
from safereach.matrix import indicators as ind
from safereach.matrix.compute import AreaFigures, Evidence
from safereach.matrix.forecast import SUPERGROUPS
from safereach.schools.models import School

# The English Indices of Deprivation 2019 rank 32,844 LSOAs: the rank's denominator.
NATIONAL_LSOAS = 32_844
CLOSED = ("Closed",)


def _floats(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], float)


def load_evidence(schools=None) -> tuple[Evidence, list[int]]:
    """Evidence for the open schools with a location (or `schools`, a queryset); returns it
    and the School ids in the same order as its arrays.

    Only schools inside the loaded LSOA boundaries are ranked: that is where the evidence
    was loaded for. A national schools file beside one county's crime would otherwise rank
    thousands of schools on incidents nobody loaded for them.
    """
    schools = (schools if schools is not None else School.objects.filter(lsoa__isnull=False)).exclude(
        status__in=CLOSED).filter(easting__isnull=False, northing__isnull=False).order_by("id")
    rows = list(schools.values_list("id", "easting", "northing", "phase", "lsoa__code",
                                    "percent_fsm", "need_tier", "lsoa__msoa_code",
                                    "lsoa__parent__code", "lsoa__district__code"))
    lsoas = list(Area.objects.filter(level=Area.Level.LSOA, centroid_easting__isnull=False)
                 .values_list("code", "centroid_easting", "centroid_northing"))
    lsoa_at = {code: k for k, (code, _, _) in enumerate(lsoas)}
    columns = ["imd_score", "imd_rank", "idaci_score", "idaci_rank", "crime_score", "crime_rank",
               "population"]
    deprivation = {row[0]: row[1:] for row in Deprivation.objects.filter(
        lsoa_code__in=lsoa_at).values_list("lsoa_code", *columns)}
    table = np.array([[np.nan if v is None else float(v) for v in deprivation.get(code, [None] * 7)]
                      for code, _, _ in lsoas], float).reshape(len(lsoas), 7)
    measures = {}
    for k, measure in enumerate(("imd", "idaci", "crime")):
        score, rank = table[:, 2 * k], table[:, 2 * k + 1]
        # IoD scores where published; otherwise the rank read as "more deprived than X% of
        # England", which orders areas the same way.
        if not np.isnan(score).all():
            measures[measure] = (score, "score")
        elif not np.isnan(rank).all():
            measures[measure] = (ind.rank_to_deprivation(rank, NATIONAL_LSOAS), "rank")

    incidents = list(Incident.objects.filter(easting__isnull=False, northing__isnull=False)
                     .annotate(y=ExtractYear("month"), m=ExtractMonth("month"))
                     .values_list("easting", "northing", "y", "m", "category"))
    if incidents:
        categories, category_index = np.unique(
            np.array([r[4] for r in incidents], dtype=object).astype(str), return_inverse=True)
    else:
        categories, category_index = np.array([]), np.array([], int)
    places = list(Place.objects.values_list("easting", "northing", "kind"))
    kinds, kind_index = (np.unique(np.array([p[2] for p in places], dtype=str), return_inverse=True)
                         if places else (np.array([]), np.array([], int)))
    evidence = Evidence(
        school_xy=np.array([[r[1], r[2]] for r in rows], float).reshape(len(rows), 2),
        school_phase_group=np.array([ind.phase_group(r[3]) for r in rows], dtype=object).astype(str),
        school_lsoa=np.array([lsoa_at.get(r[4], -1) for r in rows], int),
        school_fsm=_floats(r[5] for r in rows),
        school_need_tier=_floats(r[6] for r in rows),
        lsoa_xy=np.array([[e, n] for _, e, n in lsoas], float).reshape(len(lsoas), 2),
        lsoa_deprivation=measures,
        lsoa_population=table[:, 6],
        incident_xy=np.array([[r[0], r[1]] for r in incidents], float).reshape(len(incidents), 2),
        incident_month=np.array([r[2] * 12 + r[3] - 1 for r in incidents], int),
        incident_category=np.asarray(category_index, int).ravel(),
        categories=[str(c) for c in categories],
        place_xy=np.array([[p[0], p[1]] for p in places], float).reshape(len(places), 2),
        place_kind=np.asarray(kind_index, int).ravel(),
        place_kinds=[str(k) for k in kinds],
        # Figures published per area reach a school through its LSOA: the LSOA itself, the
        # MSOA an LSOA → MSOA lookup put it in, its ward (parent), its district.
        school_areas={level: np.array([r[k] or "" for r in rows], dtype=object).astype(str)
                      for level, k in zip(ind.AREA_LEVELS, (4, 7, 8, 9), strict=True)},
        area_figures=_area_figures(),
        lsoa_groups=_area_classes([code for code, _, _ in lsoas]),
        group_names=list(SUPERGROUPS.values()),
    )
    return evidence, [r[0] for r in rows]


def _area_classes(codes: list[str]) -> np.ndarray | None:
    """Each LSOA's share of output areas in each 2011 OAC supergroup (NaN rows where none is
    loaded); None when no classification is loaded at all."""
    if not OutputAreaClassification.objects.exists():
        return None
    at = {code: k for k, code in enumerate(codes)}
    shares = np.full((len(codes), len(SUPERGROUPS)), np.nan)
    keys = list(SUPERGROUPS)
    for code, total, groups in OutputAreaClassification.objects.values_list(
            "lsoa_code", "output_areas", "supergroups"):
        if code in at and total:
            shares[at[code]] = [groups.get(k, 0) / total for k in keys]
    return shares


def _area_figures() -> dict[str, AreaFigures]:
    """measure → its figures per area, as `safereach load area-rates` stored them."""
    by_measure: dict[str, list] = {}
    for measure, code, count, rate in AreaRate.objects.values_list(
            "measure", "area_code", "count", "rate_per_1000"):
        by_measure.setdefault(measure, []).append((code, count, rate))
    return {measure: AreaFigures(codes=np.array([r[0] for r in rows], dtype=object).astype(str),
                                 count=_floats(r[1] for r in rows),
                                 rate_per_1000=_floats(r[2] for r in rows))
            for measure, rows in by_measure.items()}
