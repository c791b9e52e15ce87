"""An officer's diary, day by day, and the one rule for whether a visit fits in a day.

Pure: plain dataclasses in, a `Fit` out; no database, no HTTP. Times are minutes since midnight;
places are indices into the caller's travel-time table, and `travel(a, b)` gives the minutes
from place a to place b. The bookings app reads the database into these types (one reader,
bookings/diary.py); slot offers, the term planner, applying a plan and every re-check ask
`fit`, so none of them can disagree with another about what fits.

A visit fits a day when the officer works that day and the school is open; the day has room
for another visit; the visit lies in the part of the school day the school gave and not over
its lunch; the group of pupils has no other session then (one group is in one place at a time)
and the school is not already hosting as many sessions as it can at once; it overlaps nothing
already in the diary; the officer can get there from the visit
before (or from base, leaving at the start of the working day) `arrive_before` minutes early;
and can get from it to the next visit `arrive_before` minutes early, or back to base by the end
of the working day. Busy times from the officer's own calendar are spent at base.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

# travel(a, b) → minutes from place a to place b
Travel = Callable[[int, int], float]
EPSILON = 1e-9
LUNCH_MINUTES = 45


class Fit(enum.StrEnum):
    """The answer of `fit`: FITS, or the first reason it does not."""

    FITS = "fits"
    NOT_WORKING = "not_working"
    ON_LEAVE = "on_leave"
    SCHOOL_CLOSED = "school_closed"
    DAY_FULL = "day_full"
    OUTSIDE_SCHOOL_DAY = "outside_school_day"
    OVER_LUNCH = "over_lunch"
    GROUP_BUSY = "group_busy"
    SCHOOL_FULL = "school_full"
    CLASHES = "clashes"
    CANNOT_ARRIVE = "cannot_arrive"
    CANNOT_GET_AWAY = "cannot_get_away"

    @property
    def sentence(self) -> str:
        return SENTENCES[self]


SENTENCES = {
    Fit.FITS: "it fits",
    Fit.NOT_WORKING: "the officer does not work that day",
    Fit.ON_LEAVE: "the officer is on leave that day",
    Fit.SCHOOL_CLOSED: "the school is closed that day",
    Fit.DAY_FULL: "the officer already has as many visits as they take in a day",
    Fit.OUTSIDE_SCHOOL_DAY: "it is outside the part of the school day the school gave",
    Fit.OVER_LUNCH: "it runs into the school's lunch",
    Fit.GROUP_BUSY: "the same group of pupils has another session then",
    Fit.SCHOOL_FULL: "the school is already hosting as many sessions at once as it can then",
    Fit.CLASHES: "the officer has something else in their diary then",
    Fit.CANNOT_ARRIVE: "the officer cannot get there in time from their visit before (or from base)",
    Fit.CANNOT_GET_AWAY: (
        "the officer could not then reach their next visit in time (or be back at base by the end of "
        "their day)"
    ),
}


@dataclass(frozen=True, order=True)
class Stop:
    """Time already taken in a day: a visit at a school, or (`is_visit` False) a busy time from
    the officer's own calendar. `key` says which, for the caller."""

    start: int
    end: int
    place: int
    key: str = field(default="", compare=False)
    is_visit: bool = field(default=True, compare=False)


Span = tuple[int, int]  # (start, end) minutes


@dataclass(frozen=True)
class Hosting:
    """What a school already holds on one day: the sessions of this request's group of pupils
    (`group`: never two at once) and every other session there (`others`), and how many
    sessions the school can host at the same time."""

    group: tuple[Span, ...] = ()
    others: tuple[Span, ...] = ()
    at_once: int = 1

    def blocked(self) -> list[tuple[int, int, Fit]]:
        """The spans no session of the group may overlap, each with the reason: the group's own
        sessions, and the times when the school already hosts `at_once` sessions."""
        spans = [(a, b, Fit.GROUP_BUSY) for a, b in self.group]
        edges = sorted({t for a, b in self.others for t in (a, b)})
        for a, b in zip(edges, edges[1:]):
            if sum(1 for x, y in self.others if x <= a and b <= y) >= self.at_once:
                spans.append((a, b, Fit.SCHOOL_FULL))
        return sorted(spans)

    def room_for(self, start: int, end: int) -> Fit:
        if not self.group and not self.others:
            return Fit.FITS  # nothing else at the school that day: the common case, kept quick
        for a, b, why in self.blocked():
            if a < end and start < b:
                return why
        return Fit.FITS

    def with_session(self, start: int, end: int, *, same_group: bool) -> Hosting:
        if same_group:
            return replace(self, group=(*self.group, (start, end)))
        return replace(self, others=(*self.others, (start, end)))


_NOTHING_HOSTED = {n: Hosting(at_once=n) for n in range(1, 11)}


@dataclass(frozen=True)
class SchoolDay:
    """The part of a school's day a session may take, and its lunch (start, end) to keep clear;
    and, day by day, what the school already hosts then (`hosting`)."""

    earliest: int
    latest: int
    lunch: tuple[int, int] | None = None
    at_once: int = 1
    hosting: dict[date, Hosting] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(
        cls, day_starts: int, day_ends: int, lunch_starts: int | None, part: str = "any", at_once: int = 1
    ) -> SchoolDay:
        """The school's day as a booking gives it: the whole day, the morning (before lunch) or
        the afternoon (after a 45-minute lunch)."""
        lunch = None if lunch_starts is None else (lunch_starts, lunch_starts + LUNCH_MINUTES)
        if part == "morning" and lunch:
            return cls(day_starts, min(day_ends, lunch[0]), None, at_once)
        if part == "afternoon" and lunch:
            return cls(max(day_starts, lunch[1]), day_ends, None, at_once)
        return cls(day_starts, day_ends, lunch, at_once)

    def on(self, day: date | None) -> Hosting:
        return self.hosting.get(day) or _NOTHING_HOSTED.get(self.at_once) or Hosting(at_once=self.at_once)

    def with_session(self, day: date, start: int, end: int, *, same_group: bool) -> SchoolDay:
        """This school day with one more session at the school on `day`."""
        hosting = {**self.hosting, day: self.on(day).with_session(start, end, same_group=same_group)}
        return replace(self, hosting=hosting)

    def windows(self, length: int, day: date | None = None) -> list[tuple[int, int]]:
        """The ranges of start times a session of `length` minutes may have: either side of lunch,
        and clear of what the school already hosts on `day`."""
        if self.lunch is None:
            spans = [(self.earliest, self.latest)]
        else:
            spans = [
                (self.earliest, min(self.latest, self.lunch[0])),
                (max(self.earliest, self.lunch[1]), self.latest),
            ]
        for x, y, _ in self.on(day).blocked():
            spans = [
                piece for a, b in spans for piece in ((a, min(b, x)), (max(a, y), b)) if piece[1] > piece[0]
            ]
        return [(a, b - length) for a, b in spans if b - a >= length]


@dataclass(frozen=True)
class OfficerDay:
    """One officer's day: hours, base, how many visits they take, and what is in the diary."""

    officer_id: int
    day: date
    base: int
    starts: int
    ends: int
    max_visits: int
    off: Fit | None = None  # NOT_WORKING or ON_LEAVE when the officer does not work the day
    stops: tuple[Stop, ...] = ()  # sorted by start

    @property
    def visits(self) -> list[Stop]:
        return [s for s in self.stops if s.is_visit]

    def with_stop(self, stop: Stop) -> OfficerDay:
        stops = list(self.stops)
        bisect.insort(stops, stop)
        return replace(self, stops=tuple(stops))

    def around(self, start: int, end: int) -> tuple[tuple[int, int, bool], tuple[int, int, bool]]:
        """What comes before a visit from `start` to `end` and after it, as (time, place,
        is a visit): the last stop that ends by `start` (or base at the start of the day) and
        the first that starts at `end` or later (or base at the end of the day)."""
        before, after = (self.starts, self.base, False), (self.ends, self.base, False)
        for s in self.stops:
            if s.end <= start:
                before = (s.end, s.place, s.is_visit)
            elif s.start >= end:
                after = (s.start, s.place, s.is_visit)
                break
        return before, after


def fit(
    day: OfficerDay,
    start: int,
    end: int,
    place: int,
    travel: Travel,
    *,
    arrive_before: int,
    school: SchoolDay | None = None,
    school_closed: bool = False,
    capacity: int | None = None,
) -> Fit:
    """Whether a visit from `start` to `end` at `place` fits `day` (see the module's words).
    `capacity` lowers the day's most visits (a share held back for target schools)."""
    if day.off is not None:
        return day.off
    if school_closed:
        return Fit.SCHOOL_CLOSED
    if len(day.visits) >= (day.max_visits if capacity is None else capacity):
        return Fit.DAY_FULL
    if school is not None:
        if start < school.earliest or end > school.latest:
            return Fit.OUTSIDE_SCHOOL_DAY
        if school.lunch is not None and start < school.lunch[1] and school.lunch[0] < end:
            return Fit.OVER_LUNCH
        hosted = school.on(day.day).room_for(start, end)
        if hosted is not Fit.FITS:
            return hosted
    if any(s.start < end and start < s.end for s in day.stops):
        return Fit.CLASHES
    (left_at, left_from, _), (due_at, due_place, due_is_visit) = day.around(start, end)
    if left_at + travel(left_from, place) + arrive_before > start + EPSILON:
        return Fit.CANNOT_ARRIVE
    early = arrive_before if due_is_visit else 0  # early at a visit; just back at base
    if end + travel(place, due_place) + early > due_at + EPSILON:
        return Fit.CANNOT_GET_AWAY
    return Fit.FITS


def round_up(minute: float, step: int) -> int:
    """The first start time on the `step`-minute grid at or after `minute`."""
    return int(-(-(minute - EPSILON) // step) * step)


def earliest_start(
    day: OfficerDay, after: tuple[int, int, bool], place: int, travel: Travel, *, arrive_before: int,
    school: SchoolDay, length: int, step: int,
) -> int | None:
    """The earliest start on the grid, after the stop `after` (time, place, is a visit), that is
    inside the school's day and clear of its lunch; None when there is none. Whether it fits
    is for `fit` to say."""
    left_at, left_from, _ = after
    for low, high in school.windows(length, day.day):
        start = round_up(max(left_at + travel(left_from, place) + arrive_before, low), step)
        if start <= high:
            return start
    return None


@dataclass(frozen=True)
class Diary:
    """One officer over a span of days, as the reader loads it: who they are, where they start,
    when they work, which sessions they deliver, and what each day already holds."""

    officer_id: int
    base: int
    day_starts: int
    day_ends: int
    working_weekdays: frozenset[int]  # ISO weekdays, 1 = Monday
    max_visits_per_day: int
    sessions: frozenset[int] = frozenset()  # the sessions the officer can deliver
    away: frozenset[date] = frozenset()  # leave
    stops: dict[date, tuple[Stop, ...]] = field(default_factory=dict)  # each sorted by start

    def works_on(self, day: date) -> bool:
        return day.isoweekday() in self.working_weekdays and day not in self.away

    def day(self, day: date) -> OfficerDay:
        off = None
        if day.isoweekday() not in self.working_weekdays:
            off = Fit.NOT_WORKING
        elif day in self.away:
            off = Fit.ON_LEAVE
        return OfficerDay(
            self.officer_id, day, self.base, self.day_starts, self.day_ends, self.max_visits_per_day,
            off, self.stops.get(day, ()),
        )
