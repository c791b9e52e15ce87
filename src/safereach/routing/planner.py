"""The term planner: officers' working days and schools' open requests in, a plan out.

Pure computation over plain dataclasses (no database, no HTTP): the bookings app reads the
models into `PlanOfficer`, `PlanRequest` and `FixedVisit`, gives a matrix of travel minutes
between the places they name (indices into it) and calls `plan(...)`. The model is built for
the solving core in `routing.solver`:

* one vehicle per officer-day (a working weekday, not on leave) with that day's hours as its
  shift, starting and ending at the officer's base, carrying at most the officer's
  `max_visits_per_day` visits;
* one visit per request, with a time window on each day the school can do (alternatives: one
  is used), needing the session as a skill (officers' "skills" are the sessions they can
  deliver), optional with a prize from its priority, so that when not everything fits the
  important requests win;
* every visit already in a diary (and every request a coordinator pinned) fixed to its officer
  at its time.

Times are minutes. A visit's service in the model starts when the officer arrives at reception,
`arrive_before` minutes before the session, as the slot search does; travel times are rounded
up to whole minutes for the solver, so the plan stays feasible with the exact travel times.
Travel reported is in double precision from the matrix.

A long term is solved a week (`chunk_days`) at a time, in order: memory grows with the
square of the places in one model, and on the demo county's term (1,500 requests) weeks gave
less travel than fortnights in the same 60 seconds (the solver gets through more of a smaller
model). A request the week could not take, and which suits later days too, goes on to the
next week.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np

from safereach.routing import solver

DAY = 24 * 60


@dataclass(frozen=True)
class PlanOfficer:
    officer_id: int
    base: int  # place index
    day_starts: int  # minutes since midnight
    day_ends: int
    working_weekdays: frozenset[int]  # ISO weekdays, 1 = Monday
    max_visits_per_day: int
    sessions: frozenset[int]  # the sessions the officer can deliver
    away: frozenset[date] = frozenset()

    def works_on(self, day: date) -> bool:
        return day.isoweekday() in self.working_weekdays and day not in self.away


@dataclass(frozen=True)
class PlanRequest:
    """One session a school asked for: on one of `days`, inside [earliest, latest] of the day."""

    key: str
    session_id: int
    place: int
    days: tuple[date, ...]
    earliest: int
    latest: int
    length: int
    prize: float  # minutes of travel the request is worth
    is_target: bool = False
    pinned: tuple[int, date, int] | None = None  # (officer, day, session start): keep it there


@dataclass(frozen=True)
class FixedVisit:
    """A visit already in an officer's diary: the plan keeps it where it is."""

    key: str
    officer_id: int
    day: date
    start: int
    end: int
    place: int


@dataclass(frozen=True)
class PlannedVisit:
    key: str
    officer_id: int
    day: date
    start: int  # session start, minutes since midnight
    end: int
    place: int
    travel_in: float  # minutes from the previous place (base or visit)
    fixed: bool  # already in the diary (or pinned), not proposed by the planner


@dataclass(frozen=True)
class OfficerDay:
    officer_id: int
    day: date
    visits: tuple[PlannedVisit, ...]
    travel: float  # base to base, minutes
    travel_home: float  # last leg


@dataclass
class Plan:
    days: list[OfficerDay]
    left_out: dict[str, str]  # request key -> why
    not_modelled: dict[str, str] = field(default_factory=dict)  # fixed visit key -> why
    seconds: float = 0.0
    feasible: bool = True

    @property
    def visits(self) -> list[PlannedVisit]:
        return [v for d in self.days for v in d.visits]

    @property
    def proposed(self) -> list[PlannedVisit]:
        return [v for v in self.visits if not v.fixed]

    @property
    def travel(self) -> float:
        return float(sum(d.travel for d in self.days))

    def travel_by_officer(self) -> dict[int, float]:
        out: dict[int, float] = {}
        for d in self.days:
            out[d.officer_id] = out.get(d.officer_id, 0.0) + d.travel
        return out


def day_travel(base: int, places: Sequence[int], minutes: np.ndarray) -> float:
    path = [base, *places, base]
    return float(sum(minutes[a, b] for a, b in zip(path, path[1:])))


def current_plan(officers: Sequence[PlanOfficer], fixed: Sequence[FixedVisit], minutes: np.ndarray) -> Plan:
    """The diaries as they stand (fixed visits only), as a plan: the 'before' to compare with."""
    by_officer = {o.officer_id: o for o in officers}
    grouped: dict[tuple[int, date], list[FixedVisit]] = {}
    for v in fixed:
        if v.officer_id in by_officer:
            grouped.setdefault((v.officer_id, v.day), []).append(v)
    days = []
    for (officer_id, day), visits in sorted(grouped.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        visits.sort(key=lambda v: v.start)
        days.append(
            _officer_day(
                by_officer[officer_id], day, [(v.key, v.start, v.end, v.place, True) for v in visits], minutes
            )
        )
    return Plan(days=days, left_out={})


def _officer_day(officer: PlanOfficer, day: date, stops, minutes: np.ndarray) -> OfficerDay:
    here, visits = officer.base, []
    for key, start, end, place, is_fixed in stops:
        visits.append(
            PlannedVisit(
                key, officer.officer_id, day, start, end, place, float(minutes[here, place]), is_fixed
            )
        )
        here = place
    return OfficerDay(
        officer.officer_id,
        day,
        tuple(visits),
        day_travel(officer.base, [v.place for v in visits], minutes),
        float(minutes[here, officer.base]),
    )


def fits_in_day(
    officer: PlanOfficer,
    day: date,
    diary: Sequence[tuple[int, int, int]],
    start: int,
    end: int,
    place: int,
    minutes: np.ndarray,
    arrive_before: int,
) -> bool:
    """Whether a visit from `start` to `end` at `place` fits the officer's day as it stands
    (`diary`: the day's visits as (start, end, place)): working, not away, under the day's
    limit, reachable from the visit before (or base, from the start of the day) arriving
    `arrive_before` minutes early, and leaving time to reach the next (or base by the end)."""
    if not officer.works_on(day) or len(diary) >= officer.max_visits_per_day:
        return False
    stops = sorted([*diary, (start, end, place)])
    here, clock = officer.base, officer.day_starts
    for s, e, p in stops:
        if clock + minutes[here, p] + arrive_before > s + 1e-9:
            return False
        here, clock = p, e
    return clock + minutes[here, officer.base] <= officer.day_ends + 1e-9


def _chunks(days: Sequence[date], chunk_days: int) -> list[tuple[date, date]]:
    if not days:
        return []
    first, last = min(days), max(days)
    out, start = [], first
    while start <= last:
        out.append((start, start + timedelta(days=chunk_days - 1)))
        start += timedelta(days=chunk_days)
    return out


def plan(
    officers: Sequence[PlanOfficer],
    requests: Sequence[PlanRequest],
    fixed: Sequence[FixedVisit],
    minutes: np.ndarray,
    *,
    first_day: date,
    last_day: date,
    arrive_before: int = 10,
    seconds: float = 60.0,
    chunk_days: int = 7,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> Plan:
    """Plan the open `requests` around the `fixed` visits from `first_day` to `last_day`."""
    minutes = np.asarray(minutes, dtype=float)
    by_officer = {o.officer_id: o for o in officers}
    left_out: dict[str, str] = {}
    not_modelled: dict[str, str] = {}
    pending: list[PlanRequest] = []
    for r in requests:
        days = tuple(d for d in r.days if first_day <= d <= last_day)
        if r.pinned is None and not days:
            left_out[r.key] = "no day the school can do falls in the term"
        elif r.pinned is None and r.latest - r.earliest < r.length:
            left_out[r.key] = "the session is longer than the part of the day the school gave"
        elif r.pinned is None and not any(r.session_id in o.sessions for o in officers):
            left_out[r.key] = "no officer can deliver this session"
        else:
            pending.append(replace(r, days=days))
    chunks = _chunks([first_day, last_day], chunk_days)
    days_out: list[OfficerDay] = []
    feasible, elapsed, spent = True, 0.0, 0.0
    last_reason: dict[str, str] = {}
    for number, (start, end) in enumerate(chunks):
        later = [
            r
            for r in pending
            if (
                r.pinned[1] > end
                if r.pinned is not None
                else not any(start <= d <= end for d in r.days) and any(d > end for d in r.days)
            )
        ]
        here = [r for r in pending if r not in later]
        chunk_fixed = [v for v in fixed if start <= v.day <= end]
        # Time for this week: its share of what is left, by the requests it holds.
        left = max(0.0, seconds - spent)
        share = left if number == len(chunks) - 1 else left * len(here) / max(1, len(pending))
        share = max(share, 0.1)
        spent += share
        result = _plan_chunk(by_officer, here, chunk_fixed, minutes, start, end, arrive_before, share, seed)
        days_out += result.days
        not_modelled.update(result.not_modelled)
        feasible = feasible and result.feasible
        elapsed += result.seconds
        carried = []
        for r in here:
            if r.key in result.left_out:
                if r.pinned is None and any(d > end for d in r.days):
                    carried.append(r)
                    last_reason[r.key] = result.left_out[r.key]
                else:
                    left_out[r.key] = result.left_out[r.key]
        pending = later + carried
        if progress:
            progress(min(1.0, (number + 1) / len(chunks)))
    for r in pending:  # nothing should remain, but never lose a request
        left_out.setdefault(r.key, last_reason.get(r.key, "no day the school can do falls in the term"))
    days_out.sort(key=lambda d: (d.day, d.officer_id))
    return Plan(
        days=days_out, left_out=left_out, not_modelled=not_modelled, seconds=elapsed, feasible=feasible
    )


def _vehicle_name(officer_id: int, day: date) -> str:
    return f"{officer_id}@{day.isoformat()}"


def _plan_chunk(
    by_officer,
    requests,
    fixed,
    minutes,
    start: date,
    end: date,
    arrive_before: int,
    seconds: float,
    seed: int,
) -> Plan:
    n_days = (end - start).days + 1
    offset = {start + timedelta(days=i): i * DAY for i in range(n_days)}
    vehicles, names_of = [], {}
    for officer in by_officer.values():
        for day in offset:
            if not officer.works_on(day):
                continue
            name = _vehicle_name(officer.officer_id, day)
            names_of.setdefault(officer.officer_id, set()).add(name)
            vehicles.append(
                solver.Vehicle(
                    name=name,
                    start=officer.base,
                    shift=(offset[day] + officer.day_starts, offset[day] + officer.day_ends),
                    capacity=officer.max_visits_per_day,
                    skills=frozenset(f"session {s}" for s in officer.sessions),
                )
            )
    visits, not_modelled, kinds = [], {}, {}
    anchored = [(v.key, v.officer_id, v.day, v.start, v.end - v.start, v.place) for v in fixed]
    for r in requests:
        if r.pinned is not None:
            officer_id, day, at = r.pinned
            anchored.append((r.key, officer_id, day, at, r.length, r.place))
    diary = {v.key for v in fixed}
    pinned_out = {}
    for key, officer_id, day, at, length, place in anchored:
        name = _vehicle_name(officer_id, day)
        if name not in names_of.get(officer_id, ()):
            why = "the officer is not working that day (leave or not a working day)"
            (not_modelled if key in diary else pinned_out)[key] = why
            continue
        visits.append(
            solver.Visit.fixed(
                key,
                place,
                vehicle=frozenset(names_of[officer_id]),
                at=offset[day] + at - arrive_before,
                service=length + arrive_before,
                demand=1,
            )
        )
        kinds[key] = key in diary  # a pinned request is still the planner's proposal
    for r in requests:
        if r.pinned is not None:
            continue
        windows = tuple(
            (offset[d] + r.earliest - arrive_before, offset[d] + r.latest - r.length - arrive_before)
            for d in r.days
            if d in offset
        )
        visits.append(
            solver.Visit(
                r.key,
                r.place,
                windows=windows,
                service=r.length + arrive_before,
                demand=1,
                prize=r.prize,
                skills=frozenset({f"session {r.session_id}"}),
            )
        )
        kinds[r.key] = False
    if not visits or not vehicles:
        reason = "no officer who can deliver it works on a day the school can do"
        return Plan(
            days=[],
            left_out={**pinned_out, **{v.name: reason for v in visits if not kinds[v.name]}},
            not_modelled=not_modelled,
        )
    problem = solver.Problem(
        vehicles=vehicles,
        visits=visits,
        distances=minutes,
        durations=minutes,
        scale=1.0,
        rounding="round",
        duration_rounding="ceil",
    )
    solution = solver.solve(problem, seconds=seconds, seed=seed)
    days = []
    for route in solution.routes:
        officer_id, _, iso = route.vehicle.partition("@")
        officer, day = by_officer[int(officer_id)], date.fromisoformat(iso)
        base_minute = offset[day]
        stops = [
            (
                s.visit,
                int(round(s.start)) - base_minute + arrive_before,
                int(round(s.end)) - base_minute,
                s.location,
                kinds[s.visit],
            )
            for s in route.stops
        ]
        days.append(_officer_day(officer, day, stops, minutes))
    reasons = {**pinned_out, **{x.visit: _plain(x.reason) for x in solution.left_out}}
    return Plan(
        days=days,
        left_out=reasons,
        not_modelled=not_modelled,
        seconds=solution.seconds,
        feasible=solution.feasible,
    )


def _plain(reason: str) -> str:
    """The solving core's reasons in the planner's words."""
    if reason.startswith("no vehicle has the skills"):
        return "no officer who can deliver this session works on a day the school can do"
    if reason.startswith("no allowed vehicle can reach it"):
        return (
            "no officer who can deliver it can reach the school in the time the school gave "
            "and be back at base by the end of their day"
        )
    if reason.startswith("it would fit on its own"):
        return (
            "it would fit on its own, but not beside requests of higher priority: "
            "its priority does not pay for the travel or the time it needs"
        )
    return reason
