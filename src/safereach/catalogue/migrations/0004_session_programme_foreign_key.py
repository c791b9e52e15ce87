"""A session's programme becomes a row of matrix.Programme (step 3 of 3: the slug column goes
and the row takes its name)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_sessions_to_programme_rows")]

    operations = [
        # A default for the slug column first, so that undoing this migration can add it back
        # to a table of sessions before the rows are given their slugs again.
        migrations.AlterField(model_name="session", name="programme",
                              field=models.CharField(blank=True, default="", max_length=40)),
        migrations.RemoveField(model_name="session", name="programme"),
        migrations.RenameField(model_name="session", old_name="programme_row", new_name="programme"),
        migrations.AlterField(
            model_name="session",
            name="programme",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="sessions", to="matrix.programme"),
        ),
        migrations.AlterModelOptions(name="session", options={"ordering": ["programme__name", "title"]}),
    ]
