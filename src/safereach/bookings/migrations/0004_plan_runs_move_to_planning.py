# Plan runs now belong to the planning app: the table is renamed and keeps every row.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0003_plan_run_applying"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable("PlanRun", "planning_planrun")],
            state_operations=[migrations.DeleteModel("PlanRun")],
        ),
    ]
