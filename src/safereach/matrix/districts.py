"""The district summary of a programme's list: what happened in each district beside how many of
its schools the list puts in the top tenth, so a manager can hold the list against what they know.

Raw counts of the programme's incidents in the district over the list's window, the same per
school on the list, per 1,000 residents and per 1,000 children aged 0-15 (IoD 2019 population
denominators, where loaded)."""

from datetime import date

from django.db.models import Count
from django.db.models.functions import Coalesce

from safereach.areas.models import Area
from safereach.evidence.models import Deprivation, Incident


def _first_of(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def district_summary(categories, *, until: int | None, window: int, school_districts: list[str],
                     deciles: list[int]) -> list[dict]:
    """One row per district with schools on the list, by name: schools, top-decile schools,
    incidents in the window, per school, residents and per 1,000 residents. `school_districts`
    and `deciles` are per school on the list ('' when the district is not known)."""
    incidents: dict[str, int] = {}
    if categories and until is not None:
        for code, n in (Incident.objects
                        .filter(category__in=list(categories), month__gte=_first_of(until - window + 1),
                                month__lte=_first_of(until))
                        .annotate(district=Coalesce("lsoa__district__code", "lsoa21__district__code"))
                        .values_list("district").annotate(n=Count("id"))):
            incidents[code or ""] = n
    if not any(incidents.values()):
        incidents = {}  # none of these incidents is loaded at all: not known, rather than none
    population = {code: (people, children) for code, people, children in Deprivation.objects
                  .filter(population__isnull=False)
                  .values_list("lsoa_code", "population", "children_population")}
    residents: dict[str, int] = {}
    children: dict[str, int] = {}
    for code, district in (Area.objects.filter(level=Area.Level.LSOA, district__isnull=False)
                           .values_list("code", "district__code")):
        if code in population:
            people, young = population[code]
            residents[district] = residents.get(district, 0) + people
            if young is not None:
                children[district] = children.get(district, 0) + young
    names = dict(Area.objects.filter(level=Area.Level.DISTRICT).values_list("code", "name"))
    schools: dict[str, int] = {}
    top: dict[str, int] = {}
    for district, decile in zip(school_districts, deciles, strict=True):
        schools[district] = schools.get(district, 0) + 1
        top[district] = top.get(district, 0) + (decile == 1)
    rows = []
    for district, count in schools.items():
        if not district:
            continue  # schools outside every district loaded are not summarised by district
        n = incidents.get(district, 0) if incidents else None
        people = residents.get(district)
        young = children.get(district)
        rows.append({
            "code": district, "name": names.get(district, "District not known"),
            "schools": count, "top_decile": top[district],
            "incidents": n,
            "per_school": round(n / count, 1) if n is not None else None,
            "residents": people,
            "per_1000_residents": round(1000 * n / people, 1) if n is not None and people else None,
            "children": young,
            "per_1000_children": round(1000 * n / young, 1) if n is not None and young else None,
        })
    rows.sort(key=lambda r: (r["code"] == "", r["name"]))
    if incidents.get(""):
        # Incidents no loaded boundary placed in a district: said, not spread over the others.
        rows.append({"code": "", "name": "Not placed in any district loaded", "schools": 0,
                     "top_decile": 0, "incidents": incidents[""], "per_school": None,
                     "residents": None, "per_1000_residents": None, "children": None,
                     "per_1000_children": None})
    return rows
