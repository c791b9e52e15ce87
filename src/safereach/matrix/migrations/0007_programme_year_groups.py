"""Programmes say which year groups they serve, and a programme may have no targeting profile
yet (step 1 of 2: the columns; 0008 fills them)."""

from django.db import migrations, models

import safereach.matrix.models


class Migration(migrations.Migration):
    dependencies = [("matrix", "0006_backtest_run")]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="year_groups",
            field=models.JSONField(
                default=safereach.matrix.models.every_year_group,
                help_text="Year groups it serves (0 = Reception): its sessions teach within "
                          "them, and its target list ranks only schools teaching at least one "
                          "of them."),
        ),
        migrations.AlterField(
            model_name="programme",
            name="profile",
            field=models.JSONField(
                blank=True, null=True,
                help_text="The current targeting profile (see matrix/profiles.py); empty while "
                          "the programme has none, and then no school is ranked for it."),
        ),
    ]
