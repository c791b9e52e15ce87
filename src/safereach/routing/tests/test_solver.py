"""The solving core on small models built by hand."""

import numpy as np
import pytest

from safereach.routing import solver as solver_module
from safereach.routing.solver import Job, Problem, Progress, Vehicle, Why, _warm_start, build, solve, to_int

# Stopped by a count of iterations, which is the same on any machine; the seconds are only a
# deadline far beyond it, so a busy machine gets the same answer, later.
QUICK = {"seconds": 300, "no_improvement": 1000}


def line_problem(visits, vehicles=None, **kwargs) -> Problem:
    """Locations on a line at x = 0 (the depot), 1, 2, ... 9."""
    coordinates = [(float(x), 0.0) for x in range(10)]
    return Problem(vehicles=vehicles or [Vehicle("van", start=0, count=3)], jobs=visits,
                   coordinates=coordinates, **kwargs)


def test_required_visits_on_one_route_and_distance_in_double_precision():
    problem = line_problem([Job(str(i), i) for i in (3, 1, 2)], scale=1)
    solution = solve(problem, **QUICK)
    assert solution.feasible and solution.vehicles_used == 1
    assert solution.routes[0].visits in (["1", "2", "3"], ["3", "2", "1"])
    assert solution.distance == 6.0 and solution.routes[0].distance == 6.0
    assert solution.left_out == ()


def test_distance_comes_from_the_float_matrix_not_the_scaled_integers():
    d = np.array([[0, 1.26, 2.49], [1.26, 0, 1.24], [2.49, 1.24, 0]])
    problem = Problem(vehicles=[Vehicle("van", 0)], jobs=[Job("a", 1), Job("b", 2)],
                      distances=d, scale=1)
    solution = solve(problem, **QUICK)
    assert solution.scaled_distance == 1 + 1 + 2  # what PyVRP minimised, rounded
    assert solution.distance == pytest.approx(1.26 + 1.24 + 2.49)


def test_rounding_modes():
    values = np.array([1.04, 1.05, 1.96, 2.0, np.inf])
    assert to_int(values, 10, "trunc").tolist()[:4] == [10, 10, 19, 20]
    assert to_int(values, 10, "round").tolist()[:4] == [10, 10, 20, 20]
    assert to_int(values, 10, "ceil").tolist()[:4] == [11, 11, 20, 20]
    assert to_int(values, 10, "ceil")[4] == np.iinfo(np.int64).max


def test_alternative_windows_are_exclusive_and_the_used_one_reported():
    # The visit can be served early (0-10) or late (100-110); the van starts at 50.
    visit = Job("a", 5, windows=((0, 10), (100, 110)), service=2)
    problem = line_problem([visit], vehicles=[Vehicle("van", 0, shift=(50, 200))])
    solution = solve(problem, **QUICK)
    (stop,) = solution.routes[0].stops
    assert stop.window == 1 and stop.start == 100 and stop.end == 102
    # The van leaves as late as it can: no waiting at the school.
    assert solution.routes[0].departure == 95 and stop.arrival == 100 and stop.wait == 0
    assert sum(len(r.stops) for r in solution.routes) == 1


def test_optional_visit_left_out_when_its_prize_does_not_pay_for_the_trip():
    problem = line_problem([Job("near", 1, prize=10), Job("far", 9, prize=5)])
    solution = solve(problem, **QUICK)
    assert solution.served() == {"near"}
    ((left,),) = [[x for x in solution.left_out]]
    assert left.visit == "far" and left.why is Why.NOT_PLACED
    assert solution.prizes == 10


def test_skills_send_each_visit_to_a_vehicle_that_has_them_even_at_one_location():
    visits = [Job("first aid", 4, skills=frozenset({"medic"})),
              Job("fire", 4, skills=frozenset({"fire"}))]
    vehicles = [Vehicle("medic van", 0, skills=frozenset({"medic"})),
                Vehicle("fire van", 0, skills=frozenset({"fire", "water"}))]
    solution = solve(line_problem(visits, vehicles), **QUICK)
    assert solution.feasible
    assert {r.vehicle: r.visits for r in solution.routes} == {"medic van": ["first aid"],
                                                               "fire van": ["fire"]}


def test_vehicles_with_the_same_restrictions_share_a_routing_profile():
    visits = [Job("a", 1, skills=frozenset({"x"})), Job("b", 2),
              Job("c", 3, vehicles=frozenset({"v3"}))]
    vehicles = [Vehicle("v1", 0, skills=frozenset({"x"})), Vehicle("v2", 0, skills=frozenset({"x", "y"})),
                Vehicle("v3", 0), Vehicle("v4", 0)]
    data = build(line_problem(visits, vehicles)).data
    assert [vt.profile for vt in data.vehicle_types()] == [0, 0, 1, 2]
    assert data.num_profiles == 3


def test_a_pinned_fixed_visit_keeps_its_vehicle_and_time():
    visits = [Job.fixed("confirmed", 8, vehicle="b", at=30, service=5), Job("other", 7)]
    vehicles = [Vehicle("a", 0, shift=(0, 100)), Vehicle("b", 9, shift=(0, 100))]
    solution = solve(line_problem(visits, vehicles), **QUICK)
    route = {r.vehicle: r for r in solution.routes}["b"]
    stop = next(s for s in route.stops if s.visit == "confirmed")
    assert stop.start == 30


def test_capacity_splits_routes():
    visits = [Job(str(i), i, demand=6) for i in (1, 2, 3)]
    solution = solve(line_problem(visits, [Vehicle("van", 0, capacity=10, count=3)]), **QUICK)
    assert solution.feasible and solution.vehicles_used == 3


def test_shift_end_and_max_duration_bound_the_route():
    visits = [Job("a", 9, service=10, prize=1000)]
    short = solve(line_problem(visits, [Vehicle("van", 0, shift=(0, 27))]), **QUICK)
    assert short.served() == set() and short.left_out[0].why is Why.NOT_PLACED
    capped = solve(line_problem(visits, [Vehicle("van", 0, max_duration=27)]), **QUICK)
    assert capped.served() == set()
    fits = solve(line_problem(visits, [Vehicle("van", 0, shift=(0, 28), max_duration=28)]), **QUICK)
    assert fits.served() == {"a"} and fits.routes[0].arrival == 28


def test_a_separate_end_depot():
    solution = solve(line_problem([Job("a", 3)], [Vehicle("van", start=0, end=9)]), **QUICK)
    assert solution.distance == 9.0


def test_left_out_reasons_name_skills_and_pins():
    visits = [Job("a", 1, prize=5, skills=frozenset({"diving"})),
              Job("b", 2, prize=5, vehicles=frozenset({"ghost"}))]
    solution = solve(line_problem(visits), **QUICK)
    reasons = {x.visit: x.why for x in solution.left_out}
    assert reasons == {"a": Why.NO_SKILLED_VEHICLE, "b": Why.NO_PINNED_VEHICLE}


def test_a_required_visit_nobody_may_serve_is_a_modelling_error():
    with pytest.raises(ValueError, match="required visit 'a' has no vehicle"):
        solve(line_problem([Job("a", 1, skills=frozenset({"diving"}))]), **QUICK)


def test_nothing_to_visit():
    solution = solve(line_problem([]), seconds=1)
    assert solution.routes == () and solution.feasible and solution.distance == 0


def test_progress_reports_and_stops():
    seen = []
    stop = Progress(seconds=60, iterations=5, callback=lambda fraction, best: seen.append(fraction), every=0)
    calls = 0
    while not stop(100.0):
        calls += 1
    assert calls == 5 and seen[-1] == 1.0 and seen == sorted(seen)
    assert Progress(seconds=60, no_improvement=3)(1.0) is False


def test_progress_stops_when_its_seconds_are_up(monkeypatch):
    """The time limit, on a clock the test moves: the search stops at the first check after it."""
    now = [100.0]
    monkeypatch.setattr(solver_module.time, "perf_counter", lambda: now[0])
    stop = Progress(seconds=3)
    assert stop(50.0) is False  # the clock starts at the first check
    now[0] += 2.99
    assert stop(50.0) is False
    now[0] += 0.01
    assert stop(50.0) is True


def test_progress_reaches_the_caller_during_a_solve():
    seen = []
    solve(line_problem([Job(str(i), i) for i in range(1, 9)]), seconds=0.3,
          progress=lambda fraction, best: seen.append((fraction, best)))
    assert seen and seen[-1][0] == 1.0


def test_a_warm_start_is_never_returned_worse():
    """Started from routes already found, the search keeps them unless it finds better."""
    xy = [(0, 0), (10, 0), (10, 10), (0, 10), (5, 5)]
    problem = Problem(
        vehicles=[Vehicle("a", 0), Vehicle("b", 0)],
        jobs=[Job(name, i + 1) for i, name in enumerate("wxyz")],
        coordinates=xy,
    )
    # From the base to the centre, a corner, round the square and home: 30 + 10 * sqrt(2).
    start = [("a", [("z", 0), ("w", 0), ("x", 0), ("y", 0)])]
    warm = _warm_start(build(problem), problem, start)
    assert [r.vehicle_type() for r in warm.routes()] == [0]
    assert warm.distance() == 7 + 7 + 10 + 10 + 10  # each leg rounded, as PyVRP sees it
    solution = solve(problem, seconds=0.05, iterations=1, initial=start)
    assert solution.feasible and solution.served() == {"w", "x", "y", "z"}
    assert solution.distance <= 30 + 10 * 2**0.5 + 1e-9
