"""Risk as a forecast, need shown apart: each programme's profile gains a forecast of its
incidents and says how need and risk combine (crime-led programmes rank by the forecast alone).
Added as a new version of each profile that has no forecast yet, so the lists made by earlier
versions still name the profile that made them. A frozen copy: later edits to
matrix/programmes.py do not change what this migration did."""

from django.db import migrations

PROFILES = {
 "home-fire-safety": {
  "phases": [
   "primary",
   "secondary",
   "special and other"
  ],
  "window_months": 12,
  "horizon_months": 3,
  "need_weight": 0.5,
  "indicators": [
   {
    "name": "forecast",
    "kind": "forecast",
    "weight": 3,
    "label": "accidental dwelling fires",
    "categories": [
     "Accidental dwelling fire"
    ]
   },
   {
    "name": "dwelling_fire_rate",
    "kind": "area_rate",
    "weight": 2,
    "measure": "dwelling fires",
    "label": "dwelling fires"
   },
   {
    "name": "imd_catchment",
    "kind": "deprivation",
    "measure": "imd",
    "scope": "catchment",
    "weight": 2
   },
   {
    "name": "idaci_catchment",
    "kind": "deprivation",
    "measure": "idaci",
    "scope": "catchment",
    "weight": 1
   },
   {
    "name": "fsm",
    "kind": "fsm",
    "weight": 1
   },
   {
    "name": "need",
    "kind": "need",
    "weight": 1
   }
  ]
 },
 "arson": {
  "phases": [
   "primary",
   "secondary"
  ],
  "window_months": 12,
  "horizon_months": 3,
  "need_weight": 0,
  "indicators": [
   {
    "name": "forecast",
    "kind": "forecast",
    "weight": 1,
    "label": "criminal damage and arson crimes and deliberate fires",
    "categories": [
     "Criminal damage and arson",
     "Deliberate secondary fire",
     "Deliberate primary fire"
    ]
   },
   {
    "name": "imd_catchment",
    "kind": "deprivation",
    "measure": "imd",
    "scope": "catchment",
    "weight": 1
   },
   {
    "name": "fsm",
    "kind": "fsm",
    "weight": 1
   }
  ]
 },
 "hoax-calls": {
  "phases": [
   "primary",
   "secondary"
  ],
  "window_months": 12,
  "horizon_months": 3,
  "need_weight": 0,
  "indicators": [
   {
    "name": "forecast",
    "kind": "forecast",
    "weight": 1,
    "label": "malicious false alarms, anti-social behaviour incidents and public order crimes",
    "categories": [
     "Malicious false alarm",
     "Anti-social behaviour",
     "Public order"
    ]
   },
   {
    "name": "imd_catchment",
    "kind": "deprivation",
    "measure": "imd",
    "scope": "catchment",
    "weight": 1
   },
   {
    "name": "fsm",
    "kind": "fsm",
    "weight": 1
   }
  ]
 },
 "knife-crime": {
  "phases": [
   "secondary",
   "special and other"
  ],
  "window_months": 12,
  "horizon_months": 3,
  "need_weight": 0,
  "indicators": [
   {
    "name": "forecast",
    "kind": "forecast",
    "weight": 1,
    "label": "weapons, robbery and violence crimes",
    "categories": [
     "Possession of weapons",
     "Robbery",
     "Violence and sexual offences"
    ]
   },
   {
    "name": "idaci_catchment",
    "kind": "deprivation",
    "measure": "idaci",
    "scope": "catchment",
    "weight": 1
   },
   {
    "name": "imd_catchment",
    "kind": "deprivation",
    "measure": "imd",
    "scope": "catchment",
    "weight": 1
   },
   {
    "name": "fsm",
    "kind": "fsm",
    "weight": 1
   },
   {
    "name": "need",
    "kind": "need",
    "weight": 1
   }
  ]
 },
 "asb": {
  "phases": [
   "primary",
   "secondary"
  ],
  "window_months": 12,
  "horizon_months": 3,
  "need_weight": 0,
  "indicators": [
   {
    "name": "forecast",
    "kind": "forecast",
    "weight": 1,
    "label": "anti-social behaviour incidents, public order crimes and secondary fires",
    "categories": [
     "Anti-social behaviour",
     "Public order",
     "Deliberate secondary fire"
    ]
   },
   {
    "name": "imd_catchment",
    "kind": "deprivation",
    "measure": "imd",
    "scope": "catchment",
    "weight": 1
   },
   {
    "name": "fsm",
    "kind": "fsm",
    "weight": 1
   }
  ]
 },
 "exploitation": {
  "phases": [
   "primary",
   "secondary",
   "special and other"
  ],
  "window_months": 12,
  "horizon_months": 3,
  "need_weight": 0.6,
  "indicators": [
   {
    "name": "idaci_catchment",
    "kind": "deprivation",
    "measure": "idaci",
    "scope": "catchment",
    "weight": 2
   },
   {
    "name": "imd_catchment",
    "kind": "deprivation",
    "measure": "imd",
    "scope": "catchment",
    "weight": 1
   },
   {
    "name": "fsm",
    "kind": "fsm",
    "weight": 1
   },
   {
    "name": "need",
    "kind": "need",
    "weight": 2
   },
   {
    "name": "vulnerable_places",
    "kind": "places",
    "weight": 2,
    "label": "places where vulnerable young people may be",
    "kinds": [
     "Children's home",
     "Semi-independent accommodation",
     "Hotel",
     "B&B",
     "Bus station",
     "Rail station"
    ]
   },
   {
    "name": "forecast",
    "kind": "forecast",
    "weight": 1,
    "label": "drugs and weapons crimes",
    "categories": [
     "Drugs",
     "Possession of weapons"
    ]
   }
  ]
 }
}
NOTE = "Risk as a forecast of the programme's incidents; need shown apart"


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
    for programme in Programme.objects.filter(slug__in=PROFILES):
        if any(i.get("kind") == "forecast" for i in programme.profile.get("indicators") or []):
            continue  # an analyst got there first
        _new_version(apps, programme, PROFILES[programme.slug], NOTE)


def remove(apps, schema_editor):
    """Going back is one more version: the one before the forecast."""
    Programme = apps.get_model("matrix", "Programme")
    ProgrammeVersion = apps.get_model("matrix", "ProgrammeVersion")
    for programme in Programme.objects.filter(slug__in=PROFILES):
        before = (ProgrammeVersion.objects.filter(programme=programme).exclude(note=NOTE)
                  .order_by("-version").first())
        if programme.profile == PROFILES[programme.slug] and before is not None:
            _new_version(apps, programme, before.profile, "Forecast taken out")


class Migration(migrations.Migration):
    dependencies = [("matrix", "0009_score_need_risk_backtest_origins")]
    operations = [migrations.RunPython(add, remove)]
