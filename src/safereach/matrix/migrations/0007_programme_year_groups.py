"""Programmes say which year groups they serve, and a programme may have no targeting profile
yet: the programmes partners teach that nothing targets (road safety, water safety, online
safety, drugs and alcohol) become programmes too, so every catalogue session can point at one.

The year groups and programmes are frozen copies: later edits to matrix/programmes.py do not
change what this migration did. A programme an analyst has already added keeps its rows; it
serves every year group until an administrator narrows it.
"""

from django.db import migrations, models

import safereach.matrix.models

YEAR_GROUPS = {
    "home-fire-safety": list(range(0, 14)),
    "arson": list(range(5, 12)),
    "hoax-calls": list(range(5, 10)),
    "knife-crime": list(range(7, 14)),
    "asb": list(range(5, 12)),
    "exploitation": list(range(5, 14)),
}
UNTARGETED = [
    {"slug": "road-safety", "name": "Road safety",
     "description": "Crossing safely, being seen, cycling and, later, driving.",
     "year_groups": list(range(0, 14))},
    {"slug": "water-safety", "name": "Water safety",
     "description": "Cold water shock, rip currents and what to do if someone is in trouble.",
     "year_groups": list(range(3, 12))},
    {"slug": "online-safety", "name": "Online safety",
     "description": "Sharing images, grooming, and how to report worries.",
     "year_groups": list(range(0, 14))},
    {"slug": "drugs-alcohol", "name": "Drugs and alcohol",
     "description": "The risks of drugs and alcohol, the law and peer pressure.",
     "year_groups": list(range(7, 14))},
]


def forward(apps, schema_editor):
    Programme = apps.get_model("matrix", "Programme")
    for slug, years in YEAR_GROUPS.items():
        Programme.objects.filter(slug=slug).update(year_groups=years)
    for item in UNTARGETED:
        Programme.objects.get_or_create(slug=item["slug"], defaults={
            "name": item["name"], "description": item["description"],
            "year_groups": item["year_groups"], "profile": None})


def backward(apps, schema_editor):
    # Before this migration every programme had a profile: those without one go.
    apps.get_model("matrix", "Programme").objects.filter(profile__isnull=True).delete()


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
        migrations.RunPython(forward, backward),
    ]
