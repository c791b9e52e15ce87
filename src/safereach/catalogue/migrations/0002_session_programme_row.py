"""A session's programme becomes a row of matrix.Programme (step 1 of 3: the new column)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("matrix", "0008_programmes_year_groups_and_untargeted"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="programme_row",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="matrix.programme"),
        ),
    ]
