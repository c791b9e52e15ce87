"""The term planner: officers' working days and schools' open requests in, a plan out.

Pure computation over plain dataclasses (no database, no HTTP): the planning app reads the
officers' diaries (`routing.diary.Diary`, from the one diary reader) and the open requests
(`PlanRequest`), gives a table of travel minutes between the places they name (indices into
it) and calls `plan(...)`. The model is built for the solving core in `routing.solver`:

* one vehicle per officer-day (a working weekday, not on leave) with that day's hours as its
  shift, starting and ending at the officer's base, carrying at most the officer's
  `max_visits_per_day` visits;
* one job per request, with a time window on each day the school can do either side of the
  school's lunch (alternatives: one is used), needing the session as a skill (officers'
  "skills" are the sessions they can deliver), optional with a prize from its priority, so
  that when not everything fits the important requests win;
* every visit and busy time already in a diary (and every request a coordinator pinned) fixed
  to its officer at its time.

Each planned visit is then put on the five-minute grid and checked with the one rule for what
fits (`routing.diary.fit`), so the plan never proposes a time the slot search would refuse. The
solver sees each request alone; that check also sees the sessions planned before it at the same
school that day, so two sessions of one group never overlap and a school never hosts more at
once than it said (a visit that would is moved on the grid, or left out).

Times are minutes. A visit's service in the model starts when the officer arrives at reception,
`arrive_before` minutes before the session, as the slot search does; travel times are rounded
up to whole minutes for the solver, so the plan stays feasible with the exact travel times.
Travel reported is in double precision from the travel-time table.

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

import enum
import itertools
import math
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np

from safereach.routing import solver
from safereach.routing.diary import Diary, Fit, OfficerDay, SchoolDay, Stop, fit
from safereach.routing.slots import SlotRequest, day_slots

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
# How far (minutes) from the solver's time a visit may move to land on the grid.
GRID_REACH = 15


class LeftOut(enum.StrEnum):
    """Why a request is not in the plan."""

    NO_DAY_IN_TERM = "no_day_in_term"
    LONGER_THAN_SCHOOL_DAY = "longer_than_school_day"
    NO_OFFICER_DELIVERS = "no_officer_delivers"
    NO_OFFICER_WORKS = "no_officer_works"
    PINNED_DAY_OFF = "pinned_day_off"
    UNREACHABLE = "unreachable"
    NO_ROOM = "no_room"
    NOT_WORTH_THE_TRAVEL = "not_worth_the_travel"

    @property
    def sentence(self) -> str:
        return LEFT_OUT_WORDS[self]


LEFT_OUT_WORDS = {
    LeftOut.NO_DAY_IN_TERM: "no day the school can do falls in the term",
    LeftOut.LONGER_THAN_SCHOOL_DAY: "the session is longer than the part of the day the school gave",
    LeftOut.NO_OFFICER_DELIVERS: "no officer can deliver this session",
    LeftOut.NO_OFFICER_WORKS: "no officer who can deliver this session works on a day the school can do",
    LeftOut.PINNED_DAY_OFF: (
        "the officer it was pinned to is not working that day (leave or not a working day)"
    ),
    LeftOut.UNREACHABLE: (
        "no officer who can deliver it can reach the school in the time the school gave and be back "
        "at base by the end of their day"
    ),
    LeftOut.NO_ROOM: (
        "it would fit on its own, but not beside requests of higher priority and the visits already "
        "in the diaries"
    ),
    LeftOut.NOT_WORTH_THE_TRAVEL: (
        "it would fit as the plan stands, but its priority does not pay for the travel it adds"
    ),
}


@dataclass(frozen=True)
class PlanRequest:
    """One session a school asked for: on one of `days`, in the school's day (clear of lunch)."""

    key: str
    session_id: int
    place: int
    days: tuple[date, ...]
    school_day: SchoolDay
    length: int
    prize: float  # minutes of travel the request is worth
    is_target: bool = False
    pinned: tuple[int, date, int] | None = None  # (officer, day, session start): keep it there
    # The school (any key) and the group of pupils (the request it came in): a group is in one
    # place at a time, and a school hosts only so many sessions at once (`school_day.at_once`).
    school: int | None = None
    group: int | None = None


@dataclass(frozen=True)
class FixedVisit:
    """What a diary already holds (a visit, or a busy time at base): the plan keeps it."""

    key: str
    officer_id: int
    day: date
    start: int
    end: int
    place: int
    is_visit: bool = True


def fixed_visits(diaries: Sequence[Diary], first_day: date, last_day: date) -> list[FixedVisit]:
    return [
        FixedVisit(s.key, d.officer_id, day, s.start, s.end, s.place, s.is_visit)
        for d in diaries
        for day, stops in sorted(d.stops.items())
        if first_day <= day <= last_day
        for s in stops
    ]


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
class PlannedDay:
    officer_id: int
    day: date
    visits: tuple[PlannedVisit, ...]
    travel: float  # base to base, minutes
    travel_home: float  # last leg


@dataclass
class Plan:
    days: list[PlannedDay]
    left_out: dict[str, LeftOut]  # request key -> why
    not_modelled: dict[str, str] = field(default_factory=dict)  # diary stop key -> why
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


def current_plan(diaries: Sequence[Diary], minutes: np.ndarray, first_day: date, last_day: date,
                 leave_out: Sequence[str] = ()) -> Plan:
    """The diaries as they stand, as a plan: the 'before' to compare with (`leave_out`: stop
    keys not to count)."""
    skip = set(leave_out)
    days = []
    for diary in diaries:
        for day, stops in diary.stops.items():
            kept = [(s.key, s.start, s.end, s.place, True) for s in stops if s.is_visit and s.key not in skip]
            if first_day <= day <= last_day and kept:
                days.append(_planned_day(diary, day, kept, minutes))
    days.sort(key=lambda d: (d.day, d.officer_id))
    return Plan(days=days, left_out={})


def _planned_day(diary: Diary, day: date, stops, minutes: np.ndarray) -> PlannedDay:
    here, visits = diary.base, []
    for key, start, end, place, is_fixed in stops:
        visits.append(
            PlannedVisit(key, diary.officer_id, day, start, end, place, float(minutes[here, place]), is_fixed)
        )
        here = place
    return PlannedDay(
        diary.officer_id,
        day,
        tuple(visits),
        day_travel(diary.base, [v.place for v in visits], minutes),
        float(minutes[here, diary.base]),
    )


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
    diaries: Sequence[Diary],
    requests: Sequence[PlanRequest],
    minutes: np.ndarray,
    *,
    first_day: date,
    last_day: date,
    arrive_before: int = 10,
    step: int = 5,
    seconds: float = 60.0,
    chunk_days: int = 7,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    workers: int = 1,
    first_stage_share: float = 0.4,
) -> Plan:
    """Plan the open `requests` around what the `diaries` hold from `first_day` to `last_day`.

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
    by_officer = {d.officer_id: d for d in diaries}
    fixed = fixed_visits(diaries, first_day, last_day)
    left_out: dict[str, LeftOut] = {}
    pending: list[PlanRequest] = []
    for r in requests:
        days = tuple(d for d in r.days if first_day <= d <= last_day)
        if r.pinned is None and not days:
            left_out[r.key] = LeftOut.NO_DAY_IN_TERM
        elif r.pinned is None and not r.school_day.windows(r.length):
            left_out[r.key] = LeftOut.LONGER_THAN_SCHOOL_DAY
        elif r.pinned is None and not any(r.session_id in d.sessions for d in diaries):
            left_out[r.key] = LeftOut.NO_OFFICER_DELIVERS
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
    days_out: list[PlannedDay] = []
    feasible = True
    with _Solvers(workers, by_officer, fixed, minutes, arrive_before, step) as solvers:
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
    days_out.sort(key=lambda d: (d.day, d.officer_id))
    _explain(left_out, modelled, by_officer, days_out, minutes, arrive_before, step)
    if progress:
        progress(1.0)
    return Plan(
        days=days_out,
        left_out=left_out,
        not_modelled=not_modelled,
        seconds=time.perf_counter() - clock,
        feasible=feasible,
    )


def _explain(left_out, modelled, by_officer, days_out, minutes, arrive_before: int, step: int) -> None:
    """Say why each request the solver did not place is left out, by asking the one rule: does
    it fit a day as the plan leaves it (then it was not worth the travel), an empty day of an
    officer who delivers it (then the diary and higher priorities took the room), or neither
    (it cannot be reached)?"""
    unplaced = [k for k, why in left_out.items() if why is LeftOut.UNREACHABLE and k in modelled]
    if not unplaced:
        return
    planned: dict[tuple[int, date], list[Stop]] = {}
    for d in days_out:
        planned[d.officer_id, d.day] = [Stop(v.start, v.end, v.place, v.key) for v in d.visits if not v.fixed]

    def travel(a, b):
        return float(minutes[a, b])

    for key in unplaced:
        r = modelled[key]
        ask = SlotRequest(r.place, r.days, r.school_day, r.length, arrive_before, step)
        as_planned = alone = False
        for diary in by_officer.values():
            if r.session_id not in diary.sessions:
                continue
            for day in r.days:
                full = diary.day(day)
                if not day_slots(replace(full, stops=()), ask, travel):
                    continue
                alone = True
                for stop in planned.get((diary.officer_id, day), ()):
                    full = full.with_stop(stop)
                if day_slots(full, ask, travel):
                    as_planned = True
                    break
            if as_planned:
                break
        left_out[key] = (
            LeftOut.NOT_WORTH_THE_TRAVEL if as_planned else LeftOut.NO_ROOM if alone else LeftOut.UNREACHABLE
        )


class _Solvers:
    """Solves stretches of days, in this process or side by side in `workers` processes.

    `run(jobs, seed, deadline, report)` gives each job ((start, end), requests, current days)
    a share of the wall-clock time left before `deadline`, in proportion to the requests it
    holds, and yields ((start, end), Plan) for each, in the order of the jobs."""

    def __init__(self, workers: int, by_officer, fixed, minutes, arrive_before: int, step: int):
        self.workers = max(1, int(workers))
        self.by_officer, self.fixed, self.minutes = by_officer, fixed, minutes
        self.arrive_before, self.step = arrive_before, step
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
            args = (
                self.by_officer, here, fixed, self.minutes, start, end, self.arrive_before, self.step,
                seconds, seed,
            )
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
    kinds: dict[str, bool]  # job key -> already in a diary (True) or the planner's (False)
    windows: dict[str, tuple[date, ...]]  # request key -> the day of each of its windows
    not_modelled: dict[str, str]
    pinned_out: dict[str, LeftOut]


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
    jobs, not_modelled, kinds, windows_of = [], {}, {}, {}
    # (key, officer, day, start, length, place, counts against the day's visits)
    anchored = [(v.key, v.officer_id, v.day, v.start, v.end - v.start, v.place, v.is_visit) for v in fixed]
    for r in requests:
        if r.pinned is not None:
            officer_id, day, at = r.pinned
            anchored.append((r.key, officer_id, day, at, r.length, r.place, True))
    diary = {v.key for v in fixed}
    pinned_out = {}
    for key, officer_id, day, at, length, place, is_visit in anchored:
        name = _vehicle_name(officer_id, day)
        if name not in names_of.get(officer_id, ()):
            if key in diary:
                not_modelled[key] = "the officer is not working that day (leave or not a working day)"
            else:
                pinned_out[key] = LeftOut.PINNED_DAY_OFF
            continue
        # A busy time is kept clear as time spent at base; it is not one of the day's visits.
        jobs.append(
            solver.Job.fixed(
                key,
                place,
                vehicle=frozenset(names_of[officer_id]),
                at=offset[day] + at - (arrive_before if is_visit else 0),
                service=length + (arrive_before if is_visit else 0),
                demand=1 if is_visit else 0,
            )
        )
        kinds[key] = key in diary  # a pinned request is still the planner's proposal
        windows_of[key] = (day,)
    for r in requests:
        if r.pinned is not None:
            continue
        windows, days = [], []
        for d in r.days:
            if d not in offset:
                continue
            for low, high in r.school_day.windows(r.length, d):
                windows.append((offset[d] + low - arrive_before, offset[d] + high - arrive_before))
                days.append(d)
        windows_of[r.key] = tuple(days)
        jobs.append(
            solver.Job(
                r.key,
                r.place,
                windows=tuple(windows),
                service=r.length + arrive_before,
                demand=1,
                prize=r.prize,
                skills=frozenset({f"session {r.session_id}"}),
            )
        )
        kinds[r.key] = False
    problem = None
    if jobs and vehicles:
        problem = solver.Problem(
            vehicles=vehicles,
            jobs=jobs,
            distances=minutes,
            durations=minutes,
            scale=1.0,
            rounding="round",
            duration_rounding="ceil",
        )
    else:
        pinned_out.update({j.name: LeftOut.NO_OFFICER_WORKS for j in jobs if not kinds[j.name]})
    return _Chunk(problem, offset, kinds, windows_of, not_modelled, pinned_out)


def _plan_chunk(
    by_officer,
    requests,
    fixed,
    minutes,
    start: date,
    end: date,
    arrive_before: int,
    step: int,
    seconds: float,
    seed: int,
    current: Sequence[PlannedDay] | None = None,
) -> Plan:
    """Solve the days from `start` to `end`; `current` (that stretch's days as planned so far)
    warm-starts the search, so the answer is never worse than it."""
    chunk = _chunk_model(by_officer, requests, fixed, minutes, start, end, arrive_before)
    if chunk.problem is None:
        return Plan(days=[], left_out=chunk.pinned_out, not_modelled=chunk.not_modelled)
    if current is None:
        current = _insert_greedily(by_officer, requests, minutes, chunk, arrive_before, step)
    modelled = {j.name for j in chunk.problem.jobs}
    requested = {r.key: r for r in requests}
    initial = [
        (
            _vehicle_name(d.officer_id, d.day),
            [(v.key, _window_of(chunk, requested.get(v.key), v)) for v in d.visits if v.key in modelled],
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
    reasons: dict[str, LeftOut] = dict(chunk.pinned_out)
    for x in solution.left_out:
        # Not placed: whether it could not be reached or was outbid is asked of the one rule
        # once the whole term is planned (`_explain`).
        placed_nowhere = x.why is solver.Why.NOT_PLACED
        reasons[x.visit] = LeftOut.UNREACHABLE if placed_nowhere else LeftOut.NO_OFFICER_WORKS
    days = []
    hosted = _Hosted()
    for route in solution.routes:
        officer_id, _, iso = route.vehicle.partition("@")
        diary, day = by_officer[int(officer_id)], date.fromisoformat(iso)
        stops, off_grid = _on_the_grid(
            diary, day, route, chunk, requested, minutes, arrive_before, step, hosted
        )
        reasons.update(dict.fromkeys(off_grid, LeftOut.UNREACHABLE))  # `_explain` says which
        days.append(_planned_day(diary, day, stops, minutes))
    return Plan(
        days=days,
        left_out=reasons,
        not_modelled=chunk.not_modelled,
        seconds=solution.seconds,
        feasible=solution.feasible,
    )


def _window_of(chunk: _Chunk, request: PlanRequest | None, visit: PlannedVisit) -> int:
    """Which of a job's windows a warm-start visit is in: the one of its day holding its start."""
    days = chunk.windows[visit.key]
    if len(days) == 1 or request is None:
        return 0
    first = days.index(visit.day)
    for i, (low, high) in enumerate(request.school_day.windows(request.length, visit.day)):
        if low <= visit.start <= high and first + i < len(days) and days[first + i] == visit.day:
            return first + i
    return first


class _Hosted:
    """The sessions planned so far at each school, day by day, so the one rule sees them: one
    group's sessions never overlap, and a school hosts only as many at once as it can."""

    def __init__(self):
        self.at: dict[tuple[int, date], list[tuple[int, int, int | None]]] = {}

    def school_day(self, r: PlanRequest, day: date) -> SchoolDay:
        school_day = r.school_day
        if r.school is None:
            return school_day
        for start, end, group in self.at.get((r.school, day), ()):
            school_day = school_day.with_session(
                day, start, end, same_group=group is not None and group == r.group
            )
        return school_day

    def add(self, r: PlanRequest, day: date, start: int) -> None:
        if r.school is not None:
            self.at.setdefault((r.school, day), []).append((start, start + r.length, r.group))


def _on_the_grid(
    diary: Diary,
    day: date,
    route,
    chunk: _Chunk,
    requested,
    minutes,
    arrive_before: int,
    step: int,
    hosted: _Hosted,
):
    """The route's stops at times the one rule accepts: each planned visit put at the earliest
    time on the `step` grid near the solver's that fits the day so far (the diary's own stops,
    and the planned visits before it). Returns the stops as (key, start, end, place, fixed) and the keys
    of planned visits no grid time fitted."""

    def travel(a, b):
        return float(minutes[a, b])

    base_minute = chunk.offset[day]
    today = diary.day(day)
    placed, off_grid = [], []
    for s in route.stops:
        if chunk.kinds[s.visit]:
            continue  # already in the diary, and so in `today`
        r = requested[s.visit]
        solver_start = int(round(s.start)) - base_minute + arrive_before
        if r.pinned is not None:
            candidates = [r.pinned[2]]
        else:
            # The earliest start on the grid that fits: the solver starts each visit as early
            # as it can, and an early start leaves the most room for the visits after it.
            low = solver_start - GRID_REACH
            near = range(low - low % step, solver_start + GRID_REACH + 1, step)
            # Failing that, any time of the school's day: the visit keeps its officer and day.
            windows = r.school_day.windows(r.length, day)
            rest = (t for a, b in windows for t in range(a - a % step, b + 1, step))
            candidates = itertools.chain(near, rest)
        school_day = hosted.school_day(r, day)
        for start in candidates:
            verdict = fit(today, start, start + r.length, r.place, travel, arrive_before=arrive_before,
                          school=school_day)
            if verdict is Fit.FITS:
                today = today.with_stop(Stop(start, start + r.length, r.place, r.key))
                hosted.add(r, day, start)
                placed.append(r.key)
                break
        else:
            off_grid.append(r.key)
    planner_keys = set(placed)
    stops = [
        (s.key, s.start, s.end, s.place, s.key not in planner_keys)
        for s in today.stops
        if s.is_visit and (s.key in planner_keys or s.key in chunk.kinds)
    ]
    return stops, off_grid


def _insert_greedily(by_officer, requests, minutes, chunk: _Chunk, arrive_before: int, step: int
                     ) -> list[PlannedDay]:
    """A first plan for the solver to improve: the diaries, then each request (target schools
    first, then those with fewest days) booked one at a time into the slot that adds least
    travel, by the slot search itself. Travel is rounded up, as the solver sees it."""
    legs = np.ceil(minutes - 1e-9)

    def travel(a, b):
        return float(legs[a, b])

    modelled = {j.name for j in chunk.problem.jobs}
    days: dict[tuple[int, date], OfficerDay] = {}

    def day_of(officer: Diary, day: date) -> OfficerDay:
        if (officer.officer_id, day) not in days:
            days[officer.officer_id, day] = officer.day(day)
        return days[officer.officer_id, day]

    for r in requests:
        if r.pinned is not None and r.key in modelled:
            officer_id, day, at = r.pinned
            days[officer_id, day] = day_of(by_officer[officer_id], day).with_stop(
                Stop(at, at + r.length, r.place, r.key)
            )
    hosted = _Hosted()
    for r in requests:
        if r.pinned is not None and r.key in modelled:
            hosted.add(r, r.pinned[1], r.pinned[2])
    order = sorted((r for r in requests if r.pinned is None), key=lambda r: (not r.is_target, len(r.days)))
    for r in order:
        best = None
        for day in set(chunk.windows[r.key]):
            ask = SlotRequest(r.place, (), hosted.school_day(r, day), r.length, arrive_before, step)
            for officer in by_officer.values():
                if r.session_id not in officer.sessions or not officer.works_on(day):
                    continue
                for slot in day_slots(day_of(officer, day), ask, travel):
                    if best is None or slot.sort_key < best.sort_key:
                        best = slot
        if best is not None:
            key = (best.officer_id, best.day)
            days[key] = days[key].with_stop(Stop(best.start, best.end, r.place, r.key))
            hosted.add(r, best.day, best.start)
    return [
        PlannedDay(
            officer_id,
            day,
            tuple(PlannedVisit(s.key, officer_id, day, s.start, s.end, s.place, 0, False)
                  for s in d.stops if s.key in modelled),
            0,
            0,
        )
        for (officer_id, day), d in days.items()
        if any(s.key in modelled for s in d.stops)
    ]

