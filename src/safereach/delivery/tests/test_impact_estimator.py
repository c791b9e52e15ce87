"""The impact estimator finds an effect that was put into a synthetic staggered roll-out, finds
none where none was, sees a trend that was there before treatment, and refuses to estimate
from too little."""

import numpy as np
import pytest

from safereach.delivery.impact import (
    MIN_COMPARISON,
    MIN_MONTHS,
    MIN_TREATED,
    NEVER,
    Estimate,
    Panel,
    Refusal,
    estimate,
)

FIRST_MONTH = 2023 * 12  # January 2023
COHORTS = (10, 16, 22, 28)  # months after FIRST_MONTH when each wave's term starts


def synthetic(
    effect: float,
    *,
    seed: int = 1,
    schools: int = 320,
    months: int = 36,
    treated_share=0.4,
    pre_trend: float = 0.0,
    cohorts=COHORTS,
):
    """Poisson counts of incidents near schools, with school levels, seasons, and a drift that
    depends on a covariate (so only comparisons matched on it are fair). Schools with a higher
    covariate are likelier to be treated, in one of four waves. Treated schools' expected
    incidents are multiplied by (1 + effect) from their wave's month on, and, with `pre_trend`,
    rise by that share a month for the six months before it.

    Returns the panel and the true average effect on the treated, in incidents a month,
    aggregated as the estimator aggregates: each treated school's mean over its months 0-12,
    then the mean over schools."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, schools)
    group = np.where(rng.random(schools) < 0.75, "primary", "secondary")
    level = rng.gamma(4.0, 1.2, schools) * (1 + x / 100)
    t = np.arange(months)
    season = 1 + 0.25 * np.cos(2 * np.pi * (t - 6) / 12)
    drift = 1 + 0.012 * (x[:, None] - 50) / 50 * t[None, :]  # schools high on x rise faster
    expected = level[:, None] * season[None, :] * drift
    chance = treated_share * (0.4 + 1.2 * x / 100)
    wave = np.where(rng.random(schools) < chance, rng.integers(0, len(cohorts), schools), -1)
    first = np.array([FIRST_MONTH + cohorts[w] if w >= 0 else NEVER for w in wave], np.int64)
    factual = expected.copy()
    truth = []
    for i in np.flatnonzero(wave >= 0):
        g = cohorts[wave[i]]
        if pre_trend:
            for k in range(1, 7):
                if g - k >= 0:
                    factual[i, g - k] *= 1 + pre_trend * (7 - k)
        factual[i, g:] *= 1 + effect
        window = range(g, min(months, g + 13))
        truth.append(np.mean([factual[i, m] - expected[i, m] for m in window]))
    counts = rng.poisson(factual).astype(float)
    month_index = FIRST_MONTH + t
    # Matching covariates as the matrix would give them before each wave: percentiles of x,
    # with a little noise as indicators move month to month.
    covariates = {}
    for c in cohorts:
        noisy = x + rng.normal(0, 2, schools)
        covariates[FIRST_MONTH + c] = (100 * np.argsort(np.argsort(noisy)) / (schools - 1))[:, None]
    panel = Panel(counts, month_index, first, group, covariates, ["covariate"])
    return panel, float(np.mean(truth))


def test_finds_an_effect_that_was_put_in():
    panel, truth = synthetic(-0.3)
    result = estimate(panel, bootstrap=499, seed=3)
    assert isinstance(result, Estimate)
    assert truth < -1.0
    low, high = result.overall_ci
    assert low <= truth <= high
    assert high < 0  # the interval excludes no change
    assert result.relative is not None and -0.45 < result.relative < -0.15
    # Every wave counts, each treated school with its matches; months after treatment show
    # the fall, months before do not.
    assert [c.schools > 0 for c in result.cohorts] == [True] * len(COHORTS)
    after = [est for e, est in zip(result.event_times, result.event_estimates) if e >= 1]
    before = [ci for e, ci in zip(result.event_times, result.event_ci) if e <= -2]
    assert all(est < 0 for est in after)
    assert sum(low <= 0 <= high for low, high in before) >= 0.8 * len(before)
    assert result.pretrend_p is not None and result.pretrend_p > 0.01
    # Matching brings the comparison schools close to the treated ones on the indicator.
    balance = result.balance[0]  # the covariate; [1] is the level before
    assert abs(balance["after_matching"]) < 0.1 < abs(balance["before_matching"])


def test_finds_none_where_none_was():
    panel, truth = synthetic(0.0, seed=2)
    result = estimate(panel, bootstrap=499, seed=4)
    assert isinstance(result, Estimate)
    assert truth == 0.0
    low, high = result.overall_ci
    assert low <= 0.0 <= high
    assert result.pretrend_p is not None and result.pretrend_p > 0.01


def test_a_rise_before_treatment_fails_the_pre_trend_check():
    panel, _ = synthetic(0.0, seed=5, pre_trend=0.08)
    result = estimate(panel, bootstrap=499, seed=6)
    assert isinstance(result, Estimate)
    assert result.pretrend_p is not None and result.pretrend_p < 0.01


def test_same_data_same_seed_same_answer():
    panel, _ = synthetic(-0.2, seed=7)
    a = estimate(panel, bootstrap=199, seed=8)
    b = estimate(panel, bootstrap=199, seed=8)
    assert a.overall == b.overall and a.overall_ci == b.overall_ci and a.event_ci == b.event_ci


def test_refuses_with_too_few_treated_schools():
    panel, _ = synthetic(-0.3, seed=9, schools=120, treated_share=0.04)
    result = estimate(panel, bootstrap=99)
    assert isinstance(result, Refusal)
    assert result.treated < MIN_TREATED
    assert any(f"at least {MIN_TREATED}" in reason for reason in result.reasons)


def test_refuses_with_too_few_months():
    panel, _ = synthetic(-0.3, seed=10, months=11, cohorts=(4, 6, 8, 9))
    result = estimate(panel, bootstrap=99)
    assert isinstance(result, Refusal)
    assert result.months < MIN_MONTHS
    assert any(f"at least {MIN_MONTHS}" in reason for reason in result.reasons)


def test_refuses_with_too_few_comparison_schools():
    panel, _ = synthetic(-0.3, seed=11, schools=40, treated_share=0.9)
    result = estimate(panel, bootstrap=99, neighbours=1)
    assert isinstance(result, Refusal)
    assert result.comparison < MIN_COMPARISON
    assert any(f"at least {MIN_COMPARISON}" in reason for reason in result.reasons)


def test_a_school_treated_before_the_data_starts_is_left_out():
    panel, _ = synthetic(-0.3, seed=12)
    panel.first_treated[:5] = FIRST_MONTH - 3
    result = estimate(panel, bootstrap=99)
    assert isinstance(result, Estimate)
    assert all(c.month > FIRST_MONTH for c in result.cohorts)


@pytest.mark.parametrize("gap", [14, 20])
def test_a_month_missing_from_the_data_is_stepped_over(gap):
    panel, truth = synthetic(-0.3, seed=13)
    keep = np.arange(len(panel.months)) != gap
    panel.outcome = panel.outcome[:, keep]
    panel.months = panel.months[keep]
    result = estimate(panel, bootstrap=299, seed=1)
    assert isinstance(result, Estimate)
    assert result.overall_ci[0] <= truth <= result.overall_ci[1]


def test_a_school_sharing_a_visited_schools_surroundings_is_no_comparison():
    from safereach.delivery.impact import exposure

    xy = np.array([[0.0, 0.0], [1000.0, 0.0], [2900.0, 0.0], [3100.0, 0.0], [9000.0, 0.0]])
    radius = np.array([1500.0, 1500.0, 1500.0, 1500.0, 3000.0])
    first = np.array([FIRST_MONTH + 10, NEVER, NEVER, NEVER, FIRST_MONTH + 4], np.int64)
    # 1 km and 2.9 km from the school visited in month 10: their circles overlap its own, so
    # they are exposed from then; 3.1 km: they do not touch; the school 9 km off, treated in
    # month 4, shares nothing with anyone.
    assert list(exposure(xy, radius, first)) == [NEVER, FIRST_MONTH + 10, FIRST_MONTH + 10, NEVER, NEVER]

    panel, truth = synthetic(-0.3, seed=14)
    plain = estimate(panel, bootstrap=99, seed=1)
    # Every not-yet-treated school shares the surroundings of one treated in the first wave:
    # from then on none is a comparison, so only the first wave's months before can be used.
    panel.exposed = np.where(panel.first_treated == NEVER, FIRST_MONTH + COHORTS[0], NEVER)
    exposed = estimate(panel, bootstrap=99, seed=1)
    assert isinstance(plain, Estimate)
    assert isinstance(exposed, Refusal) or exposed.comparison < plain.comparison
