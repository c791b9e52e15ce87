"""The forecast on small hand-made arrays: counts per month, windows over months with data, a fit
on earlier windows only, contributions that add up, and the back-test's measures."""

import numpy as np
import pytest

from safereach.matrix import forecast as fc
from safereach.matrix import indicators as ind

JAN = ind.month_index(2025, 1)


def _monthly(rates, months, *, seed=0, missing=()):
    """Schools at 10 km from each other, each with Poisson(rate) incidents beside it a month."""
    rng = np.random.default_rng(seed)
    schools = np.array([[10_000.0 * k, 0.0] for k in range(len(rates))])
    xy, month = [], []
    for m in months:
        if m in missing:
            continue
        for k, rate in enumerate(rates):
            n = rng.poisson(rate)
            xy += [schools[k] + [100.0, 0.0]] * n
            month += [m] * n
    present = {m for m in months if m not in missing}
    return schools, np.array(xy).reshape(-1, 2), np.array(month, int), present


def test_counts_per_month_match_a_brute_force_count_and_know_months_without_data():
    rng = np.random.default_rng(4)
    schools = rng.uniform(0, 5000, (6, 2))
    incidents = rng.uniform(0, 5000, (400, 2))
    months = JAN + rng.integers(0, 5, 400)
    months[months == JAN + 2] = JAN + 3  # no data at all for March
    radius = np.array([1000.0, 1500.0, 3000.0, 1000.0, 1500.0, 3000.0])
    monthly = fc.monthly_counts(schools, radius, incidents, months, set(months.tolist()))
    assert monthly.months.tolist() == list(range(JAN, JAN + 5))
    assert monthly.present.tolist() == [True, True, False, True, True]
    distance = np.hypot(*(schools[:, None, :] - incidents[None, :, :]).transpose(2, 0, 1))
    for k, m in enumerate(monthly.months):
        expected = ((distance <= radius[:, None]) & (months == m)).sum(axis=1)
        np.testing.assert_array_equal(monthly.counts[:, k], expected)


def test_a_window_is_scaled_from_the_months_with_data_and_unknown_when_none_are():
    schools, xy, month, present = _monthly([10, 0], range(JAN, JAN + 6), missing=(JAN + 3, JAN + 4))
    monthly = fc.monthly_counts(schools, np.array([500.0, 500.0]), xy, month, present)
    total, months = monthly.window(JAN + 5, 3)
    assert months == 1  # April and May have no data; June has
    assert monthly.rate(JAN + 5, 3)[0] == total[0]
    assert monthly.rate(JAN + 4, 2) is None  # only months without data
    # Last period's count is the same months' pace over the whole period.
    np.testing.assert_allclose(fc.last_period(monthly, JAN + 5, 3), 3 * total)
    assert fc.last_period(monthly, JAN + 4, 2) is None


def test_the_forecast_learns_from_earlier_windows_only_and_its_parts_add_up():
    months = range(JAN, JAN + 18)
    schools, xy, month, present = _monthly([1, 3, 8, 20, 40], months)
    radius = np.full(5, 500.0)
    until, horizon = JAN + 11, 3
    monthly = fc.monthly_counts(schools, radius, xy, month, present)
    prior = fc.Prior(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), np.array([0.1, 0.2, 0.3, 0.4, 0.5]))
    found = fc.forecast(monthly, until, horizon, prior)
    assert not found.fallback and max(found.trained_on) + horizon <= until
    np.testing.assert_allclose(found.contributions.sum(axis=1), found.expected)
    assert (found.contributions >= -1e-12).all()
    # Close to the true rates × 3 months, and in their order.
    np.testing.assert_allclose(found.expected, [3, 9, 24, 60, 120], rtol=0.25, atol=2)
    assert list(np.argsort(found.expected)) == [0, 1, 2, 3, 4]

    # The months after `until` are never read: a surge in them changes nothing.
    later = month > until
    surge = fc.monthly_counts(schools, radius, np.vstack([xy, np.repeat(xy[later][:1], 500, axis=0)]),
                              np.r_[month, np.full(500, until + 1)], present)
    again = fc.forecast(surge, until, horizon, prior)
    np.testing.assert_allclose(again.expected, found.expected)


def test_without_an_earlier_window_the_forecast_is_the_last_twelve_months_pace():
    schools, xy, month, present = _monthly([2, 6], range(JAN, JAN + 2))
    monthly = fc.monthly_counts(schools, np.full(2, 500.0), xy, month, present)
    found = fc.forecast(monthly, JAN + 1, 3)
    assert found.fallback and found.trained_on == []
    np.testing.assert_allclose(found.expected, 3 * monthly.rate(JAN + 1, 12))
    assert "No earlier window to learn from" in found.describe_fit()


def test_training_windows_start_from_months_with_data():
    schools, xy, month, present = _monthly([5], range(JAN, JAN + 12), missing=(JAN + 4,))
    monthly = fc.monthly_counts(schools, np.full(1, 500.0), xy, month, present)
    origins = fc.training_origins(monthly, JAN + 11, 3)
    assert JAN + 4 not in origins
    assert max(origins) == JAN + 8 and min(origins) == JAN


def test_measures_of_a_ranking():
    outcome = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 100.0])
    perfect = fc.measures(outcome, outcome)
    assert perfect == {"spearman": pytest.approx(1.0), "top_decile_precision": 1.0,
                       "exposure_captured": pytest.approx(100 / 136)}
    backwards = fc.measures(-outcome, outcome)
    assert backwards["spearman"] == pytest.approx(-1.0) and backwards["top_decile_precision"] == 0.0
    assert backwards["exposure_captured"] == 0.0
    # Nothing happened: nothing to measure.
    assert fc.measures(outcome, np.zeros(10)) == {"spearman": None, "top_decile_precision": None,
                                                  "exposure_captured": None}
