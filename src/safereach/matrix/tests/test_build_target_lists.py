"""Building stored target lists from the database, and the commands that show them."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safereach.matrix.models import Programme, Score, TargetList
from safereach.matrix.targets import top_decile_school_ids

pytestmark = pytest.mark.django_db


def test_the_six_programmes_are_seeded_with_a_first_version():
    slugs = set(Programme.objects.targeted().values_list("slug", flat=True))
    assert slugs == {"home-fire-safety", "arson", "hoax-calls", "knife-crime", "asb", "exploitation"}
    for programme in Programme.objects.targeted():
        assert programme.current_version().profile == programme.profile
        programme.parsed_profile()  # every seeded profile can be built


def test_a_profile_change_is_a_new_version_and_old_lists_keep_theirs(small_county):
    arson = Programme.objects.get(slug="arson")
    first = TargetList.objects.get(programme=arson, is_current=True)
    profile = dict(arson.profile, window_months=6)
    arson.change_profile(profile, note="Six months")
    with pytest.raises(ValueError, match="window_months"):
        arson.change_profile(dict(profile, window_months=1))
    call_command("matrix", "build", "--programme", "arson")
    first.refresh_from_db()
    latest = TargetList.objects.get(programme=arson, is_current=True)
    # Version 2 is the forecast profile of migration 0008.
    assert (first.profile_version.version, latest.profile_version.version) == (2, 3)
    assert not first.is_current
    assert latest.profile_version.profile["window_months"] == 6


def test_the_school_beside_the_incidents_tops_the_primary_schools_of_the_arson_list(small_county):
    ashby = small_county["schools"][0]
    scores = Score.objects.filter(programme__slug="arson", target_list__is_current=True)
    top = scores.filter(phase_group="primary").first()
    assert top.school == ashby and top.rank <= 3
    # Ranked by the forecast alone: need is shown beside it and adds nothing to the score.
    assert top.score == pytest.approx(top.risk) and top.need is not None
    assert top.expected > scores.filter(phase_group="primary").last().expected
    forecast = next(c for c in top.contributions if c["name"] == "forecast")
    assert forecast["side"] == "risk" and forecast["points"] == pytest.approx(top.score, abs=0.05)
    assert ("criminal damage and arson crimes and deliberate fires expected within 1.5 km in the "
            "next 3 months") in forecast["reason"]
    # Its parts add up to the forecast and say where it comes from.
    assert sum(p["incidents"] for p in forecast["parts"]) == pytest.approx(top.expected, rel=0.02)
    assert any("from the pace of the last" in p["text"] or "from last month's" in p["text"]
               for p in forecast["parts"])
    # The reason names the two biggest parts and what the others add.
    if len(forecast["parts"]) > 2:
        rest = top.expected - sum(p["incidents"] for p in forecast["parts"][:2])
        if rest >= 0.05:
            assert "from the rest of the forecast" in forecast["reason"]
    assert sum(c["points"] for c in top.contributions) == pytest.approx(top.score, abs=0.05)
    # Ivy Academy stands on the same spot with a secondary school's 3 km: more is expected
    # within its reach, and a list ranked by the forecast puts it first.
    first = scores.first()
    assert first.school.name == "Ivy Academy" and first.expected > top.expected
    assert top_decile_school_ids("arson") == {first.school_id}


def test_knife_crime_lists_only_secondary_and_special_schools(small_county):
    phases = set(Score.objects.filter(programme__slug="knife-crime").values_list("phase_group", flat=True))
    assert phases == {"secondary", "special and other"}


def test_top_json_lists_score_decile_and_reasons(small_county, capsys):
    call_command("matrix", "top", "--programme", "arson", "--n", "3", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert rows[0]["school"] == "Ivy Academy"
    assert rows[0]["score"] >= rows[1]["score"] >= rows[2]["score"]
    assert all({"decile", "reasons", "urn"} <= set(r) for r in rows)


@pytest.mark.parametrize("args, message", [
    (["top", "--programme", "fire-dancing"], "No programme 'fire-dancing'"),
    (["backtest", "--programme", "arson", "--until", "2024-13"], "is not a month"),
    (["backtest", "--programme", "arson", "--until", "2024-06", "--horizon", "0"], "--horizon"),
])
def test_bad_command_arguments_are_explained(small_county, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("matrix", *args)


def test_backtest_json_on_the_small_county(small_county, capsys):
    call_command("matrix", "backtest", "--programme", "arson", "--until", "2024-09",
                 "--horizon", "3", "--origins", "6", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["until"] == "2024-09" and result["first_origin"] == "2024-04"
    assert set(result["rankings"]) == {"profile", "forecast", "imd_only", "last_period_count", "oracle"}
    for figures in result["rankings"].values():
        assert {"spearman", "top_decile_precision", "exposure_captured"} <= set(figures)
    assert [o["until"] for o in result["origins"]] == [f"2024-{m:02d}" for m in range(4, 10)]
    # 8 months (2024-05 to 2024-12) × (6 planted + 1 scattered) criminal damage incidents.
    assert result["incidents_after"] == 56
    oracle = result["rankings"]["oracle"]
    assert oracle["spearman"] == 1 and oracle["top_decile_precision"] == 1
    assert result["rankings"]["forecast"]["exposure_captured"] <= oracle["exposure_captured"]


def test_backtest_says_when_the_data_cannot_test_a_programme(small_county, capsys):
    # The small county has no accidental dwelling fires, home fire safety's category.
    call_command("matrix", "backtest", "--programme", "home-fire-safety", "--until", "2024-09",
                 "--horizon", "3")
    assert "cannot test this programme's list" in capsys.readouterr().out
    call_command("matrix", "backtest", "--programme", "home-fire-safety", "--until", "2024-09",
                 "--horizon", "3", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["incidents_after"] == 0
    assert result["rankings"]["profile"]["spearman"] is None
    assert result["rankings"]["profile"]["top_decile_precision"] is None


def test_backtest_text_output(small_county, capsys):
    call_command("matrix", "backtest", "--programme", "arson", "--until", "2024-09", "--horizon", "3")
    out = capsys.readouterr().out
    assert "56 incidents of Criminal damage and arson" in out
    assert "last_period_count" in out and "top-decile precision" in out


def test_backtest_asks_for_months_followed_by_data(small_county):
    with pytest.raises(CommandError, match="no month followed by 3 months with data on or before 2023-12"):
        call_command("matrix", "backtest", "--programme", "arson", "--until", "2023-12")
    with pytest.raises(CommandError, match="--origins must be from 1 to 24"):
        call_command("matrix", "backtest", "--programme", "arson", "--origins", "0")


def test_a_district_list_compares_its_schools_with_each_other_only(small_county, capsys):
    south = small_county["districts"][1]
    call_command("matrix", "build", "--programme", "arson", "--area", south.code)
    assert "arson: 4 schools ranked" in capsys.readouterr().out
    county_wide = {s.school_id: s for s in Score.objects.filter(
        programme__slug="arson", target_list__is_current=True, target_list__area=None)}
    in_south = list(Score.objects.filter(programme__slug="arson", target_list__is_current=True,
                                         target_list__area=south))
    assert in_south and all(s.school.lsoa.district == south for s in in_south)
    assert len(in_south) < len(county_wide)
    # Same evidence, other schools to compare with: the counts stay, the percentiles move.
    top = in_south[0]
    assert top.rank == 1 and top.decile == 1
    assert county_wide[top.school_id].rank > 1
    here = {c["name"]: c for c in top.contributions}
    there = {c["name"]: c for c in county_wide[top.school_id].contributions}
    assert here["forecast"]["display"] == there["forecast"]["display"]
    assert here["forecast"]["percentile"] > there["forecast"]["percentile"]
    # The county-wide list stays current beside it.
    assert TargetList.objects.filter(programme__slug="arson", is_current=True).count() == 2
    call_command("matrix", "top", "--programme", "arson", "--area", south.code, "--json")
    assert json.loads(capsys.readouterr().out)[0]["urn"] == top.school.urn
    with pytest.raises(CommandError, match="No district with the code 'E07999999'"):
        call_command("matrix", "build", "--area", "E07999999")


def test_schools_outside_the_loaded_boundaries_are_not_ranked(small_county):
    from safereach.matrix.build import build
    from safereach.schools.tests.factories import make_school

    # A school from a national schools file, far from the boundaries and incidents loaded.
    far = make_school(urn=999_999, name="Faraway Primary", phase="Primary", lsoa=None,
                        easting=400_000, northing=400_000, lon=-1.8, lat=53.4)
    build()
    ranked = Score.objects.filter(target_list__is_current=True)
    assert not ranked.filter(school=far).exists()
    assert ranked.filter(school=small_county["schools"][0]).exists()


def test_need_weighed_in_by_an_analyst_changes_the_order_and_the_back_test(small_county, capsys):
    arson = Programme.objects.get(slug="arson")
    call_command("matrix", "backtest", "--programme", "arson", "--horizon", "3", "--json")
    before = json.loads(capsys.readouterr().out)["rankings"]
    assert before["profile"] == before["forecast"]  # ranked by the forecast alone

    arson.change_profile(dict(arson.profile, need_weight=0.5), note="Need counts for half")
    call_command("matrix", "build", "--programme", "arson")
    capsys.readouterr()
    scores = list(Score.objects.filter(programme=arson, target_list__is_current=True))
    for s in scores:
        assert s.score == pytest.approx((s.need + s.risk) / 2, abs=0.02)
    assert TargetList.objects.get(programme=arson, is_current=True).details["need_weight"] == 0.5
    call_command("matrix", "backtest", "--programme", "arson", "--horizon", "3", "--json")
    after = json.loads(capsys.readouterr().out)["rankings"]
    assert after["forecast"] == before["forecast"]
    assert after["profile"]["spearman"] != before["profile"]["spearman"]


def test_the_area_classification_is_an_indicator_and_a_forecast_the_back_test_judges(small_county, capsys):
    from safereach.evidence.models import OutputAreaClassification
    from safereach.matrix.build import build

    for k in range(8):
        OutputAreaClassification.objects.create(
            lsoa_code=f"E0100090{k}", output_areas=4,
            supergroups={"8": k % 4 + 1, "6": 4 - (k % 4 + 1)} if k % 4 < 3 else {"8": 4})
    arson = Programme.objects.get(slug="arson")
    arson.change_profile({**arson.profile, "indicators": [*arson.profile["indicators"], {
        "name": "hard_pressed", "kind": "classification", "weight": 1,
        "groups": ["Hard-pressed living"]}]}, note="Who lives nearby")
    build([arson])
    top = Score.objects.filter(programme=arson, target_list__is_current=True).first()
    shown = next(c for c in top.contributions if c["name"] == "hard_pressed")
    assert "of the people living within 3 km are in ‘Hard-pressed living’ neighbourhoods" in shown["reason"]
    assert shown["side"] == "risk"
    call_command("matrix", "backtest", "--programme", "arson", "--horizon", "3", "--json")
    rankings = json.loads(capsys.readouterr().out)["rankings"]
    assert rankings["forecast_with_area_classification"]["spearman"] is not None


def test_a_classification_indicator_needs_known_groups():
    from safereach.matrix.profiles import Profile

    with pytest.raises(ValueError, match="needs the area classification groups it reads"):
        Profile.from_json({"indicators": [{"name": "c", "kind": "classification", "weight": 1,
                                           "groups": ["Space cadets"]}]})
