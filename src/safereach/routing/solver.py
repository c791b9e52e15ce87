"""The planner's solving core: a small vehicle-routing model, solved with PyVRP.

It knows nothing of Django models or HTTP. The planner turns officers' working days into
`Vehicle`s (one per officer-day, with that day's shift, starting and ending at the officer's
base) and school requests into `Job`s (the days and times the school can do as alternative
`windows`, of which exactly one is used; the matrix priority as a `prize`; the session's needs
as `skills`; a confirmed visit as `Job.fixed(...)`), then calls `solve(problem, seconds=...)`
and reads plain dataclasses back: routes with arrival times, travel in double precision, and
the jobs left out with a reason code (whether it fits a working day is the planner's
question, answered by the one rule in routing.diary).

Units are the caller's. Distances, durations, times and prizes are floats in whatever units the
caller uses (kilometres and minutes, metres and seconds, Solomon's unitless grid); PyVRP works
in integers, so every value is multiplied by `Problem.scale` and rounded (or truncated) before
solving. The objective is the scaled integer distance of the routes, plus each used vehicle's
fixed cost, plus the prizes of the optional visits left out (the same as minus the prizes
collected, up to a constant). Whatever the solver used inside, the
travel reported in `Solution.distance` and `Route.distance` is recomputed in double precision
from the coordinates (Euclidean) or from the float matrix the caller gave.

How the model maps onto PyVRP (0.14):

* every visit gets its own PyVRP location (two requests at one school are two locations at
  zero distance), so that a routing profile can close one visit to a vehicle without closing
  its neighbour;
* a visit with several windows becomes one client per window, bound in a mutually exclusive
  client group (required when the visit is, optional otherwise);
* skills and pinned vehicles become routing profiles: vehicles that may serve the same visits
  share a profile, and in a profile the arcs into and out of a visit the vehicle may not serve
  cost `pyvrp.constants.MAX_VALUE` in distance and duration, so using one both dominates the
  objective and breaks every time window (the solution is then reported infeasible). Each
  profile is a full matrix, so memory grows with (distinct skill sets) x (locations)^2;
* a vehicle's shift is its time window (leave the depot no earlier than the start, be back no
  later than the end) and `max_duration` its shift length.
"""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pyvrp import (
    Client,
    ClientGroup,
    CostEvaluator,
    Depot,
    IteratedLocalSearchParams,
    Location,
    ProblemData,
    SolveParams,
    VehicleType,
)
from pyvrp import Route as PyVRPRoute
from pyvrp import Solution as PyVRPSolution
from pyvrp import solve as pyvrp_solve
from pyvrp.constants import MAX_VALUE
from pyvrp.search import NeighbourhoodParams, PerturbationParams

INF = math.inf
Window = tuple[float, float]
Rounding = Literal["round", "trunc", "ceil"]

# PyVRP's "no limit" for times, durations and distances.
_INT_MAX = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Vehicle:
    """A vehicle, or `count` identical ones: for the planner, one officer's working day.

    `start` and `end` are location indices (`end` defaults to `start`). The vehicle leaves
    `start` no earlier than `shift[0]` and is back at `end` no later than `shift[1]`; its route
    lasts at most `max_duration`. `capacity` bounds the sum of its visits' demands (None: no
    bound). It may serve a visit only when it has every skill the visit needs and, for a
    visit pinned to some vehicles, when it is one of them. `fixed_cost` (distance units) is
    paid once if the vehicle is used at all.
    """

    name: str
    start: int
    end: int | None = None
    shift: Window = (0.0, INF)
    max_duration: float = INF
    capacity: int | None = None
    skills: frozenset[str] = frozenset()
    fixed_cost: float = 0.0
    count: int = 1


@dataclass(frozen=True)
class Job:
    """Something to do at a location: for the planner, a school's request for a session.

    `windows` are alternatives (say Tuesday 9:00-12:00 or Thursday 13:00-15:00): service
    starts inside exactly one of them. `prize=None` makes the visit required; a number makes it
    optional and worth that many distance units, so an important request with a bigger prize
    wins over a less important one when both cannot fit. `skills` must all be held by the
    vehicle; `vehicles`, when given, names the only vehicles that may serve it.
    """

    name: str
    location: int
    windows: tuple[Window, ...] = ((0.0, INF),)
    service: float = 0.0
    demand: int = 0
    prize: float | None = None
    skills: frozenset[str] = frozenset()
    vehicles: frozenset[str] | None = None

    @classmethod
    def fixed(cls, name: str, location: int, vehicle: str | frozenset[str], at: float,
              service: float, demand: int = 0) -> Job:
        """A visit already confirmed: served by `vehicle`, starting at `at`, never left out.

        `vehicle` may name several vehicles: pinning a confirmed visit to all of one officer's
        days is the same as pinning it to the day it falls on (only that day's shift covers
        `at`), and lets every visit pinned to that officer share one routing profile."""
        names = frozenset({vehicle}) if isinstance(vehicle, str) else frozenset(vehicle)
        return cls(name=name, location=location, windows=((at, at),), service=service,
                   demand=demand, prize=None, vehicles=names)

    def allows(self, vehicle: Vehicle) -> bool:
        if not self.skills <= vehicle.skills:
            return False
        return self.vehicles is None or vehicle.name in self.vehicles


@dataclass
class Problem:
    """Vehicles, visits and the travel between their locations.

    Give `coordinates` (travel is then Euclidean distance, and duration equals distance, as
    in the Solomon benchmark) or a float `distances` matrix, and optionally a float
    `durations` matrix (defaults to `distances`). Location indices in vehicles and visits
    index these. `scale` and `rounding` say how the floats become PyVRP's integers:
    `round(value * scale)`, `int(value * scale)` for "trunc" (the DIMACS convention is scale
    10 with "trunc": every arc truncated to one decimal) or `ceil(value * scale)`.
    `duration_rounding` (default: as `rounding`) applies to travel times alone: "ceil" never
    makes a leg shorter than it is, so a schedule the solver finds feasible stays feasible
    when replayed with the exact travel times (the planner wants that; the benchmark's DIMACS
    convention truncates instead).
    """

    vehicles: Sequence[Vehicle]
    jobs: Sequence[Job]
    coordinates: Sequence[tuple[float, float]] | np.ndarray | None = None
    distances: np.ndarray | None = None
    durations: np.ndarray | None = None
    scale: float = 1.0
    rounding: Rounding = "round"
    duration_rounding: Rounding | None = None

    def distance_matrix(self) -> np.ndarray:
        """Travel distance between locations, in double precision."""
        if self.distances is not None:
            return np.asarray(self.distances, dtype=float)
        if self.coordinates is None:
            raise ValueError("a problem needs coordinates or a distance matrix")
        xy = np.asarray(self.coordinates, dtype=float)
        return np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1))

    def duration_matrix(self) -> np.ndarray:
        if self.durations is not None:
            return np.asarray(self.durations, dtype=float)
        return self.distance_matrix()


@dataclass(frozen=True)
class Stop:
    """A visit on a route. Times are the solver's schedule (in the caller's units): arrive,
    wait if early, start service inside window number `window`, leave at `end`."""

    visit: str
    location: int
    window: int
    arrival: float
    start: float
    end: float
    travel: float = 0.0  # distance of the leg into this stop, double precision

    @property
    def wait(self) -> float:
        return self.start - self.arrival


@dataclass(frozen=True)
class Route:
    vehicle: str
    stops: tuple[Stop, ...]
    departure: float
    arrival: float
    distance: float  # double precision, start depot to end depot
    duration: float  # return minus departure, in the solver's schedule

    @property
    def visits(self) -> list[str]:
        return [stop.visit for stop in self.stops]


class Why(enum.StrEnum):
    """Why a job is not in the solution: no vehicle may serve it (skills), none of the vehicles
    it is pinned to exists, or the search did not place it (it could not be reached in time, or
    was worth less than what it would have displaced: the caller can say which)."""

    NO_SKILLED_VEHICLE = "no_skilled_vehicle"
    NO_PINNED_VEHICLE = "no_pinned_vehicle"
    NOT_PLACED = "not_placed"


@dataclass(frozen=True)
class LeftOut:
    visit: str
    why: Why


@dataclass(frozen=True)
class Solution:
    routes: tuple[Route, ...]
    left_out: tuple[LeftOut, ...]
    distance: float  # double precision, all routes
    objective: int  # PyVRP's cost of the best solution, scaled integer units; -1 if infeasible
    scaled_distance: int  # the integer distance PyVRP minimised (value x scale, rounded)
    feasible: bool
    seconds: float
    iterations: int
    prizes: float = 0.0  # sum of the prizes of the optional visits served, caller's units

    @property
    def vehicles_used(self) -> int:
        return len(self.routes)

    def served(self) -> set[str]:
        return {stop.visit for route in self.routes for stop in route.stops}


class Progress:
    """A stopping criterion: stop after `seconds` (or `iterations`, or after
    `no_improvement` iterations without a better solution), telling `callback(fraction, best)`
    how far along the run is at most every `every` seconds."""

    def __init__(self, seconds: float, iterations: int | None = None,
                 no_improvement: int | None = None,
                 callback: Callable[[float, float], None] | None = None, every: float = 1.0):
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        self.seconds = seconds
        self.iterations = iterations
        self.no_improvement = no_improvement
        self.callback = callback
        self.every = every
        self._start: float | None = None
        self._last_report = -INF
        self._count = 0
        self._best = INF
        self._since_better = 0

    def __call__(self, best_cost: float) -> bool:
        now = time.perf_counter()
        if self._start is None:
            self._start = now
        self._count += 1
        if best_cost < self._best:
            self._best, self._since_better = best_cost, 0
        else:
            self._since_better += 1
        elapsed = now - self._start
        fraction = min(1.0, elapsed / self.seconds) if self.seconds else 1.0
        if self.iterations:
            fraction = max(fraction, min(1.0, self._count / self.iterations))
        done = (elapsed >= self.seconds
                or (self.iterations is not None and self._count > self.iterations)
                or (self.no_improvement is not None and self._since_better > self.no_improvement))
        if self.callback and (done or now - self._last_report >= self.every):
            self._last_report = now
            self.callback(1.0 if done else fraction, self._best)
        return done


def to_int(values: np.ndarray | float, scale: float, rounding: Rounding) -> np.ndarray:
    """Floats to PyVRP integers; infinities become PyVRP's 'no limit'."""
    array = np.asarray(values, dtype=float) * scale
    finite = np.isfinite(array)
    out = np.full(array.shape, _INT_MAX, dtype=np.int64)
    if rounding == "trunc":
        rounded = np.trunc(array[finite])
    elif rounding == "ceil":  # never shorter than the real value, bar float noise
        rounded = np.ceil(array[finite] - 1e-9)
    else:
        rounded = np.round(array[finite])
    out[finite] = rounded.astype(np.int64)
    return out


@dataclass
class _Built:
    data: ProblemData
    client_visit: list[tuple[int, int]]  # PyVRP client index -> (visit index, window index)
    vehicle_of_type: list[int]  # PyVRP vehicle type index -> vehicle index


def build(problem: Problem) -> _Built:
    """The PyVRP data for a problem (see the module notes for the mapping)."""
    vehicles, visits = list(problem.vehicles), list(problem.jobs)
    scale, rounding = problem.scale, problem.rounding
    dist = problem.distance_matrix()
    dur = problem.duration_matrix()
    n_locations = dist.shape[0]
    coords = (np.asarray(problem.coordinates, dtype=float) if problem.coordinates is not None
              else np.zeros((n_locations, 2)))

    for visit in visits:
        if not visit.windows:
            raise ValueError(f"visit {visit.name!r} has no time window")
        if visit.prize is None and not any(visit.allows(v) for v in vehicles):
            raise ValueError(f"required visit {visit.name!r} has no vehicle that may serve it")

    # Depots: one per distinct start or end location, first in the location list.
    depot_loc: list[int] = []
    for vehicle in vehicles:
        for loc in (vehicle.start, vehicle.start if vehicle.end is None else vehicle.end):
            if loc not in depot_loc:
                depot_loc.append(loc)
    depot_index = {loc: i for i, loc in enumerate(depot_loc)}
    # PyVRP locations: the depots, then one per visit.
    source = depot_loc + [visit.location for visit in visits]
    locations = [Location(x=float(coords[i][0]), y=float(coords[i][1])) for i in source]
    depots = [Depot(location=i) for i in range(len(depot_loc))]

    # Unreachable pairs (inf) and huge values become PyVRP's largest safe value.
    base_dist = np.minimum(to_int(dist[np.ix_(source, source)], scale, rounding), MAX_VALUE)
    base_dur = np.minimum(to_int(dur[np.ix_(source, source)], scale, problem.duration_rounding or rounding),
                          MAX_VALUE)
    np.fill_diagonal(base_dist, 0)
    np.fill_diagonal(base_dur, 0)

    dims = 1 if any(v.capacity is not None for v in vehicles) or any(x.demand for x in visits) else 0

    clients: list[Client] = []
    groups: list[ClientGroup] = []
    client_visit: list[tuple[int, int]] = []
    for vi, visit in enumerate(visits):
        loc = len(depot_loc) + vi
        required = visit.prize is None
        prize = 0 if required else int(to_int(visit.prize, scale, "round"))
        service = int(to_int(visit.service, scale, "round"))
        delivery = [visit.demand] if dims else []
        group = None
        if len(visit.windows) > 1:
            group = len(groups)
            groups.append(ClientGroup(required=required, name=visit.name))
        for wi, (early, late) in enumerate(visit.windows):
            clients.append(Client(
                location=loc, delivery=delivery, service_duration=service,
                tw_early=int(to_int(early, scale, "round")), tw_late=int(to_int(late, scale, "round")),
                prize=prize, required=required and group is None, group=group,
                name=visit.name if group is None else f"{visit.name}#{wi}",
            ))
            if group is not None:
                groups[group].add_client(len(clients) - 1)
            client_visit.append((vi, wi))

    # Profiles: vehicles that may serve the same visits share one.
    # What a vehicle may serve depends only on its skills and on whether a visit names it.
    pinned = set().union(*(visit.vehicles for visit in visits if visit.vehicles is not None))
    closed_for: dict[tuple, frozenset[int]] = {}
    signatures: dict[frozenset[int], int] = {}
    vehicle_profile: list[int] = []
    for vehicle in vehicles:
        key = (vehicle.skills, vehicle.name if vehicle.name in pinned else None)
        if key not in closed_for:
            closed_for[key] = frozenset(i for i, visit in enumerate(visits) if not visit.allows(vehicle))
        vehicle_profile.append(signatures.setdefault(closed_for[key], len(signatures)))
    distance_matrices, duration_matrices = [], []
    for closed in signatures:
        d, t = base_dist.copy(), base_dur.copy()
        if closed:
            cols = [len(depot_loc) + i for i in sorted(closed)]
            for matrix in (d, t):
                matrix[:, cols] = MAX_VALUE
                matrix[cols, :] = MAX_VALUE
                matrix[cols, cols] = 0
        distance_matrices.append(d)
        duration_matrices.append(t)

    vehicle_types = []
    for vehicle, profile in zip(vehicles, vehicle_profile):
        end = vehicle.start if vehicle.end is None else vehicle.end
        capacity = [] if not dims else [
            _INT_MAX // 4 if vehicle.capacity is None else vehicle.capacity]
        vehicle_types.append(VehicleType(
            num_available=vehicle.count,
            capacity=capacity,
            start_depot=depot_index[vehicle.start],
            end_depot=depot_index[end],
            fixed_cost=int(to_int(vehicle.fixed_cost, scale, "round")),
            tw_early=int(to_int(vehicle.shift[0], scale, "round")),
            tw_late=int(to_int(vehicle.shift[1], scale, "round")),
            shift_duration=int(to_int(vehicle.max_duration, scale, "round")),
            profile=profile,
            name=vehicle.name,
        ))

    data = ProblemData(locations, clients, depots, vehicle_types, distance_matrices,
                       duration_matrices, groups)
    return _Built(data, client_visit, list(range(len(vehicles))))


def solve(problem: Problem, seconds: float = 10.0, *, seed: int = 0,
          iterations: int | None = None, no_improvement: int | None = None,
          progress: Callable[[float, float], None] | None = None,
          initial: Sequence[tuple[str, Sequence[tuple[str, int]]]] | None = None,
          neighbours: int | None = None, history: int | None = None,
          perturbations: int | None = None) -> Solution:
    """Solve `problem` for at most `seconds` (or the other stopping criteria) with PyVRP.

    `initial` warm-starts the search from known routes, each (vehicle name, [(visit name,
    window index), ...]); PyVRP keeps the best solution it has seen, so a feasible start is
    never returned worse. `neighbours` (how many near visits a move looks at) and `history`
    (how far back the search compares a candidate when deciding to accept a worse one) default
    to PyVRP's own, as does `perturbations` (at most how many visits each step of the search
    moves at random before improving again); other values suit short runs of many small
    stretches, as in the planner."""
    vehicles, visits = list(problem.vehicles), list(problem.jobs)
    started = time.perf_counter()
    if not visits:
        return Solution((), (), 0.0, 0, 0, True, 0.0, 0)
    built = build(problem)
    stop = Progress(seconds, iterations, no_improvement, progress)
    start = _warm_start(built, problem, initial) if initial else None
    params = SolveParams()
    if neighbours is not None or history is not None or perturbations is not None:
        near = neighbours or params.neighbourhood.num_neighbours
        shake = perturbations or params.perturbation.max_perturbations
        params = SolveParams(
            neighbourhood=NeighbourhoodParams(num_neighbours=near),
            ils=IteratedLocalSearchParams(history_length=history or params.ils.history_length),
            perturbation=PerturbationParams(params.perturbation.min_perturbations, shake),
        )
    result = pyvrp_solve(built.data, stop=stop, seed=seed, collect_stats=False, display=False,
                         params=params, initial_solution=start)
    best = result.best

    dist = problem.distance_matrix()
    scale = problem.scale
    routes = []
    served: set[int] = set()
    allowed = True  # a closed arc costs MAX_VALUE but is only infeasible if time is bounded
    for pyvrp_route in best.routes():
        vehicle = vehicles[built.vehicle_of_type[pyvrp_route.vehicle_type()]]
        end_loc = vehicle.start if vehicle.end is None else vehicle.end
        stops, path = [], [vehicle.start]
        schedule = list(pyvrp_route.schedule())
        for activity in schedule:
            if not activity.is_client():
                continue
            vi, wi = built.client_visit[activity.idx]
            served.add(vi)
            visit = visits[vi]
            allowed = allowed and visit.allows(vehicle)
            stops.append(Stop(
                visit=visit.name, location=visit.location, window=wi,
                arrival=(activity.start_time - activity.wait_duration) / scale,
                start=activity.start_time / scale, end=activity.end_time / scale,
                travel=float(dist[path[-1], visit.location]),
            ))
            path.append(visit.location)
        path.append(end_loc)
        distance = float(sum(dist[a, b] for a, b in zip(path, path[1:])))
        departure, arrival = schedule[0].end_time / scale, schedule[-1].start_time / scale
        routes.append(Route(vehicle.name, tuple(stops), departure, arrival, distance,
                            arrival - departure))

    left_out = tuple(LeftOut(visit.name, _why_left_out(problem, visit))
                     for i, visit in enumerate(visits) if i not in served)
    return Solution(
        routes=tuple(routes),
        left_out=left_out,
        distance=float(sum(route.distance for route in routes)),
        objective=int(_cost(best)),
        scaled_distance=int(best.distance()),
        feasible=bool(best.is_feasible()) and allowed,
        seconds=time.perf_counter() - started,
        iterations=result.num_iterations,
        prizes=float(sum(visits[i].prize or 0.0 for i in served)),
    )


def _warm_start(built: _Built, problem: Problem, routes) -> PyVRPSolution:
    visit_index = {visit.name: i for i, visit in enumerate(problem.jobs)}
    type_of = {problem.vehicles[v].name: t for t, v in enumerate(built.vehicle_of_type)}
    client_of = {pair: i for i, pair in enumerate(built.client_visit)}
    pyvrp_routes = []
    for vehicle, stops in routes:
        if stops:
            clients = [client_of[visit_index[name], window] for name, window in stops]
            pyvrp_routes.append(PyVRPRoute(built.data, clients, type_of[vehicle]))
    return PyVRPSolution(built.data, pyvrp_routes)


def _cost(best) -> int:
    return CostEvaluator([0] * len(best.excess_load()), 0, 0).cost(best) if best.is_feasible() else -1


def _why_left_out(problem: Problem, visit: Job) -> Why:
    if any(visit.allows(v) for v in problem.vehicles):
        return Why.NOT_PLACED
    return Why.NO_SKILLED_VEHICLE if visit.vehicles is None else Why.NO_PINNED_VEHICLE
