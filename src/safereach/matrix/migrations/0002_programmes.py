"""Seed the six programmes with their first profiles (a frozen copy, so later edits to
matrix/programmes.py do not change what this migration did)."""

from django.db import migrations

PROGRAMMES = [
 {
  "slug": "home-fire-safety",
  "name": "Home fire safety",
  "description": "Fire safety at home: smoke alarms, escape plans, cooking and candles.",
  "profile": {
   "phases": [
    "primary",
    "secondary",
    "special and other"
   ],
   "window_months": 12,
   "indicators": [
    {
     "name": "dwelling_fires",
     "kind": "incidents",
     "weight": 3,
     "label": "accidental dwelling fires",
     "categories": [
      "Accidental dwelling fire"
     ]
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
  }
 },
 {
  "slug": "arson",
  "name": "Arson and deliberate fire-setting",
  "description": "Why deliberate fires in bins, sheds and cars put lives at risk.",
  "profile": {
   "phases": [
    "primary",
    "secondary"
   ],
   "window_months": 12,
   "indicators": [
    {
     "name": "arson",
     "kind": "incidents",
     "weight": 3,
     "label": "criminal damage and arson crimes and deliberate fires",
     "categories": [
      "Criminal damage and arson",
      "Deliberate secondary fire",
      "Deliberate primary fire"
     ]
    },
    {
     "name": "arson_trend",
     "kind": "trend",
     "weight": 1,
     "label": "Criminal damage, arson and deliberate fires",
     "categories": [
      "Criminal damage and arson",
      "Deliberate secondary fire",
      "Deliberate primary fire"
     ]
    },
    {
     "name": "arson_hot_spot",
     "kind": "hotspot",
     "weight": 1,
     "label": "criminal damage, arson and deliberate fires",
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
  }
 },
 {
  "slug": "hoax-calls",
  "name": "Hoax calls",
  "description": "What a hoax call to 999 costs, and who waits while it is answered.",
  "profile": {
   "phases": [
    "primary",
    "secondary"
   ],
   "window_months": 12,
   "indicators": [
    {
     "name": "false_alarms",
     "kind": "incidents",
     "weight": 3,
     "label": "malicious false alarms",
     "categories": [
      "Malicious false alarm"
     ]
    },
    {
     "name": "disorder",
     "kind": "incidents",
     "weight": 1,
     "label": "anti-social behaviour incidents and public order crimes",
     "categories": [
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
  }
 },
 {
  "slug": "knife-crime",
  "name": "Knife crime and gangs",
  "description": "Carrying a knife, county lines and the choices young people face.",
  "profile": {
   "phases": [
    "secondary",
    "special and other"
   ],
   "window_months": 12,
   "indicators": [
    {
     "name": "weapons_violence",
     "kind": "incidents",
     "weight": 3,
     "label": "weapons, robbery and violence crimes",
     "categories": [
      "Possession of weapons",
      "Robbery",
      "Violence and sexual offences"
     ]
    },
    {
     "name": "weapons_hot_spot",
     "kind": "hotspot",
     "weight": 1,
     "label": "weapons, robbery and violence crimes",
     "categories": [
      "Possession of weapons",
      "Robbery",
      "Violence and sexual offences"
     ]
    },
    {
     "name": "weapons_trend",
     "kind": "trend",
     "weight": 1,
     "label": "Weapons, robbery and violence crimes",
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
     "name": "vulnerable_places",
     "kind": "places",
     "weight": 1,
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
     "name": "need",
     "kind": "need",
     "weight": 1
    }
   ]
  }
 },
 {
  "slug": "asb",
  "name": "Anti-social behaviour and community safety",
  "description": "Respect for neighbours, the consequences of anti-social behaviour.",
  "profile": {
   "phases": [
    "primary",
    "secondary"
   ],
   "window_months": 12,
   "indicators": [
    {
     "name": "asb",
     "kind": "incidents",
     "weight": 3,
     "label": "anti-social behaviour incidents, public order crimes and secondary fires",
     "categories": [
      "Anti-social behaviour",
      "Public order",
      "Deliberate secondary fire"
     ]
    },
    {
     "name": "asb_trend",
     "kind": "trend",
     "weight": 1,
     "label": "Anti-social behaviour, public order and secondary fires",
     "categories": [
      "Anti-social behaviour",
      "Public order",
      "Deliberate secondary fire"
     ]
    },
    {
     "name": "asb_hot_spot",
     "kind": "hotspot",
     "weight": 1,
     "label": "anti-social behaviour and public order",
     "categories": [
      "Anti-social behaviour",
      "Public order",
      "Deliberate secondary fire"
     ]
    },
    {
     "name": "crime_catchment",
     "kind": "deprivation",
     "measure": "crime",
     "scope": "catchment",
     "weight": 1
    },
    {
     "name": "fsm",
     "kind": "fsm",
     "weight": 1
    }
   ]
  }
 },
 {
  "slug": "exploitation",
  "name": "Exploitation and online safety",
  "description": "Grooming, criminal and sexual exploitation, staying safe online.",
  "profile": {
   "phases": [
    "primary",
    "secondary",
    "special and other"
   ],
   "window_months": 12,
   "indicators": [
    {
     "name": "idaci_catchment",
     "kind": "deprivation",
     "measure": "idaci",
     "scope": "catchment",
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
     "name": "drugs_weapons",
     "kind": "incidents",
     "weight": 1,
     "label": "drugs and weapons crimes",
     "categories": [
      "Drugs",
      "Possession of weapons"
     ]
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
    }
   ]
  }
 }
]


def seed(apps, schema_editor):
    Programme = apps.get_model("matrix", "Programme")
    ProgrammeVersion = apps.get_model("matrix", "ProgrammeVersion")
    for item in PROGRAMMES:
        programme, created = Programme.objects.get_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "description": item["description"],
                      "profile": item["profile"], "version": 1})
        if created:
            ProgrammeVersion.objects.create(programme=programme, version=1,
                                            profile=item["profile"], note="First profile")


def unseed(apps, schema_editor):
    apps.get_model("matrix", "Programme").objects.filter(
        slug__in=[p["slug"] for p in PROGRAMMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("matrix", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
