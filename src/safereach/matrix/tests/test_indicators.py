"""The pure indicator, hot spot and scoring code on small hand-made arrays with known answers."""

import numpy as np
import pytest

from safereach.matrix import hotspots
from safereach.matrix import indicators as ind
from safereach.matrix.scoring import percentile_within, rank_and_decile, weighted_score

JAN = ind.month_index(2025, 1)


def test_radius_counts_by_category_and_window():
    schools = np.array([[0.0, 0.0], [10_000.0, 0.0]])
    radius = np.array([1000.0, 3000.0])
    incidents = np.array([[500, 0], [999, 0], [1001, 0],  # near school 0: two in, one out
                          [10_000, 2500], [10_000, 2500],  # near school 1
                          [0, 300]])  # near school 0, but before the window
    months = np.array([JAN + 11, JAN + 6, JAN + 11, JAN + 11, JAN + 2, JAN - 1])
    cats = np.array([0, 1, 0, 1, 1, 0])
    counts = ind.incident_counts(schools, radius, incidents, months, cats, 2,
                                 until=JAN + 11, window=12, chunk=2)
    np.testing.assert_array_equal(counts.total, [[1, 1], [0, 2]])
    # The recent half is months 7-12 of the window (JAN+6 onwards).
    np.testing.assert_array_equal(counts.recent, [[1, 1], [0, 1]])
    np.testing.assert_array_equal(counts.earlier, [[0, 0], [0, 1]])
    np.testing.assert_array_equal(counts.weighted, counts.total)


def test_distance_and_age_weighting():
    schools = np.array([[0.0, 0.0]])
    incidents = np.array([[0.0, 0.0], [500.0, 0.0], [0.0, 750.0]])
    months = np.array([JAN, JAN, JAN - 6])
    cats = np.zeros(3, int)
    counts = ind.incident_counts(schools, np.array([1000.0]), incidents, months, cats, 1,
                                 until=JAN, window=12, distance_decay=True, half_life=6)
    # 1 at the gate, 0.5 halfway, 0.25 at three quarters and half-weighted for age.
    assert counts.weighted[0, 0] == pytest.approx(1 + 0.5 + 0.25 * 0.5)
    assert counts.total[0, 0] == 3


def test_trend_is_shrunk_towards_no_change_when_counts_are_small():
    small = ind.shrunk_trend(np.array([3.0]), np.array([2.0]), prior=5)
    large = ind.shrunk_trend(np.array([300.0]), np.array([200.0]), prior=5)
    assert small[0] == pytest.approx(8 / 7)
    assert large[0] == pytest.approx(305 / 205)
    assert abs(small[0] - 1) < abs(large[0] - 1) < 0.5
    assert ind.shrunk_trend(np.array([0.0]), np.array([0.0]))[0] == 1


def test_catchment_is_population_weighted_and_includes_the_own_area():
    schools = np.array([[0.0, 0.0], [50_000.0, 0.0]])
    areas = np.array([[100.0, 0.0], [1000.0, 0.0], [5000.0, 0.0], [60_000.0, 0.0]])
    values = np.array([10.0, 40.0, 99.0, 7.0])
    population = np.array([1000.0, 3000.0, 5000.0, 2000.0])
    own = np.array([0, 3])  # school 1's own area lies 10 km away but is still its own
    got = ind.catchment_mean(schools, np.array([1500.0, 1500.0]), areas, values, population, own)
    assert got[0] == pytest.approx((10 * 1000 + 40 * 3000) / 4000)
    assert got[1] == pytest.approx(7.0)


def test_rank_becomes_share_of_england_less_deprived():
    np.testing.assert_allclose(ind.rank_to_deprivation(np.array([1, 32_844]), 32_844), [100, 0])


def test_places_within_radius_by_kind():
    schools = np.array([[0.0, 0.0]])
    places = np.array([[100.0, 0.0], [200.0, 0.0], [3000.0, 0.0]])
    got = ind.places_within(schools, np.array([1500.0]), places, np.array([0, 1, 1]), 2)
    np.testing.assert_array_equal(got, [[1, 1]])


def test_phase_groups():
    assert ind.phase_group("Primary") == "primary"
    assert ind.phase_group("All-through") == "secondary"
    assert ind.phase_group("Not applicable") == "special and other"
    assert ind.phase_group("") == "special and other"


def test_percentile_within_phase_counts_others_strictly_lower():
    values = np.array([1, 2, 3, 4, 5, 10, 20, np.nan, 2])
    groups = np.array(["p", "p", "p", "p", "p", "s", "s", "s", "p"])
    got = percentile_within(values, groups)
    # Primary: [1, 2, 3, 4, 5, 2] → lower others out of 5.
    np.testing.assert_allclose(got[[0, 1, 2, 3, 4, 8]], [0, 20, 60, 80, 100, 20])
    np.testing.assert_allclose(got[[5, 6]], [0, 100])
    assert np.isnan(got[7])


def test_score_shares_weights_over_known_indicators_and_ranks():
    scaled = np.array([[1.0, 0.0], [0.5, np.nan], [0.0, 0.0]])
    score, points = weighted_score(scaled, np.array([3.0, 1.0]))
    np.testing.assert_allclose(score, [75, 50, 0])
    np.testing.assert_allclose(points.sum(axis=1), score)
    rank, decile = rank_and_decile(np.array([50.0, 90.0, 90.0, 40.0, *range(16)]))
    assert rank[:4].tolist() == [3, 1, 1, 4]
    assert decile[:4].tolist() == [2, 1, 1, 2]
    assert decile[4] == 10 and np.bincount(decile)[1:].tolist() == [2] * 10


def test_gi_star_finds_a_planted_hot_spot_and_nothing_in_noise():
    rng = np.random.default_rng(4)
    background = rng.uniform(0, 20_000, size=(2000, 2))
    planted = rng.normal([15_000, 5000], 300, size=(300, 2))
    grid = hotspots.hot_spots(np.vstack([background, planted]), cell=1000, permutations=99, seed=1)
    hot = grid.in_or_beside(np.array([[15_000.0, 5000.0], [4000.0, 16_000.0]]))
    assert hot.tolist() == [True, False]
    assert 1 <= grid.hot.sum() <= 25  # the cluster and its edges, of 400 cells

    noise = hotspots.hot_spots(background, cell=1000, permutations=99, seed=1)
    assert noise.hot.sum() == 0


def test_plain_counts_and_weighted_pass_agree():
    # Plain counts come from ball counts, weighted ones from pairs: both must count alike.
    rng = np.random.default_rng(7)
    schools = rng.uniform(0, 10_000, (40, 2))
    radius = np.where(rng.random(40) < 0.5, 1500.0, 3000.0)
    incidents = rng.uniform(-2000, 12_000, (3000, 2))
    months = JAN + rng.integers(0, 14, 3000)
    cats = rng.integers(0, 3, 3000)
    plain = ind.incident_counts(schools, radius, incidents, months, cats, 3, until=JAN + 11, window=12)
    paired = ind.incident_counts(schools, radius, incidents, months, cats, 3, until=JAN + 11,
                                 window=12, half_life=1e12, chunk=500)
    np.testing.assert_array_equal(plain.total, paired.total)
    np.testing.assert_array_equal(plain.recent, paired.recent)
    np.testing.assert_allclose(paired.weighted, paired.total)
    distance = np.hypot(*(schools[:, None, :] - incidents[None, :, :]).transpose(2, 0, 1))
    in_window = (months >= JAN) & (months <= JAN + 11)
    expected = ((distance <= radius[:, None]) & in_window & (cats == 1)).sum(axis=1)
    np.testing.assert_array_equal(plain.total[:, 1], expected)


def test_reason_wording():
    from safereach.matrix.compute import _comparison, _kind_plural, _plural

    assert _comparison(100.0, "secondary") == "more than any other secondary school in the area"
    assert _comparison(91.2, "secondary") == "more than 91% of secondary schools in the area"
    assert _plural(1, "places where vulnerable young people may be") == (
        "1 place where vulnerable young people may be")
    assert _plural(46, "criminal damage and arson crimes") == "46 criminal damage and arson crimes"
    assert [_kind_plural(k) for k in ["Children's home", "B&B", "Semi-independent accommodation"]] == [
        "children's homes", "B&Bs", "semi-independent accommodation"]


def test_numbers_in_reasons_read_as_a_person_says_them():
    from safereach.matrix.compute import (
        _about,
        _article,
        _comparison,
        _kind_count,
        _list_comparison,
        _plural,
    )

    # Never 'more than 100%' nor 'more than 0%'.
    assert _comparison(99.7, "primary") == "more than 99% of primary schools in the area"
    assert _comparison(0.7, "primary") == "among the lowest of the primary schools in the area"
    assert _list_comparison(99.9) == "more than 99% of schools on this list"
    # Not '1 bu stations' nor "1 children' homes".
    assert _kind_count(1, "Bus station", False) == "1 bus station"
    assert _kind_count(1, "Children's home", False) == "1 children's home"
    assert _kind_count(2, "Bus station", False) == "2 bus stations"
    assert _kind_count(3, "Bus station", True) == "fewer than 5 bus stations"
    assert _plural(1, "criminal damage and arson crimes") == "1 criminal damage and arson crime"
    # Not 'an crime domain score'.
    assert [_article(w) for w in ["IMD", "IDACI", "crime domain"]] == [
        "an IMD", "an IDACI", "a crime domain"]
    assert [_about(x) for x in [0.01, 0.4, 2.0, 2.46, 14.3, 1658.2]] == [
        "almost none", "less than 1", "about 2", "about 2.5", "about 14", "about 1,658"]


def test_a_trend_with_no_data_in_its_earlier_half_is_left_out_not_a_rise():
    from safereach.matrix.compute import Evidence, Matrix
    from safereach.matrix.profiles import Profile

    # Six months of data after a long gap: the earlier half of the 12-month window has none.
    month = np.repeat(np.arange(JAN + 6, JAN + 12), 30)
    evidence = Evidence(
        school_xy=np.array([[0.0, 0.0], [50_000.0, 0.0]]),
        school_phase_group=np.array(["primary", "primary"]), school_lsoa=np.array([-1, -1]),
        school_fsm=np.array([10.0, 20.0]), school_need_tier=np.array([np.nan, np.nan]),
        lsoa_xy=np.empty((0, 2)), lsoa_deprivation={}, lsoa_population=np.empty(0),
        incident_xy=np.zeros((len(month), 2)), incident_month=month,
        incident_category=np.zeros(len(month), int), categories=["Burglary"])
    profile = Profile.from_json({"indicators": [
        {"name": "trend", "kind": "trend", "weight": 1, "categories": ["Burglary"]},
        {"name": "fsm", "kind": "fsm", "weight": 1}]})
    result = Matrix(evidence).target_list(profile)
    assert [item["name"] for item in result.left_out] == ["trend"]
    assert "no data for the earlier 6 months" in result.left_out[0]["why"]
    assert all("up " not in c["reason"] for row in result.contributions for c in row)
    assert all(c["name"] != "trend" for row in result.contributions for c in row)
    # Free school meals has no default label to capitalise as 'Fsm'.
    assert result.contributions[0][0]["label"] == "free school meals"


def test_trend_allows_for_months_missing_from_the_data():
    from safereach.matrix.compute import Evidence, Matrix
    from safereach.matrix.profiles import Profile

    # 10 incidents a month beside the school, but months 2 and 3 of the window are missing:
    # the earlier half has 4 months of data, the recent half 6. Same rate, so no change.
    months = [m for m in range(JAN, JAN + 12) if m not in (JAN + 1, JAN + 2)]
    month = np.repeat(months, 10)
    evidence = Evidence(
        school_xy=np.array([[0.0, 0.0], [50_000.0, 0.0]]),
        school_phase_group=np.array(["primary", "primary"]), school_lsoa=np.array([-1, -1]),
        school_fsm=np.array([np.nan, np.nan]), school_need_tier=np.array([np.nan, np.nan]),
        lsoa_xy=np.empty((0, 2)), lsoa_deprivation={}, lsoa_population=np.empty(0),
        incident_xy=np.zeros((len(month), 2)), incident_month=month,
        incident_category=np.zeros(len(month), int), categories=["Burglary"])
    profile = Profile.from_json({"indicators": [
        {"name": "trend", "kind": "trend", "label": "Burglaries", "categories": ["Burglary"]}]})
    value = Matrix(evidence).value(profile, profile.indicators[0])
    assert value.value[0] == pytest.approx(1.0)
    assert "60 in the last 6 months against 40 in the 6 before, no change" in value.sentences[0]
    assert "scaled for months without data" in value.sentences[0]
