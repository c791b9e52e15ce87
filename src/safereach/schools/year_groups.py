"""Which year groups a school teaches, and whether it teaches any of a list: the one rule that
decides which sessions suit a school, which schools a programme's target list ranks, and which
requests the term planner plans.

Pure: it reads a school's GIAS phase, statutory low and high ages and name, and knows nothing
of the database. Year groups are numbered as schools name them, 0 being Reception.

Statutory ages come first: a pupil in Year N is N + 4 at the start of the school year and
N + 5 at its end, so a school for ages 4 to 7 teaches Reception to Year 2 and one for 11 to 16
teaches Years 7 to 11. GIAS leaves the ages blank for many schools (most of Essex's primary
schools in the shared extract), so then the phase decides, and for a primary school its name:
an infant school teaches Reception to Year 2 and a junior school Years 3 to 6, as GIAS's ages
for them say wherever it gives them. A phase that says nothing of age (special schools and
pupil referral units are "Not applicable"; a blank phase) rules nothing out. Nursery schools
teach no year group: their children are not yet in Reception, and nobody visits them.
"""

import re
from collections.abc import Iterable

RECEPTION = 0
LAST_YEAR = 13
# Year groups as schools name them; 0 is Reception.
YEAR_GROUPS = [(RECEPTION, "Reception")] + [(y, f"Year {y}") for y in range(1, LAST_YEAR + 1)]
YEAR_LABEL = dict(YEAR_GROUPS)
EVERY_YEAR = frozenset(YEAR_LABEL)


def _years(first: int, last: int) -> frozenset[int]:
    return frozenset(range(max(first, RECEPTION), min(last, LAST_YEAR) + 1))


# GIAS "PhaseOfEducation (name)" values, for schools whose ages GIAS does not give.
BY_PHASE = {
    "nursery": frozenset(),
    "primary": _years(0, 6),
    "middle deemed primary": _years(4, 8),  # middle schools take ages 8 to 12, 9 to 13 or 10 to 13
    "middle deemed secondary": _years(4, 8),
    "secondary": _years(7, 13),
    "16 plus": _years(12, 13),
}
INFANT = re.compile(r"\binfants?\b", re.IGNORECASE)
JUNIOR = re.compile(r"\bjuniors?\b", re.IGNORECASE)


def years_taught(phase: str = "", low_age: int | None = None, high_age: int | None = None,
                 name: str = "") -> frozenset[int]:
    """The year groups a school teaches, from what GIAS says of it."""
    phase = " ".join((phase or "").lower().split())
    if phase == "nursery":
        return frozenset()
    if low_age is not None and high_age is not None and low_age < high_age:
        return _years(low_age - 4, high_age - 5)
    if phase == "primary":
        infant, junior = bool(INFANT.search(name or "")), bool(JUNIOR.search(name or ""))
        if infant and not junior:
            return _years(0, 2)
        if junior and not infant:
            return _years(3, 6)
    return BY_PHASE.get(phase, EVERY_YEAR)


def teaches_any(taught: Iterable[int], year_groups: Iterable[int]) -> bool:
    """Whether a school teaching `taught` has pupils in any of `year_groups`: a session or a
    programme for those year groups suits it exactly then."""
    return not set(taught).isdisjoint(year_groups)


def describe(year_groups: Iterable[int]) -> str:
    """Year groups in words: "Reception to Year 2", "Years 8 to 10", "Year 5 and Year 9"."""
    years = sorted({y for y in year_groups if y in YEAR_LABEL})
    if not years:
        return "no year groups"
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts: list[str] = []
    for run in runs:
        if len(run) < 3:
            parts += [YEAR_LABEL[y] for y in run]
        elif run[0] == RECEPTION:
            parts.append(f"Reception to Year {run[-1]}")
        else:
            parts.append(f"Years {run[0]} to {run[-1]}")
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
