import secrets

from django.db import migrations


def give_each_officer_a_token(apps, schema_editor):
    Officer = apps.get_model('workforce', 'Officer')
    officers = list(Officer.objects.filter(calendar_token__isnull=True).only('pk'))
    for officer in officers:
        officer.calendar_token = secrets.token_urlsafe(32)
    Officer.objects.bulk_update(officers, ['calendar_token'], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('workforce', '0003_officer_calendar_token'),
    ]

    operations = [
        migrations.RunPython(give_each_officer_a_token, migrations.RunPython.noop),
    ]
