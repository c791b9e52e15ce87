"""The planner's real use in miniature: two officers over two days, six school requests.

Officer A holds the water-safety skill, officer B the knife-crime one. A visit already
confirmed is pinned to A on Monday at 10:00. One request can only be done on Tuesday
afternoon by A; so can another, and only one of the two fits: the higher prize must win, even
though the other school is nearer. One request needs a ten-hour session in a nine-hour day and
cannot fit at all. The plan is checked here from the model's data, not by the solver.
"""

import math

import numpy as np
import pytest

from safereach.routing.solver import Job, Problem, Vehicle, Why, solve

DAY = 24 * 60  # minutes
MON, TUE = 0, DAY
SPEED = 1.5  # minutes per km

PLACES = {  # km on a local grid
    "base A": (0, 0), "base B": (20, 0), "Ash Primary": (5, 5), "Birch Academy": (18, 6),
    "Cedar Infants": (3, -4), "Damson High": (10, 15), "Elm Primary": (2, 3), "Fir School": (8, -8),
}
INDEX = {name: i for i, name in enumerate(PLACES)}


def at(day: int, hour: float) -> float:
    return day + hour * 60


def week(high_prize: float = 1000.0, low_prize: float = 100.0) -> Problem:
    coordinates = np.array(list(PLACES.values()), dtype=float)
    km = np.sqrt(((coordinates[:, None] - coordinates[None]) ** 2).sum(-1))
    officers = {"A": ("base A", {"water-safety"}), "B": ("base B", {"knife-crime"})}
    vehicles = [
        Vehicle(name=f"{officer}-{day_name}", start=INDEX[base], shift=(at(day, 8), at(day, 17)),
                max_duration=8 * 60, skills=frozenset(skills))
        for officer, (base, skills) in officers.items()
        for day_name, day in (("mon", MON), ("tue", TUE))
    ]
    visits = [
        Job.fixed("Ash confirmed", INDEX["Ash Primary"], vehicle="A-mon", at=at(MON, 10), service=60),
        Job("Birch knife crime", INDEX["Birch Academy"], service=90, prize=500,
              windows=((at(MON, 9), at(MON, 11)), (at(TUE, 9), at(TUE, 11))),
              skills=frozenset({"knife-crime"})),
        Job("Cedar assembly", INDEX["Cedar Infants"], service=60, prize=300,
              windows=((at(MON, 13), at(MON, 15)), (at(TUE, 13), at(TUE, 15)))),
        Job("Damson water safety", INDEX["Damson High"], service=180, prize=high_prize,
              windows=((at(TUE, 13), at(TUE, 13.5)),), skills=frozenset({"water-safety"})),
        Job("Elm water safety", INDEX["Elm Primary"], service=180, prize=low_prize,
              windows=((at(TUE, 13), at(TUE, 13.5)),), skills=frozenset({"water-safety"})),
        Job("Fir full day", INDEX["Fir School"], service=600, prize=2000,
              windows=((at(MON, 8), at(MON, 17)), (at(TUE, 8), at(TUE, 17)))),
    ]
    return Problem(vehicles=vehicles, jobs=visits, distances=km, durations=km * SPEED, scale=100,
                   duration_rounding="ceil")


def check(problem: Problem, solution) -> None:
    """Feasibility from the model's own data: shifts, travel, windows, skills, pins, once each."""
    vehicles = {v.name: v for v in problem.vehicles}
    visits = {v.name: v for v in problem.jobs}
    km, minutes = problem.distance_matrix(), problem.duration_matrix()
    seen = []
    total = 0.0
    for route in solution.routes:
        vehicle = vehicles[route.vehicle]
        here, clock, distance = vehicle.start, route.departure, 0.0
        assert clock >= vehicle.shift[0] - 1e-6
        for stop in route.stops:
            visit = visits[stop.visit]
            seen.append(visit.name)
            assert visit.skills <= vehicle.skills, (visit.name, vehicle.name)
            assert visit.vehicles is None or vehicle.name in visit.vehicles
            arrival = clock + minutes[here, visit.location]
            # The solver rounds each leg's time up to 1/100 minute: never earlier than real.
            assert arrival - 1e-6 <= stop.arrival <= arrival + 0.01 * len(route.stops) + 1e-6
            early, late = visit.windows[stop.window]
            assert max(arrival, early) - 1e-6 <= stop.start <= late + 1e-6, visit.name
            assert stop.end == pytest.approx(stop.start + visit.service, abs=0.02)
            assert stop.travel == km[here, visit.location]
            distance += km[here, visit.location]
            here, clock = visit.location, stop.end
        back = clock + minutes[here, vehicle.start]
        distance += km[here, vehicle.start]
        assert back <= vehicle.shift[1] + 1e-6
        assert back - route.departure <= vehicle.max_duration + 1e-6
        assert route.distance == pytest.approx(distance, rel=1e-12)
        total += distance
    assert len(seen) == len(set(seen)), "a request was planned twice"
    assert solution.distance == pytest.approx(total, rel=1e-12)
    required = {v.name for v in problem.jobs if v.prize is None}
    assert required <= set(seen)
    assert {x.visit for x in solution.left_out} == set(visits) - set(seen)


def plan(problem):
    solution = solve(problem, seconds=300, seed=1, no_improvement=2000)  # iterations decide
    assert solution.feasible
    check(problem, solution)
    return solution, {stop.visit: (route.vehicle, stop) for route in solution.routes for stop in route.stops}


def test_officer_week_plan_is_feasible_and_priorities_win():
    problem = week()
    solution, where = plan(problem)

    assert where["Ash confirmed"][0] == "A-mon"
    assert where["Ash confirmed"][1].start == pytest.approx(at(MON, 10))
    assert where["Birch knife crime"][0].startswith("B-")
    assert "Cedar assembly" in where
    assert where["Damson water safety"][0] == "A-tue"
    left_out = {x.visit: x.why for x in solution.left_out}
    assert left_out == {"Elm water safety": Why.NOT_PLACED, "Fir full day": Why.NOT_PLACED}
    assert solution.prizes == 500 + 300 + 1000


def test_the_prize_decides_not_the_distance():
    """Swap the prizes and the nearer school wins instead: the choice follows priority."""
    _, where = plan(week(high_prize=100.0, low_prize=1000.0))
    assert "Elm water safety" in where and "Damson water safety" not in where


def test_the_alternative_day_used_matches_the_time():
    _, where = plan(week())
    vehicle, stop = where["Cedar assembly"]
    day = TUE if vehicle.endswith("tue") else MON
    assert stop.window == (0 if day == MON else 1)
    assert math.floor(stop.start / DAY) * DAY == day
