"""The programmes SafeReach starts with: six with the profile each starts with, and those
partners teach that no profile targets yet; each with the year groups it serves.

The data migrations seed these (0002, then the forecast profiles of 0010); analysts then edit
the profiles, and every edit is kept as a new version. Categories are the police.uk crime types
and the fire incident types the importers load; an indicator whose categories have no incident
near any school of a list is left out of that list and named on its page.
"""

CRIMINAL_DAMAGE = "Criminal damage and arson"
SECONDARY_FIRE = "Deliberate secondary fire"
PRIMARY_FIRE = "Deliberate primary fire"
DWELLING_FIRE = "Accidental dwelling fire"
FALSE_ALARM = "Malicious false alarm"
ASB = "Anti-social behaviour"
PUBLIC_ORDER = "Public order"
WEAPONS = "Possession of weapons"
ROBBERY = "Robbery"
VIOLENCE = "Violence and sexual offences"
DRUGS = "Drugs"

VULNERABLE_PLACES = ["Children's home", "Semi-independent accommodation", "Hotel", "B&B",
                     "Bus station", "Rail station"]


# Dwelling fires per head where a source publishes them only per area (the Home Office low
# level statistics, or the British Red Cross's MSOA figures from them): a school whose area
# has no figure loaded leaves it out, and its weight is shared over the rest.
DWELLING_FIRE_RATE = {"name": "dwelling_fire_rate", "kind": "area_rate", "weight": 2,
                      "measure": "dwelling fires", "label": "dwelling fires"}


def _deprivation(weight, measure="imd"):
    return {"name": f"{measure}_catchment", "kind": "deprivation", "measure": measure,
            "scope": "catchment", "weight": weight}


def _forecast(label, categories, weight=1):
    return {"name": "forecast", "kind": "forecast", "weight": weight, "label": label,
            "categories": categories}


FSM = {"name": "fsm", "kind": "fsm", "weight": 1}
NEED_TIER = {"name": "need", "kind": "need", "weight": 1}

# Crime-led programmes rank by the forecast alone (need_weight 0): need is shown beside it.
PROGRAMMES = [
    {
        "slug": "home-fire-safety",
        "name": "Home fire safety",
        "description": "Fire safety at home: smoke alarms, escape plans, cooking and candles.",
        "year_groups": list(range(0, 14)),  # Reception to Year 13
        "profile": {
            "phases": ["primary", "secondary", "special and other"],
            "window_months": 12,
            "horizon_months": 3,
            "need_weight": 0.5,
            "indicators": [
                _forecast("accidental dwelling fires", [DWELLING_FIRE], 3),
                DWELLING_FIRE_RATE,
                _deprivation(2),
                _deprivation(1, "idaci"),
                FSM,
                NEED_TIER,
            ],
        },
    },
    {
        "slug": "arson",
        "name": "Arson and deliberate fire-setting",
        "description": "Why deliberate fires in bins, sheds and cars put lives at risk.",
        "year_groups": list(range(5, 12)),  # Years 5 to 11
        "profile": {
            "phases": ["primary", "secondary"],
            "window_months": 12,
            "horizon_months": 3,
            "need_weight": 0,
            "indicators": [
                _forecast("criminal damage and arson crimes and deliberate fires",
                          [CRIMINAL_DAMAGE, SECONDARY_FIRE, PRIMARY_FIRE]),
                _deprivation(1),
                FSM,
            ],
        },
    },
    {
        "slug": "hoax-calls",
        "name": "Hoax calls",
        "description": "What a hoax call to 999 costs, and who waits while it is answered.",
        "year_groups": list(range(5, 10)),  # Years 5 to 9
        "profile": {
            "phases": ["primary", "secondary"],
            "window_months": 12,
            "horizon_months": 3,
            "need_weight": 0,
            "indicators": [
                _forecast("malicious false alarms, anti-social behaviour incidents and public "
                          "order crimes", [FALSE_ALARM, ASB, PUBLIC_ORDER]),
                _deprivation(1),
                FSM,
            ],
        },
    },
    {
        "slug": "knife-crime",
        "name": "Knife crime and gangs",
        "description": "Carrying a knife, county lines and the choices young people face.",
        "year_groups": list(range(7, 14)),  # Years 7 to 13
        "profile": {
            "phases": ["secondary", "special and other"],
            "window_months": 12,
            "horizon_months": 3,
            "need_weight": 0,
            "indicators": [
                _forecast("weapons, robbery and violence crimes", [WEAPONS, ROBBERY, VIOLENCE]),
                _deprivation(1, "idaci"),
                _deprivation(1),
                FSM,
                NEED_TIER,
            ],
        },
    },
    {
        "slug": "asb",
        "name": "Anti-social behaviour and community safety",
        "description": "Respect for neighbours, the consequences of anti-social behaviour.",
        "year_groups": list(range(5, 12)),  # Years 5 to 11
        "profile": {
            "phases": ["primary", "secondary"],
            "window_months": 12,
            "horizon_months": 3,
            "need_weight": 0,
            "indicators": [
                _forecast("anti-social behaviour incidents, public order crimes and secondary fires",
                          [ASB, PUBLIC_ORDER, SECONDARY_FIRE]),
                _deprivation(1),
                FSM,
            ],
        },
    },
    {
        "slug": "exploitation",
        "name": "Exploitation and online safety",
        "description": "Grooming, criminal and sexual exploitation, staying safe online.",
        "year_groups": list(range(5, 14)),  # Years 5 to 13
        "profile": {
            "phases": ["primary", "secondary", "special and other"],
            "window_months": 12,
            "horizon_months": 3,
            "need_weight": 0.6,
            "indicators": [
                _deprivation(2, "idaci"),
                _deprivation(1),
                FSM,
                {**NEED_TIER, "weight": 2},
                {"name": "vulnerable_places", "kind": "places", "weight": 2,
                 "label": "places where vulnerable young people may be",
                 "kinds": VULNERABLE_PLACES},
                _forecast("drugs and weapons crimes", [DRUGS, WEAPONS]),
            ],
        },
    },
]


# Programmes partners teach that no profile targets yet: their sessions are in the catalogue,
# and no school is ranked for them until an analyst writes a profile.
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
