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

A term is never one model: memory grows with the square of the places in a model, and on the
demo county's term (1,500 requests) a whole-term model left more travel in 60 seconds than
weeks did. So weeks are solved first, then pairs of neighbouring weeks from what the weeks
found (see `plan`). Each solve starts from a plan, not from nothing: the stretch as already
planned, or for a week on its own, each request put where it adds least travel (as booking
one at a time would). Starting from a plan, pairs of weeks and two processes took the planner
on that term from 11% less travel than first-come-first-served booking to about 17% in the
same 60 seconds; the search settings below took it to about 23% (bench/bench_planner.py).
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np

from safereach.routing import solver

DAY = 24 * 60
# The search settings for a week or two of a county's term in a few seconds each. Against
# PyVRP's defaults (50 neighbours, a history of 300, up to 25 visits moved at random), more
# near visits per move and a shorter memory left 5-9% less travel in a week of the demo county
# in the same time, and took the whole term's plan at 60 seconds from 16.5% to about 21% less
# travel than first-come-first-served; smaller random moves (up to 10) then took it to about
# 23% (5 or 15 gave about 22%).
NEIGHBOURS = 120
HISTORY = 25
PERTURBATIONS = 10


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
    workers: int = 1,
    first_stage_share: float = 0.4,
) -> Plan:
    """Plan the open `requests` around the `fixed` visits from `first_day` to `last_day`.

    Two stages share the `seconds`. First (`first_stage_share` of the time) each week
    (`chunk_days`) is planned on its own, with the requests whose middle day falls in it, each
    starting from the plan that booking them one at a time would make. Then pairs of
    neighbouring weeks are planned again together, starting from what is there, in passes that
    alternate which weeks pair up: a request the school can take in either week moves to where
    it sits best beside the others, and a request a week could not take gets another chance. A
    pair's new plan is kept only when it costs less (travel, plus the worth of the requests it
    leaves out), so each pass can only improve the plan. Weeks of one stage, and pairs of one
    pass, do not overlap, so `workers` processes solve them side by side."""
    minutes = np.asarray(minutes, dtype=float)
    clock = time.perf_counter()
    by_officer = {o.officer_id: o for o in officers}
    left_out: dict[str, str] = {}
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
    modelled = {r.key: r for r in pending}
    weeks = _chunks([first_day, last_day], chunk_days)
    pairs = [(a, d) for (a, _), (_, d) in zip(weeks, weeks[1:])]
    deadline = clock + seconds
    first_deadline = clock + seconds * (first_stage_share if pairs else 1.0)

    def report() -> None:
        if progress and seconds:
            progress(min(0.99, (time.perf_counter() - clock) / seconds))

    not_modelled: dict[str, str] = {}
    days_out: list[OfficerDay] = []
    feasible = True
    with _Solvers(workers, by_officer, fixed, minutes, arrive_before) as solvers:
        # First stage: every week alone.
        jobs = []
        for start, end in weeks:
            here = [r for r in pending if start <= _middle_day(r) <= end]
            jobs.append(((start, end), here, []))
        for _, result in solvers.run(jobs, seed, first_deadline, report):
            days_out += result.days
            not_modelled.update(result.not_modelled)
            left_out.update(result.left_out)
            feasible = feasible and result.feasible
        # Second stage: pairs of weeks, from what the first found.
        number = 0
        while pairs and deadline - time.perf_counter() > 0.5:
            jobs, claimed = [], set()
            for start, end in pairs[number % 2 :: 2]:
                current = [d for d in days_out if start <= d.day <= end]
                served = [modelled[v.key] for d in current for v in d.visits if v.key in modelled]
                # A request still left out tries each pair it could go in, one at a time.
                waiting = [
                    modelled[k]
                    for k in left_out
                    if k in modelled and k not in claimed and any(start <= d <= end for d in modelled[k].days)
                ]
                claimed.update(r.key for r in waiting)
                here = [
                    r if r.pinned else replace(r, days=tuple(d for d in r.days if start <= d <= end))
                    for r in served + waiting
                ]
                jobs.append(((start, end), here, current))
            # Passes of about an eighth of the time each: long enough for a pair to improve, and
            # enough of them for both pairings to take several turns.
            passes_left = max(1, math.ceil((deadline - time.perf_counter()) / max(0.5, seconds * 0.12)))
            pass_deadline = time.perf_counter() + (deadline - time.perf_counter()) / passes_left
            results = dict(solvers.run(jobs, seed + number + 1, pass_deadline, report))
            for (start, end), here, current in jobs:
                result = results[start, end]
                waiting = sum(modelled[r.key].prize for r in here if r.key in left_out)
                before = sum(d.travel for d in current) + waiting
                after = result.travel + sum(modelled[k].prize for k in result.left_out if k in modelled)
                if result.feasible and after < before - 1e-6:
                    days_out = [d for d in days_out if not start <= d.day <= end] + result.days
                    for r in here:
                        if r.key in result.left_out:
                            left_out[r.key] = result.left_out[r.key]
                        else:
                            left_out.pop(r.key, None)
            number += 1
    if progress:
        progress(1.0)
    days_out.sort(key=lambda d: (d.day, d.officer_id))
    return Plan(
        days=days_out,
        left_out=left_out,
        not_modelled=not_modelled,
        seconds=time.perf_counter() - clock,
        feasible=feasible,
    )


class _Solvers:
    """Solves stretches of days, in this process or side by side in `workers` processes.

    `run(jobs, seed, deadline, report)` gives each job ((start, end), requests, current days)
    a share of the wall-clock time left before `deadline`, in proportion to the requests it
    holds, and yields ((start, end), Plan) for each, in the order of the jobs."""

    def __init__(self, workers: int, by_officer, fixed, minutes, arrive_before: int):
        self.workers = max(1, int(workers))
        self.by_officer, self.fixed, self.minutes = by_officer, fixed, minutes
        self.arrive_before = arrive_before
        self.pool = None

    def __enter__(self):
        if self.workers > 1:
            # Spawned, not forked: the planner may run in a thread of a web process.
            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def run(self, jobs, seed: int, deadline: float, report):
        total = sum(max(1, len(here)) for _, here, _ in jobs)
        side_by_side = min(self.workers, len(jobs))
        budget = max(0.05, deadline - time.perf_counter())
        calls = []
        for (start, end), here, current in jobs:
            share = budget * side_by_side * max(1, len(here)) / total
            fixed = [v for v in self.fixed if start <= v.day <= end]
            seconds = max(0.05, share)
            args = (self.by_officer, here, fixed, self.minutes, start, end, self.arrive_before, seconds, seed)
            calls.append(((start, end), args, {"current": current or None}))
        if self.pool is None:
            for stretch, args, kwargs in calls:
                yield stretch, _plan_chunk(*args, **kwargs)
                report()
            return
        futures = {self.pool.submit(_plan_chunk, *args, **kwargs): stretch for stretch, args, kwargs in calls}
        results = {}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            report()
        for stretch, _, _ in calls:  # in order, so the plan does not depend on which finished first
            yield stretch, results[stretch]


def _middle_day(r: PlanRequest) -> date:
    """The week a request is first planned in: the one holding its pinned day, or the middle
    of the days the school can do (the first stage plans weeks apart, and a request planned in
    its middle week keeps days on both sides for the second stage to move it to)."""
    if r.pinned is not None:
        return r.pinned[1]
    return r.days[len(r.days) // 2]


def _vehicle_name(officer_id: int, day: date) -> str:
    return f"{officer_id}@{day.isoformat()}"


@dataclass
class _Chunk:
    """The solving core's model of some days, and what is needed to read its answer back."""

    problem: solver.Problem | None
    offset: dict[date, int]
    kinds: dict[str, bool]  # visit key -> already in a diary (True) or the planner's (False)
    windows: dict[str, tuple[date, ...]]  # request key -> the day of each of its windows
    not_modelled: dict[str, str]
    pinned_out: dict[str, str]


def _chunk_model(by_officer, requests, fixed, minutes, start: date, end: date, arrive_before: int) -> _Chunk:
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
    visits, not_modelled, kinds, windows_of = [], {}, {}, {}
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
        windows_of[key] = (day,)
    for r in requests:
        if r.pinned is not None:
            continue
        days = tuple(d for d in r.days if d in offset)
        windows_of[r.key] = days
        visits.append(
            solver.Visit(
                r.key,
                r.place,
                windows=tuple(
                    (offset[d] + r.earliest - arrive_before, offset[d] + r.latest - r.length - arrive_before)
                    for d in days
                ),
                service=r.length + arrive_before,
                demand=1,
                prize=r.prize,
                skills=frozenset({f"session {r.session_id}"}),
            )
        )
        kinds[r.key] = False
    problem = None
    if visits and vehicles:
        problem = solver.Problem(
            vehicles=vehicles,
            visits=visits,
            distances=minutes,
            durations=minutes,
            scale=1.0,
            rounding="round",
            duration_rounding="ceil",
        )
    else:
        reason = "no officer who can deliver it works on a day the school can do"
        pinned_out.update({v.name: reason for v in visits if not kinds[v.name]})
    return _Chunk(problem, offset, kinds, windows_of, not_modelled, pinned_out)


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
    current: Sequence[OfficerDay] | None = None,
) -> Plan:
    """Solve the days from `start` to `end`; `current` (that stretch's days as planned so far)
    warm-starts the search, so the answer is never worse than it."""
    chunk = _chunk_model(by_officer, requests, fixed, minutes, start, end, arrive_before)
    if chunk.problem is None:
        return Plan(days=[], left_out=chunk.pinned_out, not_modelled=chunk.not_modelled)
    if current is None:
        current = _insert_greedily(by_officer, requests, fixed, minutes, chunk, arrive_before)
    modelled = {v.name for v in chunk.problem.visits}
    initial = [
        (
            _vehicle_name(d.officer_id, d.day),
            [(v.key, chunk.windows[v.key].index(d.day)) for v in d.visits if v.key in modelled],
        )
        for d in current
    ]
    solution = solver.solve(
        chunk.problem,
        seconds=seconds,
        seed=seed,
        initial=initial,
        neighbours=NEIGHBOURS,
        history=HISTORY,
        perturbations=PERTURBATIONS,
    )
    days = []
    for route in solution.routes:
        officer_id, _, iso = route.vehicle.partition("@")
        officer, day = by_officer[int(officer_id)], date.fromisoformat(iso)
        base_minute = chunk.offset[day]
        stops = [
            (
                s.visit,
                int(round(s.start)) - base_minute + arrive_before,
                int(round(s.end)) - base_minute,
                s.location,
                chunk.kinds[s.visit],
            )
            for s in route.stops
        ]
        days.append(_officer_day(officer, day, stops, minutes))
    reasons = {**chunk.pinned_out, **{x.visit: _plain(x.reason) for x in solution.left_out}}
    return Plan(
        days=days,
        left_out=reasons,
        not_modelled=chunk.not_modelled,
        seconds=solution.seconds,
        feasible=solution.feasible,
    )


def _insert_greedily(
    by_officer, requests, fixed, minutes, chunk: _Chunk, arrive_before: int
) -> list[OfficerDay]:
    """A first plan for the solver to improve: the diaries, then each request where it adds
    least travel (target schools first, then those with fewest days), as booking one at a
    time would. Travel is rounded up, as the solver sees it."""
    legs = np.ceil(minutes - 1e-9)
    # Each officer-day's stops as (key, earliest start, latest start, length, place).
    days: dict[tuple[int, date], list[tuple[str, int, int, int, int]]] = {}
    for v in fixed:
        days.setdefault((v.officer_id, v.day), []).append((v.key, v.start, v.start, v.end - v.start, v.place))
    for r in requests:
        if r.pinned is not None:
            officer_id, day, at = r.pinned
            days.setdefault((officer_id, day), []).append((r.key, at, at, r.length, r.place))
    modelled = {v.name for v in chunk.problem.visits}
    for stops in days.values():
        stops[:] = [s for s in stops if s[0] in modelled]
        stops.sort(key=lambda s: s[1])

    def fits(officer, stops) -> bool:
        if len(stops) > officer.max_visits_per_day:
            return False
        here, clock = officer.base, officer.day_starts
        for _, early, late, length, place in stops:
            start = max(clock + legs[here, place] + arrive_before, early)
            if start > late:
                return False
            here, clock = place, start + length
        return clock + legs[here, officer.base] <= officer.day_ends

    def travel(officer, stops) -> float:
        return day_travel(officer.base, [s[4] for s in stops], minutes)

    order = sorted((r for r in requests if r.pinned is None), key=lambda r: (not r.is_target, len(r.days)))
    for r in order:
        stop = (r.key, r.earliest, r.latest - r.length, r.length, r.place)
        best = None
        for day in chunk.windows[r.key]:
            for officer in by_officer.values():
                if r.session_id not in officer.sessions or not officer.works_on(day):
                    continue
                stops = days.get((officer.officer_id, day), [])
                now = travel(officer, stops)
                for i in range(len(stops) + 1):
                    trial = [*stops[:i], stop, *stops[i:]]
                    if fits(officer, trial):
                        added = travel(officer, trial) - now
                        if best is None or added < best[0]:
                            best = (added, (officer.officer_id, day), trial)
        if best is not None:
            days[best[1]] = best[2]
    # Only the order of each day's stops matters to the solver: it works out the times.
    return [
        OfficerDay(
            officer_id,
            day,
            tuple(PlannedVisit(s[0], officer_id, day, 0, 0, s[4], 0, False) for s in stops),
            0,
            0,
        )
        for (officer_id, day), stops in days.items()
        if stops
    ]


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
