from django.db import migrations, models

import safereach.workforce.models


class Migration(migrations.Migration):

    dependencies = [
        ('workforce', '0004_give_officers_calendar_tokens'),
    ]

    operations = [
        migrations.AlterField(
            model_name='officer',
            name='calendar_token',
            field=models.CharField(default=safereach.workforce.models.new_calendar_token, editable=False, help_text='The key in the officer\'s private calendar feed address; resetting it makes the old address stop working.', max_length=64, unique=True),
        ),
    ]
