"""Programmes say which year groups they serve, and a programme may have no targeting profile
yet (step 2 of 2: the rows). The programmes partners teach that nothing targets (road safety,
water safety, online safety, drugs and alcohol) become programmes too, so every catalogue
session can point at one. Its own migration: PostgreSQL refuses to alter a table in the
transaction that changed its rows.

The year groups and programmes are frozen copies: later edits to matrix/programmes.py do not
change what this migration did. A programme an analyst has already added keeps its rows; it
serves every year group until an administrator narrows it.
"""

from django.db import migrations

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
    dependencies = [("matrix", "0007_programme_year_groups")]
    operations = [migrations.RunPython(forward, backward)]
