"""The demo's dwelling fires per LSOA, published per area like the Home Office's low-level
statistics: one figure per LSOA, counts that agree with the rates, more where it is deprived."""

import numpy as np


def test_one_rate_per_lsoa_whose_count_agrees_with_its_population(county):
    people = {d["lsoa_code"]: d["population"] for d in county.deprivation}
    lsoas = {a["code"] for a in county.areas if a["level"] == "lsoa"}
    assert [r["area_code"] for r in county.area_rates] == [d["lsoa_code"] for d in county.deprivation]
    assert {r["area_code"] for r in county.area_rates} == lsoas
    for row in county.area_rates:
        assert (row["measure"], row["level"]) == ("dwelling fires", "lsoa")
        expected = row["rate_per_1000"] * people[row["area_code"]] / 1000
        assert abs(row["count"] - expected) < 0.01
    rates = np.array([r["rate_per_1000"] for r in county.area_rates])
    # Near the national picture (about one dwelling fire a year per 1,000 people).
    assert 0.6 < np.median(rates) < 1.3
    assert county.datasets["area-rates"]["row_count"] == len(lsoas)


def test_rates_are_higher_in_more_deprived_lsoas(county):
    imd = {d["lsoa_code"]: d["imd_score"] for d in county.deprivation}
    rate = np.array([r["rate_per_1000"] for r in county.area_rates])
    score = np.array([imd[r["area_code"]] for r in county.area_rates])
    order = np.argsort(-score)
    fifth = len(order) // 5
    assert rate[order[:fifth]].mean() / rate[order[-fifth:]].mean() > 1.5
    assert np.corrcoef(np.argsort(np.argsort(score)), np.argsort(np.argsort(rate)))[0, 1] > 0.5


def test_the_demos_home_fire_safety_list_reads_the_rates(run_demo):
    from safereach.evidence.models import AreaRate, Dataset
    from safereach.matrix.build import build
    from safereach.matrix.models import Programme, Score

    run_demo()
    dataset = Dataset.objects.get(kind="area-rates")
    assert dataset.is_fictional
    assert AreaRate.objects.filter(dataset=dataset).count() == dataset.row_count
    build(Programme.objects.filter(slug="home-fire-safety"))
    scores = Score.objects.filter(programme__slug="home-fire-safety", target_list__is_current=True)
    rates = [next(c for c in s.contributions if c["name"] == "dwelling_fire_rate") for s in scores]
    assert rates and all(r["value"] is not None and r["display"].endswith("(LSOA)") for r in rates)
    assert all(r["reason"].startswith("Dwelling fires in the school's area: ") for r in rates)
    assert len({r["value"] for r in rates}) > len(rates) // 3
