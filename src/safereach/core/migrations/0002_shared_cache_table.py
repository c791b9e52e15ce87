"""The table of the database cache (settings.CACHES), made by `migrate` so the demo, the tests
and a new site never run without it."""

from django.core.management import call_command
from django.db import migrations


def make_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_periodic_task")]

    operations = [migrations.RunPython(make_cache_table, migrations.RunPython.noop)]
