"""Build and store target lists: the matrix's service layer over the pure computation."""

from datetime import date

import numpy as np
from django.db import transaction

from safereach.matrix import indicators as ind
from safereach.matrix.backtest import Progress, backtest
from safereach.matrix.compute import Matrix
from safereach.matrix.districts import district_summary
from safereach.matrix.evidence import load_evidence
from safereach.matrix.models import Backtest, Programme, ProgrammeVersion, Score, TargetList
from safereach.matrix.programmes import PROGRAMMES, UNTARGETED
from safereach.schools.models import School
from safereach.schools.year_groups import teaches_any


def seed_programmes() -> None:
    """Create any of the starting programmes that are missing (the data migrations do this
    once; a database flushed since, as transactional tests do, needs it again)."""
    for item in [*PROGRAMMES, *UNTARGETED]:
        programme, created = Programme.objects.get_or_create(
            slug=item["slug"], defaults={"name": item["name"], "description": item["description"],
                                         "year_groups": item["year_groups"],
                                         "profile": item.get("profile"), "version": 1})
        if created and programme.has_profile:
            ProgrammeVersion.objects.create(programme=programme, version=1,
                                            profile=item["profile"], note="First profile")


def build(programmes=None, *, area=None, built_by: str = "", seed: int = 0,
          progress: Progress | None = None) -> list[TargetList]:
    """Build the target list of each programme (default: all with a profile) from the evidence
    loaded now; each becomes its programme's current list (for `area`, a district, when given:
    its schools are then compared with each other only), all or none. `progress` hears of each
    step (fraction done, what is being done)."""
    programmes = list(programmes if programmes is not None else Programme.objects.targeted())
    for programme in programmes:
        try:
            # One without a profile, or with a number out of bounds, is refused before anything
            # is built.
            programme.parsed_profile()
        except ValueError as error:
            raise ValueError(f"{programme.name} cannot be built: {error}") from None
    if progress is not None:
        progress(0.0, "Reading the schools, areas and incidents loaded")
    evidence, school_ids = load_evidence()
    within = np.ones(len(school_ids), bool)
    if area is not None:
        # Incidents and places beyond the district still count for schools near its edge.
        in_area = set(School.objects.filter(lsoa__district=area).values_list("id", flat=True))
        within = np.array([i in in_area for i in school_ids], bool)
    taught = School.objects.year_groups_taught()
    matrix = Matrix(evidence, seed=seed)
    until = matrix.until
    present = evidence.months_present()
    district_of = dict(School.objects.filter(id__in=school_ids)
                       .values_list("id", "lsoa__district__code"))
    # Every list is worked out before any is written, so the database is locked for the
    # writing only.
    results = []
    for k, programme in enumerate(programmes):
        if progress is not None:
            progress(0.2 + 0.7 * k / len(programmes), f"Building the list for {programme.name}")
        profile = programme.parsed_profile()
        # A list ranks only the schools teaching at least one year group it serves.
        serves = np.array([teaches_any(taught[i], programme.year_groups) for i in school_ids],
                          bool).reshape(len(school_ids))
        results.append((programme, profile, matrix.target_list(profile, within & serves)))
    if progress is not None:
        progress(0.9, "Saving the list" if len(programmes) == 1 else "Saving the lists")
    built = []
    with transaction.atomic():
        for programme, profile, result in results:
            missing = ([ind.month_label(m) for m in range(until - profile.window_months + 1, until + 1)
                        if m not in present] if until is not None else [])
            TargetList.objects.filter(programme=programme, area=area, is_current=True).update(
                is_current=False)
            ids = [school_ids[s] for s in result.school_index]
            target_list = TargetList.objects.create(
                programme=programme, profile_version=programme.current_version(), area=area,
                built_by=built_by, school_count=len(result.school_index),
                until=date(until // 12, until % 12 + 1, 1) if until is not None else None,
                details={"months_missing": missing, "incidents": int(len(evidence.incident_xy)),
                         "window_months": profile.window_months,
                         "need_weight": round(profile.share_of_need, 3),
                         "has_need": bool(np.isfinite(result.need).any()),
                         "has_risk": bool(np.isfinite(result.risk).any()),
                         "left_out": result.left_out,
                         "forecast": _forecast_details(result, profile),
                         "districts": district_summary(
                             profile.target_categories, until=until, window=profile.window_months,
                             school_districts=[district_of.get(i) or "" for i in ids],
                             deciles=[int(d) for d in result.decile])})
            Score.objects.bulk_create([
                Score(target_list=target_list, programme=programme, school_id=school_ids[s],
                      phase_group=evidence.school_phase_group[s], score=round(float(result.score[k]), 2),
                      rank=int(result.rank[k]), decile=int(result.decile[k]),
                      need=_figure(result.need[k]), risk=_figure(result.risk[k]),
                      expected=_figure(result.expected[k]) if result.expected is not None else None,
                      contributions=result.contributions[k])
                for k, s in enumerate(result.school_index)
            ], batch_size=2000)
            built.append(target_list)
    return built


def _figure(value) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 2)


def _forecast_details(result, profile) -> dict | None:
    """How the list's forecast was made, for its page."""
    found = result.forecast
    if found is None or result.expected is None:
        return None
    return {"horizon_months": found.horizon, "fitted_on": found.describe_fit(),
            "uses_prior": found.with_prior, "fallback": found.fallback,
            "label": next(i.label for i in profile.indicators if i.kind == "forecast"),
            "weights": {n: round(float(w), 5) for n, w in zip(found.terms.names, found.weights)}}


def run_backtest(programme: Programme, *, until: int | None, horizon: int, origins: int = 6,
                 ran_by: str = "", progress: Progress | None = None) -> Backtest:
    """Back-test the programme's current profile on the evidence loaded now, from the latest
    `origins` months on or before `until` (None: the latest there can be), and keep it.
    `progress` hears of each step, as the back-test's own (`matrix.backtest.Progress`)."""
    if progress is not None:
        progress(0.0, "Reading the schools, areas and incidents loaded")
    evidence, _ = load_evidence()
    if len(evidence.school_xy) == 0:
        raise ValueError("No schools with a location are loaded")
    # Reading the evidence is about a tenth of the work; the back-test itself the rest.
    steps = (lambda fraction, text: progress(0.1 + 0.9 * fraction, text)) if progress else None
    result = backtest(evidence, programme.parsed_profile(), until=until, horizon=horizon,
                      origins=origins, progress=steps)
    last = ind.month_index(*map(int, result["until"].split("-")))
    return Backtest.objects.create(
        programme=programme, profile_version=programme.current_version(),
        until=date(last // 12, last % 12 + 1, 1), horizon_months=horizon, ran_by=ran_by,
        result={"programme": programme.slug, **result})
