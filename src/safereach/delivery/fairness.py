"""The fairness view for the ethics committee: for each programme, how its target list and the
visits delivered are spread over deprivation deciles, districts and school types, beside all
schools; and which groups of schools no delivered visit has reached.

`spread` is pure (rows in, table out); `programme_fairness` reads the database for it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from safereach.bookings.models import Visit
from safereach.evidence.models import Deprivation
from safereach.matrix.models import Programme
from safereach.matrix.targets import top_decile_school_ids
from safereach.schools.models import School

DIMENSIONS = (("decile", "Deprivation decile of the school's area (1 is most deprived)"),
              ("district", "District"), ("type", "Type of school"))
UNKNOWN = "Not known"


@dataclass(frozen=True)
class Group:
    name: str
    schools: int
    targets: int
    reached: int
    schools_share: float
    targets_share: float
    reached_share: float

    @property
    def never_reached(self) -> bool:
        return self.schools > 0 and self.reached == 0


def spread(groups_of: dict[int, str], targets: set[int], reached: set[int]) -> list[Group]:
    """One row per group: all schools, target schools and schools reached, with their shares."""
    every = Counter(groups_of.values())
    on_list = Counter(groups_of[s] for s in targets if s in groups_of)
    visited = Counter(groups_of[s] for s in reached if s in groups_of)
    totals = (sum(every.values()) or 1, sum(on_list.values()) or 1, sum(visited.values()) or 1)

    def order(name):
        return (name == UNKNOWN, int(name) if name.isdigit() else 0, name)

    return [Group(name, every[name], on_list[name], visited[name], every[name] / totals[0],
                  on_list[name] / totals[1], visited[name] / totals[2])
            for name in sorted(every, key=order)]


def school_groups() -> dict[str, dict[int, str]]:
    """For each dimension, each open school's group."""
    rows = list(School.objects.exclude(status="Closed").values_list(
        "id", "lsoa__code", "lsoa__district__name", "la_name", "type_group", "type_name"))
    deciles = dict(Deprivation.objects.filter(lsoa_code__in={r[1] for r in rows if r[1]})
                   .values_list("lsoa_code", "imd_decile"))
    return {
        "decile": {r[0]: str(deciles.get(r[1]) or UNKNOWN) for r in rows},
        "district": {r[0]: r[2] or r[3] or UNKNOWN for r in rows},
        "type": {r[0]: r[4] or r[5] or UNKNOWN for r in rows},
    }


def programme_fairness(programme: Programme, groups: dict[str, dict[int, str]]) -> dict:
    targets = top_decile_school_ids(programme.slug)
    reached = set(Visit.objects.filter(session__programme=programme, outcome__isnull=False)
                  .values_list("school_id", flat=True))
    tables = [(key, title, spread(groups[key], targets, reached)) for key, title in DIMENSIONS]
    return {"programme": programme, "targets": len(targets), "reached": len(reached),
            "tables": tables,
            "never": [(title, g.name) for _, title, rows in tables for g in rows if g.never_reached]}
