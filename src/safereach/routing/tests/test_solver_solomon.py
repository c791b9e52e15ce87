"""The solving core against published results on Solomon's VRPTW benchmark.

Objective: total distance, each arc's Euclidean length truncated to one decimal and used as
its travel time too (the DIMACS convention), the instance's fleet as an upper bound. The
best-known solutions in ../shared/data/vrptw_solomon are for that objective. Feasibility is
checked by `Instance.violations`, written from the instance data, never by PyVRP.
"""

import pytest

from safereach.routing import instances, solver

pytestmark = pytest.mark.shared_data


def read(shared_data, name):
    return instances.read_instance(shared_data / "vrptw_solomon" / "solomon_txt" / f"{name}.txt")


# Each search stops after a count of iterations without a better solution, the same on any
# machine; the seconds are a deadline far beyond it. How fast it gets there is bench/'s to say.
DEADLINE = 600
NO_BETTER = 5000


def test_c101_reaches_the_best_known_solution(shared_data):
    instance = read(shared_data, "C101")
    solution = solver.solve(instance.problem("dimacs"), seconds=DEADLINE, no_improvement=NO_BETTER, seed=0)
    routes = instance.routes_of(solution)
    assert instance.violations(routes, "dimacs") == []
    assert solution.vehicles_used == 10
    assert instance.cost(routes, "dimacs") <= 827.3 * 1.001
    # Reported in double precision: the classic figure for these routes is 828.94.
    assert solution.distance == pytest.approx(instance.cost(routes, "exact"), rel=1e-12)
    assert solution.distance <= 828.94 * 1.001


@pytest.mark.parametrize(("name", "optimum"), [("R101", 617.1), ("C101", 191.3)])
def test_a_small_instance_solved_to_its_optimum(shared_data, name, optimum):
    """Solomon's 25-customer instances (the first 25 customers); their optima, proved by
    exact methods under the same one-decimal truncation, are 617.1 (R101) and 191.3 (C101)."""
    instance = read(shared_data, name).head(25)
    solution = solver.solve(instance.problem("dimacs"), seconds=DEADLINE, no_improvement=3000, seed=0)
    routes = instance.routes_of(solution)
    assert _check(instance, routes) == []
    assert instance.cost(routes, "dimacs") == pytest.approx(optimum)


def test_exact_convention_gives_routes_feasible_in_double_precision(shared_data):
    instance = read(shared_data, "RC101").head(25)
    solution = solver.solve(instance.problem("exact"), seconds=DEADLINE, no_improvement=2000)
    routes = instance.routes_of(solution)
    assert instance.violations(routes, "exact") == []
    assert solution.distance == pytest.approx(solution.scaled_distance / 1000, abs=0.01)


def _check(instance, routes):
    """A second, deliberately plain check from the instance arrays: every customer once,
    capacity, and each service starting inside its window after truncated travel."""
    problems = []
    served = sorted(c for route in routes for c in route)
    if served != list(range(1, instance.customers + 1)):
        problems.append("customers not served exactly once")
    if len(routes) > instance.vehicles:
        problems.append("too many routes")
    for route in routes:
        if sum(int(instance.demand[c]) for c in route) > instance.capacity:
            problems.append(f"over capacity: {route}")
        time, here = 0.0, 0
        for c in [*route, 0]:
            (x1, y1), (x2, y2) = instance.coordinates[here], instance.coordinates[c]
            travel = int(10 * ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5) / 10
            time = max(time + travel, instance.ready[c])
            if time > instance.due[c]:
                problems.append(f"late at {c}")
            time += instance.service[c]
            here = c
    return problems
