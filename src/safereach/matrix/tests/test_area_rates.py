"""Figures published only per area (dwelling fires per MSOA and the like), attached to schools
through their LSOA: the pure code on small arrays, and a build that reads them."""

import numpy as np
import pytest

from safereach.matrix import indicators as ind
from safereach.matrix.compute import AreaFigures, Evidence, Matrix
from safereach.matrix.profiles import Profile


def test_each_school_takes_the_figure_of_its_finest_area_that_has_one():
    school_codes = {
        "lsoa": np.array(["E01000001", "E01000002", "E01000003", "E01000004", ""]),
        "msoa": np.array(["E02000001", "E02000001", "", "E02000009", ""]),
        "ward": np.array(["E05000001", "E05000001", "E05000002", "E05000001", ""]),
        "district": np.array(["E07000001"] * 5),
    }
    codes = np.array(["E02000001", "E01000001", "E05000002", "E02000009", "E07000001"])
    values = np.array([2.1, 0.5, 1.7, np.nan, 9.0])
    value, level = ind.attach_by_area(school_codes, codes, values,
                                      levels=("lsoa", "msoa", "ward"))
    # Own LSOA first; then the MSOA; then the ward; an MSOA without a figure falls through to
    # its ward (which has none here); a school with no area gets nothing.
    np.testing.assert_array_equal(value, [0.5, 2.1, 1.7, np.nan, np.nan])
    np.testing.assert_array_equal(level, [0, 1, 2, -1, -1])
    value, level = ind.attach_by_area(school_codes, codes, values)
    np.testing.assert_array_equal(value, [0.5, 2.1, 1.7, 9.0, 9.0])
    np.testing.assert_array_equal(level, [0, 1, 2, 3, 3])


def _evidence(figures):
    n = 5
    return Evidence(
        school_xy=np.column_stack([np.arange(n) * 1000.0, np.zeros(n)]),
        school_phase_group=np.array(["primary"] * 4 + ["secondary"]),
        school_lsoa=np.full(n, -1), school_fsm=np.full(n, np.nan),
        school_need_tier=np.full(n, np.nan), lsoa_xy=np.empty((0, 2)), lsoa_deprivation={},
        lsoa_population=np.empty(0), incident_xy=np.empty((0, 2)), incident_month=np.empty(0, int),
        incident_category=np.empty(0, int), categories=[],
        school_areas={"lsoa": np.array(["E01000001", "E01000002", "E01000003", "E01000004",
                                         "E01000005"]),
                      "msoa": np.array(["E02000001", "E02000001", "E02000002", "", "E02000002"])},
        area_figures=figures)


PROFILE = {"indicators": [
    {"name": "fire_rate", "kind": "area_rate", "measure": "Dwelling Fires",
     "label": "dwelling fires", "weight": 2},
    {"name": "need", "kind": "need", "weight": 1}]}


def test_the_area_rate_is_ranked_within_phase_and_read_as_a_sentence():
    figures = {"dwelling fires": AreaFigures(
        codes=np.array(["E02000001", "E02000002", "E01000001"]), count=np.array([7.7, 3.0, 1.0]),
        rate_per_1000=np.array([2.1, 0.9, 0.4]))}
    profile = Profile.from_json(PROFILE)
    assert profile.indicators[0].measure == "dwelling fires"
    result = Matrix(_evidence(figures)).target_list(profile)
    np.testing.assert_allclose(result.values["fire_rate"], [0.4, 2.1, 0.9, np.nan, 0.9])
    # Among the three primary schools with a figure: 0.4 < 0.9 < 2.1.
    np.testing.assert_allclose(result.percentiles["fire_rate"], [0, 100, 50, np.nan, 0])
    reasons = {c["name"]: c for c in result.contributions[1]}
    assert reasons["fire_rate"]["reason"] == (
        "Dwelling fires in the school's area: 2.1 a year per 1,000 people, "
        "more than any other primary school in the area")
    assert reasons["fire_rate"]["display"] == "2.1 per 1,000 a year (MSOA)"
    third = {c["name"]: c for c in result.contributions[2]}["fire_rate"]
    assert third["reason"].endswith("0.9 a year per 1,000 people, more than 50% of primary "
                                    "schools in the area")
    first = {c["name"]: c for c in result.contributions[0]}["fire_rate"]
    assert first["display"] == "0.4 per 1,000 a year (LSOA)"
    # No figure for the fourth school's area: left out, its weight goes to the rest.
    fourth = {c["name"]: c for c in result.contributions[3]}["fire_rate"]
    assert fourth["reason"] == "Dwelling fires in the school's area: no figure loaded for its area"
    assert fourth["points"] == 0 and fourth["percentile"] is None
    # No school recorded its need: the rate carries the whole score.
    np.testing.assert_allclose(result.score, [0, 100, 50, 0, 0])


def test_counts_are_ranked_when_the_measure_has_no_rates_and_small_ones_are_hidden_when_shared():
    figures = {"dwelling fires": AreaFigures(
        codes=np.array(["E02000001", "E02000002"]), count=np.array([7.66, 3.0]),
        rate_per_1000=np.array([np.nan, np.nan]))}
    result = Matrix(_evidence(figures)).target_list(Profile.from_json(PROFILE))
    np.testing.assert_allclose(result.values["fire_rate"], [7.66, 7.66, 3.0, np.nan, 3.0])
    second = {c["name"]: c for c in result.contributions[2]}["fire_rate"]
    assert second["reason"].startswith("Dwelling fires in the school's area: 3.0 a year, ")
    assert second["reason_shared"].startswith(
        "Dwelling fires in the school's area: fewer than 5 a year, ")
    first = {c["name"]: c for c in result.contributions[0]}["fire_rate"]
    assert first["reason_shared"].startswith("Dwelling fires in the school's area: 7.7 a year")


def test_a_measure_nobody_loaded_leaves_every_school_without_it():
    result = Matrix(_evidence({})).target_list(Profile.from_json(PROFILE))
    # Left out of the list and named, never given as a reason.
    assert "fire_rate" not in result.values
    assert {"name": "fire_rate", "why": "no dwelling fires figures are loaded for these schools' areas",
            "label": "dwelling fires"} in result.left_out
    assert all(c["name"] != "fire_rate" for row in result.contributions for c in row)


def test_an_area_rate_indicator_needs_a_measure():
    with pytest.raises(ValueError, match="'rate' needs the measure of area figures it reads"):
        Profile.from_json({"indicators": [{"name": "rate", "kind": "area_rate", "weight": 1}]})


@pytest.mark.django_db
def test_home_fire_safety_gained_the_area_rate_as_a_new_version():
    from safereach.matrix.models import Programme

    programme = Programme.objects.get(slug="home-fire-safety")
    kinds = {v.version: [i["kind"] for i in v.profile["indicators"]]
             for v in programme.versions.all()}
    assert programme.current_version().profile == programme.profile
    assert "area_rate" not in kinds[1] and kinds[2] == [*kinds[1], "area_rate"]
    # Version 3 (migration 0008) puts the forecast of dwelling fires in place of their count.
    assert programme.version == 3 and kinds[3][:2] == ["forecast", "area_rate"]
    rate = programme.parsed_profile().indicators[1]
    assert (rate.kind, rate.measure, rate.weight) == ("area_rate", "dwelling fires", 2)


def test_the_build_attaches_msoa_and_lsoa_rates_through_each_schools_lsoa(small_county, tmp_path):
    from safereach.evidence.importers.run import load
    from safereach.matrix.build import build
    from safereach.matrix.models import Programme, Score

    # Before any area figure is loaded the indicator is left out of the list, and named there.
    before = Score.objects.filter(programme__slug="home-fire-safety", target_list__is_current=True)
    assert all(c["name"] != "dwelling_fire_rate" for s in before for c in s.contributions)
    assert "dwelling_fire_rate" in [item["name"] for item in before[0].target_list.details["left_out"]]

    # LSOAs 0-3 lie in one MSOA, 4-5 in another; nobody says where 6 and 7 lie.
    lookup = tmp_path / "lsoa_msoa.csv"
    lookup.write_text("LSOA11CD,MSOA11CD\n" + "".join(
        f"E0100090{k},E0200090{1 if k < 4 else 2}\n" for k in range(6)))
    load("lookups", [lookup])
    rates = tmp_path / "fires.csv"
    rates.write_text("MSOA11CD,Number of fires (three-year average),"
                     "Proportion of fire incidents per person\n"
                     "E02000901,12,0.0021\nE02000902,7,0.0012\n")
    lsoa_rates = tmp_path / "lsoa_fires.csv"
    lsoa_rates.write_text("LSOA11CD,count,rate_per_1000\nE01000900,1,0.5\n")
    load("area-rates", [rates])
    load("area-rates", [lsoa_rates], options={"measure": "dwelling fires"})
    build(Programme.objects.filter(slug="home-fire-safety"))

    scores = {s.school.name: s for s in Score.objects.filter(
        programme__slug="home-fire-safety", target_list__is_current=True)}

    def rate(name):
        return next(c for c in scores[name].contributions if c["name"] == "dwelling_fire_rate")

    # Primary schools: Ashby (LSOA 0: its own 0.5), Beech, Cedar, Dale (LSOAs 1-3: MSOA 2.1),
    # Elm and Fern (LSOAs 4-5: MSOA 1.2). Beech is above Ashby, Elm and Fern: 3 of the 5 others.
    assert rate("Beech Primary")["reason"] == (
        "Dwelling fires in the school's area: 2.1 a year per 1,000 people, "
        "more than 60% of primary schools in the area")
    assert rate("Beech Primary")["display"] == "2.1 per 1,000 a year (MSOA)"
    assert rate("Ashby Primary")["display"] == "0.5 per 1,000 a year (LSOA)"
    assert rate("Ashby Primary")["percentile"] == 0
    assert rate("Elm Primary")["value"] == pytest.approx(1.2)
    assert rate("Elm Primary")["percentile"] == 20
    # Grove Academy's LSOA (6) has no MSOA on record: the indicator is left out for it and
    # its points still add up to its score.
    grove = rate("Grove Academy")
    assert grove["value"] is None and grove["points"] == 0
    assert sum(c["points"] for c in scores["Grove Academy"].contributions) == pytest.approx(
        scores["Grove Academy"].score, abs=0.05)
    assert rate("Beech Primary")["points"] > 0
