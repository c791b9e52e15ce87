"""The demo county has the size the rest of SafeReach expects to show."""

from collections import Counter

from safereach.accounts.models import Role
from safereach.demo.incidents import CATEGORIES


def test_areas_per_level(county):
    levels = Counter(a["level"] for a in county.areas)
    assert 4 <= levels["district"] <= 6
    assert 35 <= levels["ward"] <= 45
    assert 320 <= levels["lsoa"] <= 380
    assert len(county.deprivation) == levels["lsoa"]


def test_schools_of_every_phase(county):
    assert 280 <= len(county.schools) <= 320
    phases = Counter(s["phase"] for s in county.schools)
    for phase in ["Nursery", "Primary", "Secondary", "All-through", "16 plus",
                  "Middle deemed primary", "Middle deemed secondary"]:
        assert phases[phase] >= 1, phase
    assert phases["Primary"] > phases["Secondary"] > phases["Nursery"]
    # GIAS gives special schools and pupil referral units no phase; their type tells them apart.
    types = Counter(s["type_name"] for s in county.schools if s["phase"] == "Not applicable")
    assert sum(n for t, n in types.items() if "special" in t) >= 5
    assert sum(n for t, n in types.items()
               if t == "Pupil referral unit" or "alternative provision" in t) >= 2


def test_incidents_over_24_months_of_every_category(county):
    assert 45_000 <= len(county.incidents) <= 55_000
    categories = Counter(r["category"] for r in county.incidents)
    assert set(categories) == {c.name for c in CATEGORIES}
    assert len({r["month"] for r in county.incidents}) == 24
    sources = Counter(r["source"] for r in county.incidents)
    assert sources["fire"] >= 2000 and sources["police"] >= 40_000


def test_places_notices_and_partners(county):
    kinds = Counter(p["kind"] for p in county.places)
    assert set(kinds) == {"Care home", "Children's home", "Semi-independent accommodation",
                          "Hotel", "B&B", "Bus station", "Rail station"}
    assert set(n["kind"] for n in county.notices) == {
        "Child abduction warning notice", "Closure notice", "Fire safety enforcement notice"}
    assert {a["kind"] for a in county.agencies} == {"fire_rescue", "police", "council", "charity"}
    assert {s["service"] for s in county.stations} >= {"fire", "police"}
    assert 20 <= len(county.officers) <= 30
    assert sorted(r for u in county.users for r in u["roles"]) == sorted(Role.values)


def test_one_dataset_per_kind_counts_its_rows(county):
    assert set(county.datasets) == {"boundaries", "deprivation", "schools", "crime",
                                    "fire-incidents", "places", "notices", "stations",
                                    "area-rates"}
    assert county.datasets["boundaries"]["row_count"] == len(county.areas)
    assert (county.datasets["crime"]["row_count"] + county.datasets["fire-incidents"]["row_count"]
            == len(county.incidents))
    for dataset in county.datasets.values():
        assert dataset["name"].startswith("Fictional demo county: ")
        assert dataset["classification"] == "OFFICIAL"
