"""A programme serves year groups, and its target list ranks only schools teaching at least one
of them; programmes partners teach that no profile targets yet are programmes too, and every
matrix page and command copes with them."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safereach.accounts.models import Role
from safereach.matrix.build import build
from safereach.matrix.models import Programme, Score, TargetList
from safereach.matrix.programmes import PROGRAMMES
from safereach.schools.tests.factories import make_school

pytestmark = pytest.mark.django_db


def _beside(school, **fields):
    """A school at the same place as `school`, so it sees the same incidents."""
    return make_school(lsoa=school.lsoa, easting=school.easting, northing=school.northing,
                         lon=school.lon, lat=school.lat, percent_fsm=40.0, **fields)


def _ranked(slug):
    return set(Score.objects.filter(programme__slug=slug, target_list__is_current=True)
               .values_list("school__name", flat=True))


def _scores(slug):
    return dict(Score.objects.filter(programme__slug=slug, target_list__is_current=True)
                .values_list("school__name", "score"))


def test_a_list_ranks_only_schools_teaching_its_year_groups(small_county):
    ashby = small_county["schools"][0]
    before = _scores("arson")
    _beside(ashby, name="Ashby Infant Academy", phase="Primary", low_age=4, high_age=7)
    _beside(ashby, name="Ashby Nursery School", phase="Nursery", low_age=2, high_age=5)
    build()

    arson, home_fire = _ranked("arson"), _ranked("home-fire-safety")
    # Arson serves Years 5 to 11: an infant school beside every fire is not one of its schools.
    assert "Ashby Infant Academy" not in arson and "Ashby Primary" in arson
    assert "Ashby Infant Academy" in home_fire
    # A nursery teaches no year group: no programme targets it.
    assert not any("Ashby Nursery School" in _ranked(p["slug"]) for p in PROGRAMMES)
    # Schools are compared with the schools the list ranks: the infant school changes nothing.
    assert _scores("arson") == before
    # Of the primary schools, the one beside every fire comes first.
    primaries = Score.objects.filter(programme__slug="arson", target_list__is_current=True,
                                     school__phase="Primary").order_by("rank")
    assert primaries[0].school == ashby


def test_narrowing_a_programme_narrows_its_next_list(small_county):
    arson = Programme.objects.get(slug="arson")
    arson.year_groups = [7, 8, 9, 10, 11]
    arson.save()
    build([arson])
    assert _ranked("arson") and not any("Primary" in name for name in _ranked("arson"))


def test_programmes_without_a_profile_are_seeded_and_never_built(small_county):
    untargeted = set(Programme.objects.filter(profile__isnull=True).values_list("slug", flat=True))
    assert untargeted == {"road-safety", "water-safety", "online-safety", "drugs-alcohol"}
    assert not TargetList.objects.filter(programme__slug__in=untargeted).exists()
    assert Programme.objects.get(slug="road-safety").year_groups == list(range(0, 14))
    with pytest.raises(ValueError, match="Road safety has no targeting profile yet"):
        build([Programme.objects.get(slug="road-safety")])


@pytest.mark.parametrize(("args", "message"), [
    (["build", "--programme", "road-safety"], "Road safety has no targeting profile yet"),
    (["top", "--programme", "road-safety"], "road-safety has no targeting profile yet"),
    (["backtest", "--programme", "road-safety", "--until", "2024-06"],
     "Road safety has no targeting profile yet"),
])
def test_commands_explain_a_programme_without_a_profile(small_county, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("matrix", *args)


def test_pages_cope_with_a_programme_without_a_profile(client, small_county):
    client.force_login(small_county["users"][Role.ANALYST])
    listed = {row["programme"].slug: row for row in client.get("/matrix/").context["rows"]}
    assert listed["road-safety"]["list"] is None
    assert "No targeting profile yet" in client.get("/matrix/").content.decode()
    page = client.get("/matrix/road-safety/")
    assert page.status_code == 200 and "it has no targeting profile yet" in page.content.decode()
    assert client.get("/matrix/road-safety/export.csv").status_code == 404
    districts = client.get("/matrix/districts/")
    assert "Road safety" not in [p.name for p in districts.context["programmes"]]
    assert client.get("/matrix/road-safety/backtest/").status_code == 200
    refused = client.post("/matrix/road-safety/backtest/",
                          {"programme": "road-safety", "until": "2024-06", "horizon": "3"})
    assert refused.status_code == 400 and "Choose a programme from the list" in refused.content.decode()
    profile = client.get("/matrix/road-safety/profile/")
    assert profile.status_code == 200 and "No targeting profile yet" in profile.content.decode()


def test_an_analyst_gives_a_programme_its_first_profile(client, small_county):
    client.force_login(small_county["users"][Role.ANALYST])
    first = {"phases": ["primary"], "indicators": [{"name": "imd", "kind": "deprivation", "weight": 1}]}
    saved = client.post("/matrix/road-safety/profile/indicators/",
                        {"profile": json.dumps(first), "note": "First"})
    assert saved.status_code == 302
    road = Programme.objects.get(slug="road-safety")
    assert road.has_profile and road.current_version().version == 1
    [target_list] = build([road])
    assert target_list.school_count == 6  # the six primary schools
