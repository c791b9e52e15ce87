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
    assert (first.profile_version.version, latest.profile_version.version) == (1, 2)
    assert not first.is_current
    assert latest.profile_version.profile["window_months"] == 6


def test_the_school_beside_the_incidents_tops_the_arson_list(small_county):
    ashby = small_county["schools"][0]
    top = Score.objects.filter(programme__slug="arson", target_list__is_current=True).first()
    assert top.school == ashby and top.rank == 1 and top.decile == 1
    assert ashby.id in top_decile_school_ids("arson")
    reasons = " ".join(top.top_reasons())
    # 72 criminal damage incidents were planted within about 1 km of Ashby Primary.
    counted = next(c for c in top.contributions if c["name"] == "arson")
    assert 66 <= int(counted["display"]) <= 84
    assert (f"{counted['display']} criminal damage and arson crimes and deliberate fires "
            "within 1.5 km") in reasons
    assert "more than any other primary school in the area" in reasons
    assert sum(c["points"] for c in top.contributions) == pytest.approx(top.score, abs=0.05)


def test_knife_crime_lists_only_secondary_and_special_schools(small_county):
    phases = set(Score.objects.filter(programme__slug="knife-crime").values_list("phase_group", flat=True))
    assert phases == {"secondary", "special and other"}


def test_top_json_lists_score_decile_and_reasons(small_county, capsys):
    call_command("matrix", "top", "--programme", "arson", "--n", "3", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert rows[0]["school"] == "Ashby Primary"
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
                 "--horizon", "3", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["until"] == "2024-09"
    assert set(result["rankings"]) == {"profile", "imd_only", "last_period_count", "learned_poisson"}
    # 3 months × (6 planted + 1 scattered) criminal damage incidents follow 2024-09.
    assert result["incidents_after"] == 21


def test_backtest_says_when_the_data_cannot_test_a_programme(small_county, capsys):
    # The small county has no accidental dwelling fires, home fire safety's category.
    call_command("matrix", "backtest", "--programme", "home-fire-safety", "--until", "2024-09",
                 "--horizon", "3")
    assert "cannot test this programme's list" in capsys.readouterr().out
    call_command("matrix", "backtest", "--programme", "home-fire-safety", "--until", "2024-09",
                 "--horizon", "3", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["incidents_after"] == 0
    assert result["rankings"]["profile"] == {"spearman": None, "capture_top_10pc": None}


def test_backtest_text_output(small_county, capsys):
    call_command("matrix", "backtest", "--programme", "arson", "--until", "2024-09", "--horizon", "3")
    out = capsys.readouterr().out
    assert "21 incidents of Criminal damage and arson" in out
    assert "learned_poisson" in out and "capture by the top 10%:" in out


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
    assert here["arson"]["display"] == there["arson"]["display"]
    assert here["arson"]["percentile"] > there["arson"]["percentile"]
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
