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
    horizon = 1
    arson = Programme.objects.get(slug="arson").parsed_profile()
    result = backtest(essex, arson, horizon=horizon, origins=6)

    # Five months loaded, 2018-10 to 2019-02: four of them are followed by a month with data.
    assert [o["until"] for o in result["origins"]] == ["2018-10", "2018-11", "2018-12", "2019-01"]
    after = Incident.objects.filter(category__in=arson.target_categories, easting__isnull=False,
                                    month__gte="2018-11-01", month__lte="2019-02-01")
    assert result["incidents_after"] == after.count() > 1000
    for name in ("profile", "forecast", "imd_only", "last_period_count", "oracle"):
        figures = result["rankings"][name]
        assert -1 < figures["spearman"] <= 1, name
        assert 0 < figures["top_decile_precision"] <= 1, name
        assert 0 < figures["exposure_captured"] <= result["rankings"]["oracle"]["exposure_captured"], name
    # Ranked by the forecast alone, the list is the forecast; it does better than IMD.
    assert result["rankings"]["profile"]["spearman"] == result["rankings"]["forecast"]["spearman"]
    assert result["rankings"]["forecast"]["spearman"] > result["rankings"]["imd_only"]["spearman"]

    # Last period's count from the latest origin, counted again by brute force: each school's
    # incidents within its radius in 2019-01, beside the incidents in 2019-02.
    chosen = np.flatnonzero(np.isin(essex.school_phase_group, arson.phases))
    xy = essex.school_xy[chosen]
    radius = np.array([arson.radius_m[g] for g in essex.school_phase_group[chosen]])
    columns = [essex.categories.index(c) for c in arson.target_categories if c in essex.categories]
    is_target = np.isin(essex.incident_category, columns)

    def near_counts(month):
        points = essex.incident_xy[is_target & (essex.incident_month == month)]
        distance = np.hypot(xy[:, None, 0] - points[None, :, 0], xy[:, None, 1] - points[None, :, 1])
        return (distance <= radius[:, None]).sum(axis=1)

    last, later = near_counts(ind.month_index(2019, 1)), near_counts(ind.month_index(2019, 2))
    from safereach.matrix.forecast import measures

    expected = measures(last, later)
    got = result["origins"][-1]["rankings"]["last_period_count"]
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=5e-5), key
