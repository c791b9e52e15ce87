"""The back-test on real Essex data: boundaries, IMD 2019, GIAS schools and police.uk crime."""

import numpy as np
import pytest

from safereach.evidence.importers.run import load
from safereach.evidence.models import Incident
from safereach.matrix import indicators as ind
from safereach.matrix.backtest import backtest
from safereach.matrix.evidence import load_evidence
from safereach.matrix.models import Programme

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]

MONTHS = ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02"]


@pytest.fixture
def essex(shared_data):
    boundaries = shared_data / "boundaries_essex"
    load("boundaries", sorted((boundaries / "lsoa_2011").glob("*.geojson")))
    load("deprivation", [shared_data / "imd2019_lsoa" / "imd2019_file1_imd_rank_decile.csv.gz"])
    load("schools", [shared_data / "schools_essex" / "schools_essex_gias_format.csv"])
    crime = shared_data / "police_uk_street_crime_essex"
    load("crime", [crime / f"{month}-essex-street.csv.gz" for month in MONTHS])
    return load_evidence()[0]


def test_backtest_figures_come_from_the_essex_data(essex):
    until, horizon = ind.month_index(2018, 12), 2
    arson = Programme.objects.get(slug="arson").parsed_profile()
    asb = Programme.objects.get(slug="asb").parsed_profile()
    result = backtest(essex, arson, until=until, horizon=horizon, permutations=49)
    other = backtest(essex, asb, until=until, horizon=horizon, permutations=49)

    after = Incident.objects.filter(category__in=arson.target_categories, easting__isnull=False,
                                    month__gte="2019-01-01", month__lte="2019-02-01")
    assert result["incidents_after"] == after.count() > 1000
    assert result["months_missing"] == [f"2018-{m:02d}" for m in range(1, 10)]
    for name in ("profile", "imd_only", "last_period_count", "learned_poisson"):
        rho = result["rankings"][name]["spearman"]
        assert -1 < rho < 1, name
        assert 0 < result["rankings"][name]["capture_top_10pc"] < 1, name
    assert result["rankings"]["profile"]["spearman"] != other["rankings"]["profile"]["spearman"]
    assert result["learned_profile"]["fitted"]

    # Capture of the last-period baseline, counted again by brute force: the top tenth of
    # schools by incidents in the two months to `until`, and the share of later incidents
    # within reach of any of them.
    chosen = np.flatnonzero(np.isin(essex.school_phase_group, arson.phases))
    xy = essex.school_xy[chosen]
    radius = np.array([arson.radius_m[g] for g in essex.school_phase_group[chosen]])
    columns = [essex.categories.index(c) for c in arson.target_categories if c in essex.categories]
    is_target = np.isin(essex.incident_category, columns)

    def near_counts(months):
        points = essex.incident_xy[is_target & np.isin(essex.incident_month, months)]
        distance = np.hypot(xy[:, None, 0] - points[None, :, 0], xy[:, None, 1] - points[None, :, 1])
        return distance <= radius[:, None]

    last = near_counts([until - 1, until]).sum(axis=1)
    top = np.argsort(-last, kind="stable")[:int(np.ceil(len(chosen) / 10))]
    reached = near_counts([until + 1, until + 2])[top].any(axis=0)
    assert result["rankings"]["last_period_count"]["capture_top_10pc"] == pytest.approx(
        reached.mean(), abs=5e-5)
