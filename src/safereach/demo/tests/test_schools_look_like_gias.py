"""Demo schools look like GIAS rows, with URNs no real school has."""

import numpy as np


def test_urns_are_unique_and_out_of_the_real_range(county):
    urns = [s["urn"] for s in county.schools]
    assert len(set(urns)) == len(urns)
    assert min(urns) >= 900_000


def test_names_are_unique_and_every_school_is_placed(county):
    assert len({s["name"] for s in county.schools}) == len(county.schools)
    for s in county.schools:
        assert s["lsoa_code"].startswith("X01")
        assert s["la_name"] == "Marshwold (fictional)"
        assert s["low_age"] < s["high_age"]
        assert s["pupils"] > 0


def test_free_school_meals_follow_the_neighbourhoods_deprivation(county):
    idaci = {d["lsoa_code"]: d["idaci_score"] for d in county.deprivation}
    primary = [s for s in county.schools if s["phase"] == "Primary"]
    fsm = np.array([s["percent_fsm"] for s in primary])
    local = np.array([idaci[s["lsoa_code"]] for s in primary])
    assert np.corrcoef(fsm, local)[0, 1] > 0.5
    assert 5 < np.median(fsm) < 35
