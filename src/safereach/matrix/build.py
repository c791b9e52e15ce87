"""Build and store target lists: the matrix's service layer over the pure computation."""

from datetime import date

import numpy as np
from django.db import transaction

from safereach.matrix import indicators as ind
from safereach.matrix.backtest import Progress, backtest
from safereach.matrix.compute import Matrix
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


def build(programmes=None, *, area=None, built_by: str = "", seed: int = 0) -> list[TargetList]:
    """Build the target list of each programme (default: all with a profile) from the evidence
    loaded now; each becomes its programme's current list (for `area`, a district, when given:
    its schools are then compared with each other only), all or none."""
    programmes = list(programmes if programmes is not None else Programme.objects.targeted())
    for programme in programmes:
        programme.parsed_profile()  # one without a profile is refused before anything is built
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
    built = []
    with transaction.atomic():
        for programme in programmes:
            profile = programme.parsed_profile()
            # A list ranks only the schools teaching at least one year group it serves.
            serves = np.array([teaches_any(taught[i], programme.year_groups) for i in school_ids],
                              bool).reshape(len(school_ids))
            result = matrix.target_list(profile, within & serves)
            missing = ([ind.month_label(m) for m in range(until - profile.window_months + 1, until + 1)
                        if m not in present] if until is not None else [])
            TargetList.objects.filter(programme=programme, area=area, is_current=True).update(
                is_current=False)
            target_list = TargetList.objects.create(
                programme=programme, profile_version=programme.current_version(), area=area,
                built_by=built_by, school_count=len(result.school_index),
                until=date(until // 12, until % 12 + 1, 1) if until is not None else None,
                details={"months_missing": missing, "incidents": int(len(evidence.incident_xy)),
                         "window_months": profile.window_months})
            Score.objects.bulk_create([
                Score(target_list=target_list, programme=programme, school_id=school_ids[s],
                      phase_group=evidence.school_phase_group[s], score=round(float(result.score[k]), 2),
                      rank=int(result.rank[k]), decile=int(result.decile[k]),
                      contributions=result.contributions[k])
                for k, s in enumerate(result.school_index)
            ], batch_size=2000)
            built.append(target_list)
    return built


def run_backtest(programme: Programme, *, until: int, horizon: int, ran_by: str = "",
                 progress: Progress | None = None) -> Backtest:
    """Back-test the programme's current profile on the evidence loaded now, and keep it.
    `progress` hears of each step, as the back-test's own (`matrix.backtest.Progress`)."""
    if progress is not None:
        progress(0.0, "Reading the schools, areas and incidents loaded")
    evidence, _ = load_evidence()
    if len(evidence.school_xy) == 0:
        raise ValueError("No schools with a location are loaded")
    # Reading the evidence is about a tenth of the work; the back-test itself the rest.
    steps = (lambda fraction, text: progress(0.1 + 0.9 * fraction, text)) if progress else None
    result = backtest(evidence, programme.parsed_profile(), until=until, horizon=horizon, progress=steps)
    return Backtest.objects.create(
        programme=programme, profile_version=programme.current_version(),
        until=date(until // 12, until % 12 + 1, 1), horizon_months=horizon, ran_by=ran_by,
        result={"programme": programme.slug, **result})
