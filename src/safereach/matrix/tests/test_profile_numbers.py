"""A profile's numbers are edited through a form per indicator, held to bounds (nothing out of
range is saved, nor reaches a build), and the list is rebuilt in the background from the
profile page."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safereach.accounts.models import Role
from safereach.matrix.models import BuildRun, Programme, TargetList
from safereach.matrix.profiles import Profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client, small_county):
    client.force_login(small_county["users"][Role.ANALYST])
    return client


def _numbers(page):
    """What the profile form sends back as it is shown."""
    form = page.context["form"]
    return {name: ("" if form[name].value() is None else form[name].value())
            for name in form.fields}


@pytest.mark.parametrize("bad", [1e308, float("inf"), float("nan"), -1, 101, True, "3"])
def test_a_profile_refuses_a_weight_out_of_bounds(bad):
    profile = {"indicators": [{"name": "imd", "kind": "deprivation", "weight": bad}]}
    with pytest.raises(ValueError, match="weight of 'imd' must be a number from 0 to 100"):
        Profile.from_json(profile)


@pytest.mark.parametrize("field, value, words", [
    ("radius_m", {"primary": float("inf")}, "Radius for primary must be between 100 and 20,000"),
    ("window_months", 10**9, "window_months must be a whole number of months from 2 to 60"),
    ("horizon_months", 1e308, "horizon_months must be a whole number of months from 1 to 24"),
    ("half_life_months", 1e308, "half_life_months must be a number of months from 0.5 to 120"),
    ("trend_prior", 1e308, "trend_prior must be a number from 0.1 to 100"),
    ("need_weight", float("nan"), "need_weight must be a number from 0"),
])
def test_every_number_of_a_profile_has_bounds(field, value, words):
    profile = {"indicators": [{"name": "imd", "kind": "deprivation", "weight": 1}], field: value}
    with pytest.raises(ValueError, match=words):
        Profile.from_json(profile)


def test_an_analyst_changes_the_numbers_through_the_form(analyst, small_county):
    arson = Programme.objects.get(slug="arson")
    page = analyst.get("/matrix/arson/profile/")
    html = page.content.decode()
    assert "Weight of free school meals" in html and "Weight of IMD" in html
    assert "Radius around primary schools, in metres" in html
    sent = _numbers(page)
    forecast = next(k for k, i in enumerate(arson.profile["indicators"]) if i["kind"] == "forecast")
    sent.update({f"weight_{forecast}": "2.5", "radius_primary": "1200", "window_months": "6",
                 "need_percent": "25", "note": "Nearer schools, shorter window"})
    assert analyst.post("/matrix/arson/profile/", sent).status_code == 302
    arson.refresh_from_db()
    assert arson.profile["indicators"][forecast]["weight"] == 2.5
    assert arson.profile["radius_m"]["primary"] == 1200 and arson.profile["window_months"] == 6
    assert arson.profile["need_weight"] == 0.25
    # Nothing else changed: the indicators, their categories and labels are as they were.
    assert [i["name"] for i in arson.profile["indicators"]] == [
        i["name"] for i in arson.versions.get(version=arson.version - 1).profile["indicators"]]
    assert arson.versions.first().note == "Nearer schools, shorter window"


@pytest.mark.parametrize("field, value, message", [
    ("weight_0", "1e308", "Enter the weight of"),
    ("weight_0", "inf", "Enter the weight of"),
    ("weight_0", "nan", "Enter the weight of"),
    ("weight_0", "-2", "Enter the weight of"),
    ("weight_0", "", "Enter the weight of"),
    ("radius_secondary", "50", "Enter the radius around secondary schools in metres as a whole "
                               "number from 100 to 20,000"),
    ("window_months", "1e9", "Enter the months of incidents counted as a whole number from 2 to 60"),
    ("horizon_months", "25", "Enter the months ahead the forecast looks as a whole number from 1 to 24"),
    ("need_percent", "150",
     "Enter need&#x27;s share of the score in per cent as a whole number from 0 to 100"),
    ("note", "", "Say what changed and why"),
    ("note", "x" * 301, "Say what changed in 300 characters or fewer"),
])
def test_a_bad_number_is_refused_beside_its_field_and_nothing_is_saved(analyst, small_county, field,
                                                                     value, message):
    arson = Programme.objects.get(slug="arson")
    before = (arson.version, arson.profile)
    sent = {**_numbers(analyst.get("/matrix/arson/profile/")), "note": "Try", field: value}
    response = analyst.post("/matrix/arson/profile/", sent)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and f'href="#id_{field}"' in html
    assert f'id="id_{field}-error"' in html and message in html
    # What was typed is kept, to correct.
    assert f'value="{value}"' in html
    arson.refresh_from_db()
    assert (arson.version, arson.profile) == before


def test_every_weight_at_nought_is_refused_for_the_whole_form(analyst, small_county):
    sent = _numbers(analyst.get("/matrix/arson/profile/"))
    sent.update({name: "0" for name in sent if name.startswith("weight_")}, note="All off")
    response = analyst.post("/matrix/arson/profile/", sent)
    assert response.status_code == 400
    assert "at least one indicator with a weight above 0" in response.content.decode()


def test_a_weight_of_1e308_never_reaches_the_build(small_county):
    arson = Programme.objects.get(slug="arson")
    with pytest.raises(ValueError):
        arson.change_profile({**arson.profile, "indicators": [
            {**i, "weight": 1e308} for i in arson.profile["indicators"]]}, note="x")
    # Written past the checks (an old row, a hand edit of the database): the build refuses it
    # by name and keeps the current list.
    Programme.objects.filter(pk=arson.pk).update(profile={**arson.profile, "indicators": [
        {**i, "weight": 1e308} for i in arson.profile["indicators"]]})
    current = TargetList.objects.get(programme=arson, is_current=True, area=None)
    with pytest.raises(CommandError, match="Arson.*cannot be built: The weight of 'forecast'"):
        call_command("matrix", "build", "--programme", "arson")
    assert TargetList.objects.get(programme=arson, is_current=True, area=None) == current


def test_the_json_page_holds_the_same_bounds(analyst, small_county):
    arson = Programme.objects.get(slug="arson")
    version = arson.version
    bad = {**arson.profile, "indicators": [{**arson.profile["indicators"][0], "weight": 1e308}]}
    response = analyst.post("/matrix/arson/profile/indicators/",
                            {"profile": json.dumps(bad), "note": "x"})
    assert response.status_code == 400 and "must be a number from 0 to 100" in response.content.decode()
    response = analyst.post("/matrix/arson/profile/indicators/",
                            {"profile": '{"indicators": [{"kind": "fsm", "weight": Infinity}]}',
                             "note": "x"})
    assert response.status_code == 400
    arson.refresh_from_db()
    assert arson.version == version


def test_the_rebuild_button_builds_the_list_in_the_background(analyst, small_county, tasks_run_at_once):
    arson = Programme.objects.get(slug="arson")
    old = TargetList.objects.get(programme=arson, is_current=True, area=None)
    sent = {**_numbers(analyst.get("/matrix/arson/profile/")), "window_months": "6", "note": "Six"}
    analyst.post("/matrix/arson/profile/", sent)

    response = analyst.post("/matrix/arson/profile/rebuild/")
    assert response.status_code == 302 and response["Location"].endswith("/matrix/arson/profile/#rebuild")
    run = BuildRun.objects.get(programme=arson)
    assert run.state == BuildRun.State.DONE and run.asked_by == small_county["users"][Role.ANALYST]
    new = TargetList.objects.get(programme=arson, is_current=True, area=None)
    assert new != old and run.target_list == new
    assert new.profile_version.version == arson.versions.first().version
    assert new.details["window_months"] == 6
    page = analyst.get("/matrix/arson/profile/").content.decode()
    assert "Last rebuild" in page and "Finished" in page and "Rebuild the list now" in page
    progress = analyst.get(f"/matrix/arson/profile/rebuild/{run.pk}/progress/").json()
    assert progress["finished"] and progress["url"].endswith(f"?rebuild={run.pk}#rebuild")


def test_a_rebuild_under_way_shows_its_progress_and_is_not_asked_twice(analyst, small_county, settings):
    # Tasks that never run: the run waits, as it would behind a busy worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    analyst.post("/matrix/arson/profile/rebuild/")
    analyst.post("/matrix/arson/profile/rebuild/")
    assert BuildRun.objects.filter(programme__slug="arson").count() == 1
    page = analyst.get("/matrix/arson/profile/").content.decode()
    assert "How far the rebuild has got" in page and "Waiting for the rebuild to start" in page
    assert "Rebuild the list now" not in page


def test_a_rebuild_that_cannot_build_says_why(analyst, small_county, tasks_run_at_once):
    arson = Programme.objects.get(slug="arson")
    Programme.objects.filter(pk=arson.pk).update(profile={**arson.profile, "window_months": 999})
    analyst.post("/matrix/arson/profile/rebuild/")
    run = BuildRun.objects.get(programme=arson)
    assert run.state == BuildRun.State.FAILED
    assert "window_months must be a whole number of months from 2 to 60" in run.error
    page = analyst.get("/matrix/arson/profile/").content.decode()
    assert "The last rebuild did not finish" in page and "No list can be built from this profile" in page
    # The numbers form cannot show what it cannot read: the page sends the analyst to correct it.
    assert analyst.post("/matrix/arson/profile/", {"note": "x"})["Location"].endswith(
        "/matrix/arson/profile/indicators/")


def test_only_analysts_change_numbers_or_rebuild(client, small_county):
    client.force_login(small_county["users"][Role.COORDINATOR])
    page = client.get("/matrix/arson/profile/")
    assert page.status_code == 200 and page.context["form"] is None
    assert "The profile as saved" in page.content.decode()
    assert client.post("/matrix/arson/profile/", {"note": "x"}).status_code == 403
    assert client.post("/matrix/arson/profile/rebuild/").status_code == 403
    assert client.get("/matrix/arson/profile/indicators/").status_code == 403
    assert not BuildRun.objects.exists()


def test_long_text_is_refused_in_plain_english(analyst, small_county):
    arson = Programme.objects.get(slug="arson")
    response = analyst.post("/matrix/arson/profile/indicators/",
                            {"profile": json.dumps(arson.profile), "note": "y" * 5025})
    html = response.content.decode()
    assert response.status_code == 400 and "Say what changed in 300 characters or fewer" in html
    assert "Ensure this value" not in html
    found = analyst.get("/matrix/arson/", {"q": "z" * 200})
    assert found.status_code == 400
    assert "Enter a school name or URN of 100 characters or fewer" in found.content.decode()
