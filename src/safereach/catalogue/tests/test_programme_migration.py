"""The migrations that make a session's programme a matrix.Programme row keep every session,
each with the programme its slug named, and can be undone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safereach.matrix.programmes import PROGRAMMES

BEFORE = [("catalogue", "0001_initial"), ("matrix", "0006_backtest_run")]
AFTER = [("catalogue", "0004_session_programme_foreign_key"),
         ("matrix", "0008_programmes_year_groups_and_untargeted")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest():
    """Leave the schema as every other test expects it: every app at its newest migration."""
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_every_session_keeps_its_programme(back_to_the_latest):
    old = migrate(BEFORE)
    # The six programmes matrix 0002 seeded (a test before this one may have flushed them).
    for item in PROGRAMMES:
        old.get_model("matrix", "Programme").objects.get_or_create(slug=item["slug"], defaults={
            "name": item["name"], "description": item["description"], "profile": item["profile"]})
    agency = old.get_model("accounts", "Agency").objects.create(name="Fire", slug="fire", kind="fire_rescue")
    Session = old.get_model("catalogue", "Session")
    made = {
        "arson-talk": ("arson", [8, 9, 10]),
        "road-walk": ("road-safety", [1, 2]),
        "cadets": ("fire-cadets", [9, 10]),  # a slug no programme has
        "grooming": ("exploitation", [3, 4]),  # younger than exploitation's Years 5 to 13
    }
    for slug, (programme, years) in made.items():
        Session.objects.create(partner=agency, programme=programme, title=slug, slug=slug,
                               description="-", year_groups=years)

    new = migrate(AFTER)

    Programme = new.get_model("matrix", "Programme")
    sessions = new.get_model("catalogue", "Session").objects.select_related("programme")
    assert {s.slug: s.programme.slug for s in sessions} == {k: v[0] for k, v in made.items()}
    cadets = Programme.objects.get(slug="fire-cadets")
    assert (cadets.name, cadets.profile, cadets.year_groups) == ("Fire cadets", None, [9, 10])
    assert Programme.objects.get(slug="exploitation").year_groups == list(range(3, 14))
    road = Programme.objects.get(slug="road-safety")
    assert (road.name, road.profile, road.year_groups) == ("Road safety", None, list(range(0, 14)))
    assert Programme.objects.get(slug="arson").year_groups == list(range(5, 12))
    assert Programme.objects.filter(profile__isnull=False).count() == 6

    back = migrate(BEFORE)
    assert {s.slug: s.programme for s in back.get_model("catalogue", "Session").objects.all()} == {
        k: v[0] for k, v in made.items()}
