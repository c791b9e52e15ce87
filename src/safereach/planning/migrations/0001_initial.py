# Plan runs move here from the bookings app (bookings 0004 renamed their table): the model
# joins this app's state with the table as it is, then its progress check takes this app's name.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    """Permissions and admin history of plan runs follow the model to its new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="planning", model="planrun").exists():
        ContentType.objects.filter(app_label="bookings", model="planrun").update(app_label="planning")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('bookings', '0004_plan_runs_move_to_planning'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('accounts', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.CreateModel(
            name='PlanRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('progress', models.FloatField(default=0.0)),
                ('progress_text', models.CharField(blank=True, max_length=200)),
                ('error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('state', models.CharField(choices=[('waiting', 'Waiting to start'), ('running', 'Planning'), ('done', 'Plan ready'), ('failed', 'Failed'), ('applying', 'Applying'), ('applied', 'Applied'), ('stopped', 'Applying stopped')], db_index=True, default='waiting', max_length=10)),
                ('first_day', models.DateField()),
                ('last_day', models.DateField()),
                ('seconds', models.PositiveIntegerField(help_text='How long the planner may search.')),
                ('pinned', models.JSONField(blank=True, default=dict, help_text='Request key → [officer id, "YYYY-MM-DD", start minute].')),
                ('dropped', models.JSONField(blank=True, default=list, help_text='Request keys left out.')),
                ('plan', models.JSONField(blank=True, help_text='What the planner proposed.', null=True)),
                ('applied_at', models.DateTimeField(blank=True, null=True)),
                ('applied', models.JSONField(blank=True, help_text="What applying did: the visits to book (total), the request keys booked, those not booked and why, and each booked request's school email address (emailed).", null=True)),
                ('agency', models.ForeignKey(blank=True, help_text="Whose officers and requests are planned; blank for every agency's.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='plan_runs', to='accounts.agency')),
                ('applied_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('asked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
                'abstract': False,
                'constraints': [models.CheckConstraint(condition=models.Q(('progress__gte', 0), ('progress__lte', 1)), name='plan_run_progress_is_a_fraction'), models.CheckConstraint(condition=models.Q(('last_day__gte', models.F('first_day'))), name='plan_run_ends_after_it_starts')],
            },
        )], database_operations=[]),
        migrations.RunPython(content_type_follows, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name='planrun', name='plan_run_progress_is_a_fraction'),
        migrations.AddConstraint(
            model_name='planrun',
            constraint=models.CheckConstraint(condition=models.Q(('progress__gte', 0), ('progress__lte', 1)), name='planning_planrun_progress_is_a_fraction'),
        ),
    ]
