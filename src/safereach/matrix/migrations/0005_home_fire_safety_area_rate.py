"""Home fire safety reads dwelling fires per head where a source publishes them only per area
(`safereach load area-rates`): added to the programme's current profile as a new version, so
the lists made by the earlier versions still name the profile that made them."""

from django.db import migrations

SLUG = "home-fire-safety"
# A frozen copy: later edits to matrix/programmes.py do not change what this migration did.
INDICATOR = {"name": "dwelling_fire_rate", "kind": "area_rate", "weight": 2,
             "measure": "dwelling fires", "label": "dwelling fires"}
NOTE = "Dwelling fires per head in the school's area (area-level figures)"


def _new_version(apps, programme, profile, note):
    ProgrammeVersion = apps.get_model("matrix", "ProgrammeVersion")
    last = ProgrammeVersion.objects.filter(programme=programme).order_by("-version").first()
    programme.version = (last.version if last else 0) + 1
    programme.profile = profile
    programme.save(update_fields=["version", "profile"])
    ProgrammeVersion.objects.create(programme=programme, version=programme.version,
                                    profile=profile, note=note)


def add(apps, schema_editor):
    Programme = apps.get_model("matrix", "Programme")
    programme = Programme.objects.filter(slug=SLUG).first()
    if programme is None:
        return
    indicators = programme.profile.get("indicators") or []
    if any(i.get("kind") == "area_rate" for i in indicators):
        return  # an analyst got there first
    _new_version(apps, programme, {**programme.profile, "indicators": [*indicators, INDICATOR]},
                 NOTE)


def remove(apps, schema_editor):
    Programme = apps.get_model("matrix", "Programme")
    programme = Programme.objects.filter(slug=SLUG).first()
    if programme is None:
        return
    indicators = programme.profile.get("indicators") or []
    if not any(i.get("kind") == "area_rate" for i in indicators):
        return
    # Lists built with the area rate keep their version: going back is one more version.
    _new_version(apps, programme, {**programme.profile, "indicators": [
        i for i in indicators if i.get("kind") != "area_rate"]}, "Area-level figures taken out")


class Migration(migrations.Migration):
    dependencies = [("matrix", "0004_target_list_area")]
    operations = [migrations.RunPython(add, remove)]
