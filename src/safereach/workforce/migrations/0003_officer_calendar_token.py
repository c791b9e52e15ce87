# The calendar-feed key moves from a signature of the officer's id (which could never be
# revoked) to a random token per officer. Three steps, so that each existing officer gets a
# token of their own: a default on AddField would be worked out once and given to every row.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workforce', '0002_officer_diary_version_officer_sessions_leave'),
    ]

    operations = [
        migrations.AddField(
            model_name='officer',
            name='calendar_token',
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
    ]
