"""The migration that brought calendar tokens gives every officer already in the database a
different token: a default on the new column alone would have given them all the same one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("workforce", "0003_officer_calendar_token")]
AFTER = [("workforce", "0005_officer_calendar_token_unique")]


@pytest.mark.django_db(transaction=True)
def test_existing_officers_each_get_their_own_token():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        agency = old.get_model("accounts", "Agency").objects.create(
            name="Oldshire Fire and Rescue Service", kind="fire_rescue", slug="oldshire"
        )
        Officer = old.get_model("workforce", "Officer")
        for name in ("Ann", "Bob", "Cy"):
            Officer.objects.create(agency=agency, name=name)
        assert set(Officer.objects.values_list("calendar_token", flat=True)) == {None}

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        tokens = list(new.get_model("workforce", "Officer").objects.values_list("calendar_token", flat=True))
        assert len(tokens) == 3 and len(set(tokens)) == 3 and all(len(t) >= 40 for t in tokens)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
