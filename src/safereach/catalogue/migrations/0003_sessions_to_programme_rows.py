"""A session's programme becomes a row of matrix.Programme (step 2 of 3: the data).

Every session's programme slug is matched to the Programme with that slug. A slug with no
Programme gets one, with no targeting profile, named as the catalogue named it; a programme
serves at least the year groups its sessions teach, so no session is left outside its
programme. No session is lost or changed otherwise.

Its own migration, between adding the column and removing the old one: PostgreSQL refuses to
alter a table in the transaction that updated its rows.
"""

from django.db import migrations

# The catalogue's own names for its programme slugs, frozen as they were.
CATALOGUE_NAMES = {
    "home-fire-safety": "Home fire safety",
    "arson": "Arson and deliberate fires",
    "hoax-calls": "Hoax calls",
    "knife-crime": "Knife crime and gangs",
    "road-safety": "Road safety",
    "water-safety": "Water safety",
    "online-safety": "Online safety",
    "exploitation": "Exploitation and county lines",
    "asb": "Anti-social behaviour",
    "drugs-alcohol": "Drugs and alcohol",
}
YEARS = range(0, 14)  # Reception to Year 13


def forward(apps, schema_editor):
    Programme = apps.get_model("matrix", "Programme")
    Session = apps.get_model("catalogue", "Session")
    for slug in sorted(set(Session.objects.values_list("programme", flat=True))):
        sessions = Session.objects.filter(programme=slug)
        taught = {y for s in sessions for y in (s.year_groups or [])
                  if isinstance(y, int) and y in YEARS}
        programme, created = Programme.objects.get_or_create(
            slug=slug or "not-known",
            defaults={"name": CATALOGUE_NAMES.get(slug) or slug.replace("-", " ").capitalize()
                      or "Programme not known",
                      "profile": None, "year_groups": sorted(taught) or list(YEARS)})
        if not created and not taught <= set(programme.year_groups):
            programme.year_groups = sorted(taught | set(programme.year_groups))
            programme.save(update_fields=["year_groups"])
        sessions.update(programme_row=programme)


def backward(apps, schema_editor):
    Session = apps.get_model("catalogue", "Session")
    for session in Session.objects.select_related("programme_row"):
        session.programme = session.programme_row.slug
        session.save(update_fields=["programme"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_session_programme_row")]
    operations = [migrations.RunPython(forward, backward)]
