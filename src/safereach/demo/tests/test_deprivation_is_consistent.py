"""Deprivation reads like the English indices: ranks and deciles follow scores, and it clusters."""

import numpy as np

from safereach.demo.deprivation import NATIONAL_LSOAS

MEASURES = ["imd", "income", "employment", "education", "health", "crime", "housing",
            "living_environment", "idaci"]


def test_ranks_and_deciles_follow_scores(county):
    rows = county.deprivation
    for m in MEASURES:
        score = np.array([r[f"{m}_score"] for r in rows])
        rank = np.array([r[f"{m}_rank"] for r in rows])
        decile = np.array([r[f"{m}_decile"] for r in rows])
        assert len(set(rank)) == len(rank), m
        assert rank.min() >= 1 and rank.max() <= NATIONAL_LSOAS, m
        order = np.argsort(rank)  # most deprived first: scores never rise down the list
        assert np.all(np.diff(score[order]) <= 0), m
        assert np.array_equal(decile, 1 + (rank - 1) * 10 // NATIONAL_LSOAS), m


def test_every_decile_appears_and_most_lsoas_are_comfortable(county):
    deciles = np.array([r["imd_decile"] for r in county.deprivation])
    assert set(deciles) == set(range(1, 11))
    assert 0.03 < np.mean(deciles == 1) < 0.2
    assert np.mean(deciles >= 6) > 0.5  # a shire county, not an inner city


def test_deprivation_clusters_in_space(county):
    """Moran's I over shared borders: neighbours resemble each other."""
    geo = county.geography
    by_code = {r["lsoa_code"]: r["imd_score"] for r in county.deprivation}
    x = np.log(np.array([by_code[c] for c in geo.lsoa_codes]))
    x = x - x.mean()
    pairs = [(i, j) for i, ns in enumerate(geo.neighbours) for j in ns]
    moran = len(x) / len(pairs) * sum(x[i] * x[j] for i, j in pairs) / (x @ x)
    assert moran > 0.4


def test_the_most_deprived_lsoas_are_in_towns(county):
    geo = county.geography
    decile = {r["lsoa_code"]: r["imd_decile"] for r in county.deprivation}
    worst = [i for i, c in enumerate(geo.lsoa_codes) if decile[c] <= 2]
    assert np.mean(geo.urban[worst] > 0.3) > 0.8


def test_domains_follow_overall_deprivation(county):
    rows = county.deprivation
    imd = np.array([r["imd_rank"] for r in rows])
    for m, floor in [("income", 0.8), ("employment", 0.7), ("idaci", 0.7)]:
        other = np.array([r[f"{m}_rank"] for r in rows])
        assert np.corrcoef(imd, other)[0, 1] > floor, m
    housing = np.array([r["housing_rank"] for r in rows])
    assert np.corrcoef(imd, housing)[0, 1] < 0.5  # barriers to housing go their own way
    for r in rows:
        assert 0 < r["children_population"] < r["population"]
