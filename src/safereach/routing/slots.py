"""Travel-aware slot search: when can an officer deliver a session at a school?

Pure computation: plain dataclasses in, slots out; no database, no HTTP. Times are minutes since
midnight on the day; places are indices the caller gives, with travel minutes between them.

A start time is offered only if an officer who can deliver the session
- works that weekday, is not on leave, and the day is not a closed day (bank or school holiday);
- has fewer visits that day than their most (less a share held for target schools);
- can leave the previous visit (or base, at the start of the working day), travel, and arrive
  `arrive_before` minutes before the start;
- can finish, travel and arrive at the next visit `arrive_before` minutes early (or get back to
  base by the end of the working day);
- and the session lies within the part of the school day the school gave.

Each gap between an officer's visits holds at most one useful offer: the earliest start in it
(on the `step` grid), since every start in one gap adds the same travel. Offers are ordered by
the travel they add to the officer's day.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Visit:
    start: int  # minutes since midnight
    end: int
    place: int


@dataclass
class OfficerDiary:
    officer_id: int
    base: int  # place index of the officer's station
    day_starts: int
    day_ends: int
    working_weekdays: frozenset[int]  # ISO weekdays, 1 = Monday
    max_visits_per_day: int
    away: frozenset[date] = frozenset()  # leave
    visits: dict[date, list[Visit]] = field(default_factory=dict)  # sorted by start

    def visits_on(self, day: date) -> list[Visit]:
        return self.visits.get(day, [])


@dataclass(frozen=True)
class SlotRequest:
    school: int  # place index
    days: Sequence[date]
    earliest: int  # the part of the school day the session may take
    latest: int
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


# travel(a, b) → minutes from place a to place b
Travel = Callable[[int, int], float]


def capacity(diary: OfficerDiary, day: date, request: SlotRequest) -> int:
    if (
        request.is_target
        or request.held_share <= 0
        or (request.hold_until is not None and day >= request.hold_until)
    ):
        return diary.max_visits_per_day
    return diary.max_visits_per_day - math.ceil(diary.max_visits_per_day * request.held_share)


def can_work(diary: OfficerDiary, day: date, request: SlotRequest) -> bool:
    return (
        day.isoweekday() in diary.working_weekdays
        and day not in diary.away
        and day not in request.closed_days
    )


def _round_up(minute: float, step: int) -> int:
    return int(math.ceil(minute / step - 1e-9) * step)


def day_slots(diary: OfficerDiary, day: date, request: SlotRequest, travel: Travel) -> list[Slot]:
    """One slot per gap in the officer's day that can take the session, earliest start in each."""
    if not can_work(diary, day, request):
        return []
    visits = diary.visits_on(day)
    if len(visits) >= capacity(diary, day, request):
        return []
    school = request.school
    # The day as stops: leave base at the start of the day, be back by its end.
    stops = [
        (diary.day_starts, diary.day_starts, diary.base, False),
        *((v.start, v.end, v.place, True) for v in visits),
        (diary.day_ends, diary.day_ends, diary.base, False),
    ]
    slots = []
    for (_, prev_end, prev_place, _), (next_start, _, next_place, next_is_visit) in zip(stops, stops[1:]):
        travel_in = travel(prev_place, school)
        travel_out = travel(school, next_place)
        # An officer arrives early at a visit, but just gets back to base by the end of the day.
        latest_end = next_start - travel_out - (request.arrive_before if next_is_visit else 0)
        earliest_start = max(prev_end + travel_in + request.arrive_before, request.earliest)
        start = _round_up(earliest_start, request.step)
        end = start + request.length
        if end > min(latest_end, request.latest):
            continue
        slots.append(
            Slot(
                officer_id=diary.officer_id,
                day=day,
                start=start,
                end=end,
                added_travel=travel_in + travel_out - travel(prev_place, next_place),
                travel_in=travel_in,
                travel_out=travel_out,
                came_from=prev_place,
                goes_to=next_place,
            )
        )
    return slots


def find_slots(request: SlotRequest, diaries: Iterable[OfficerDiary], travel: Travel) -> list[Slot]:
    """Every feasible slot (one per gap), least added travel first."""
    slots = [
        slot for diary in diaries for day in request.days for slot in day_slots(diary, day, request, travel)
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


def naive_slots(
    request: SlotRequest, diaries: Iterable[OfficerDiary], all_visits, travel: Travel
) -> list[Slot]:
    """The same search done the obvious way, as a check and a benchmark baseline.

    Every start time on the grid of each officer's working day is checked against every visit
    in `all_visits` (officer_id, day, Visit), keeping the earliest start of each gap.
    """
    diaries = list(diaries)
    found: dict[tuple, Slot] = {}
    for diary in diaries:
        for day in request.days:
            if not can_work(diary, day, request):
                continue
            for start in range(
                _round_up(max(request.earliest, diary.day_starts), request.step),
                request.latest - request.length + 1,
                request.step,
            ):
                end = start + request.length
                prev = (diary.day_starts, diary.base, False)
                nxt = (diary.day_ends, diary.base, False)
                count, clash = 0, False
                for officer_id, visit_day, v in all_visits:
                    if officer_id != diary.officer_id or visit_day != day:
                        continue
                    count += 1
                    if v.start < end and start < v.end:
                        clash = True
                    elif v.end <= start and v.end >= prev[0]:
                        prev = (v.end, v.place, True)
                    elif v.start >= end and v.start < nxt[0]:
                        nxt = (v.start, v.place, True)
                if clash or count >= capacity(diary, day, request):
                    continue
                travel_in, travel_out = travel(prev[1], request.school), travel(request.school, nxt[1])
                if start < prev[0] + travel_in + request.arrive_before:
                    continue
                if end + travel_out + (request.arrive_before if nxt[2] else 0) > nxt[0]:
                    continue
                key = (diary.officer_id, day, prev[0], nxt[0])
                if key not in found:
                    found[key] = Slot(
                        officer_id=diary.officer_id,
                        day=day,
                        start=start,
                        end=end,
                        added_travel=travel_in + travel_out - travel(prev[1], nxt[1]),
                        travel_in=travel_in,
                        travel_out=travel_out,
                        came_from=prev[1],
                        goes_to=nxt[1],
                    )
    return sorted(found.values(), key=lambda s: s.sort_key)
