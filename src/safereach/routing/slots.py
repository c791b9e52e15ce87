"""Travel-aware slot search: when can an officer deliver a session at a school?

Pure computation: plain dataclasses in, slots out; no database, no HTTP. Times are minutes since
midnight on the day; places are indices the caller gives, with travel minutes between them.

A start time is offered only when the one rule (`routing.diary.fit`) says the visit fits the
officer's day, with the day's most visits lowered by a share held for target schools while the
hold lasts. Each gap between what is in an officer's day holds at most one useful offer: the
earliest start in it on the `step` grid that is clear of the school's lunch (every start in one
gap adds the same travel, and a later one only leaves less time to get away). Offers are ordered
by the travel they add to the officer's day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from safereach.routing.diary import Diary, Fit, OfficerDay, SchoolDay, Travel, earliest_start, fit, round_up


@dataclass(frozen=True)
class SlotRequest:
    school: int  # place index
    days: Sequence[date]
    school_day: SchoolDay  # the part of the school day the session may take, and its lunch
    length: int  # minutes
    arrive_before: int = 10  # to sign in at reception and set up
    step: int = 5  # offered start times fall on this grid
    closed_days: frozenset[date] = frozenset()
    # Capacity held for target schools: a non-target school may only use the unheld part of
    # an officer's day until `hold_until` (the day the hold lapses).
    is_target: bool = True
    held_share: float = 0.0
    hold_until: date | None = None


@dataclass(frozen=True)
class Slot:
    officer_id: int
    day: date
    start: int
    end: int
    added_travel: float  # minutes the visit adds to the officer's day
    travel_in: float  # minutes from the previous place
    travel_out: float  # minutes to the next place
    came_from: int  # place index: previous visit or base
    goes_to: int

    @property
    def sort_key(self):
        return (round(self.added_travel, 6), self.day, self.start, self.officer_id)


def capacity(day: OfficerDay, request: SlotRequest) -> int:
    """The most visits `day` may hold for this request: fewer for a school that is not a target
    while the hold for targets lasts."""
    if (
        request.is_target
        or request.held_share <= 0
        or (request.hold_until is not None and day.day >= request.hold_until)
    ):
        return day.max_visits
    return day.max_visits - math.ceil(day.max_visits * request.held_share)


def fits(day: OfficerDay, start: int, request: SlotRequest, travel: Travel) -> Fit:
    """The one rule, asked for this request."""
    return fit(
        day,
        start,
        start + request.length,
        request.school,
        travel,
        arrive_before=request.arrive_before,
        school=request.school_day,
        school_closed=day.day in request.closed_days,
        capacity=capacity(day, request),
    )


def day_slots(day: OfficerDay, request: SlotRequest, travel: Travel) -> list[Slot]:
    """One slot per gap in the officer's day that can take the session, earliest start in each."""
    if day.off is not None or day.day in request.closed_days or len(day.visits) >= capacity(day, request):
        return []
    school = request.school
    before = [(day.starts, day.base, False), *((s.end, s.place, s.is_visit) for s in day.stops)]
    after = [*((s.start, s.place, s.is_visit) for s in day.stops), (day.ends, day.base, False)]
    slots = []
    for gap_start, gap_end in zip(before, after):
        start = earliest_start(
            day, gap_start, school, travel, arrive_before=request.arrive_before,
            school=request.school_day, length=request.length, step=request.step,
        )
        if start is None or start + request.length > gap_end[0]:
            continue
        if fits(day, start, request, travel) is not Fit.FITS:
            continue
        came_from, goes_to = gap_start[1], gap_end[1]
        travel_in, travel_out = travel(came_from, school), travel(school, goes_to)
        slots.append(
            Slot(
                officer_id=day.officer_id,
                day=day.day,
                start=start,
                end=start + request.length,
                added_travel=travel_in + travel_out - travel(came_from, goes_to),
                travel_in=travel_in,
                travel_out=travel_out,
                came_from=came_from,
                goes_to=goes_to,
            )
        )
    return slots


def find_slots(request: SlotRequest, diaries: Iterable[Diary], travel: Travel) -> list[Slot]:
    """Every feasible slot (one per gap), least added travel first."""
    slots = [
        slot
        for diary in diaries
        for day in request.days
        for slot in day_slots(diary.day(day), request, travel)
    ]
    slots.sort(key=lambda s: s.sort_key)
    return slots


def choose_offers(slots: Sequence[Slot], count: int = 5, prefer_days: Iterable[date] = ()) -> list[Slot]:
    """A few good choices on different days: the least added travel on each day, best days first.

    Days in `prefer_days` (another partner already visits the school then, so one trip out of
    lessons serves both) come before the rest.
    """
    best_by_day: dict[date, Slot] = {}
    for slot in slots:  # already in order of added travel, so the first on a day is its best
        best_by_day.setdefault(slot.day, slot)
    preferred = set(prefer_days)
    return sorted(best_by_day.values(), key=lambda s: (s.day not in preferred, *s.sort_key))[:count]


def naive_slots(request: SlotRequest, diaries: Iterable[Diary], travel: Travel) -> list[Slot]:
    """The same search done the obvious way, as a check and a benchmark baseline: every start
    time on the grid of each officer's working day is put to the one rule, keeping the earliest
    that fits between each pair of stops."""
    found: dict[tuple, Slot] = {}
    for diary in diaries:
        for d in request.days:
            day = diary.day(d)
            for start in range(round_up(day.starts, request.step), day.ends, request.step):
                if fits(day, start, request, travel) is not Fit.FITS:
                    continue
                (_, came_from, _), (_, goes_to, _) = day.around(start, start + request.length)
                key = (diary.officer_id, d, came_from, goes_to, _gap(day, start))
                if key in found:
                    continue
                travel_in, travel_out = travel(came_from, request.school), travel(request.school, goes_to)
                found[key] = Slot(
                    officer_id=diary.officer_id,
                    day=d,
                    start=start,
                    end=start + request.length,
                    added_travel=travel_in + travel_out - travel(came_from, goes_to),
                    travel_in=travel_in,
                    travel_out=travel_out,
                    came_from=came_from,
                    goes_to=goes_to,
                )
    return sorted(found.values(), key=lambda s: s.sort_key)


def _gap(day: OfficerDay, start: int) -> int:
    """Which gap of the day a start falls in: how many stops end by then."""
    return sum(1 for s in day.stops if s.end <= start)
