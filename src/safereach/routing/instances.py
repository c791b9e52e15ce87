"""VRPTW benchmark instances (Solomon text and VRPLIB), their best-known solutions, and an
independent check of any solution against the instance data.

An `Instance` keeps the depot in row 0 and customers 1..n in Solomon's numbering; routes are
lists of customer numbers, the depot left implicit at both ends (the numbering of VRPLIB
`.sol` files too).

Two ways to measure a route, called conventions here:

* ``"dimacs"``: every arc's Euclidean length truncated to one decimal, used as both distance
  and travel time (the 12th DIMACS challenge rule). The best-known solutions shipped with
  PyVRP's instances, and so in ``bks_solomon_pyvrp_dimacs.csv``, are *distance-minimising
  under this convention with the instance's fleet as an upper bound*: that is the objective
  the benchmark solves, and the only one their costs can be compared with.
* ``"exact"``: double precision Euclidean distance, the classic literature's measure.

Every figure we print gives the double precision distance too, whatever the objective.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from safereach.routing import solver

Convention = Literal["dimacs", "exact"]
CONVENTIONS: dict[str, tuple[float, solver.Rounding]] = {
    # name: (scale, rounding) of PyVRP's integers
    "dimacs": (10.0, "trunc"),
    "exact": (1000.0, "round"),
}


@dataclass(frozen=True)
class Instance:
    name: str
    coordinates: np.ndarray  # (n + 1, 2), depot first
    demand: np.ndarray
    ready: np.ndarray
    due: np.ndarray
    service: np.ndarray
    capacity: int
    vehicles: int
    matrix: np.ndarray | None = None  # explicit distances when the file gives them

    @property
    def customers(self) -> int:
        return len(self.demand) - 1

    def head(self, customers: int) -> Instance:
        """The depot and the first `customers` customers: Solomon's 25- and 50-customer
        instances are defined this way from the 100-customer ones."""
        keep = slice(0, customers + 1)
        return Instance(
            name=f"{self.name}.{customers}", coordinates=self.coordinates[keep], demand=self.demand[keep],
            ready=self.ready[keep], due=self.due[keep], service=self.service[keep],
            capacity=self.capacity, vehicles=self.vehicles,
            matrix=None if self.matrix is None else self.matrix[keep, keep],
        )

    def distances(self, convention: Convention = "exact") -> np.ndarray:
        """Arc lengths (also travel times) under a convention, as floats."""
        if self.matrix is not None:
            exact = np.asarray(self.matrix, dtype=float)
        else:
            xy = self.coordinates
            exact = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1))
        if convention == "exact":
            return exact
        if convention == "dimacs":
            return np.trunc(exact * 10.0) / 10.0
        raise ValueError(f"unknown convention {convention!r}")

    def problem(self, convention: Convention = "dimacs") -> solver.Problem:
        """The instance as a solver problem: `vehicles` identical vehicles with the depot's
        time window as their shift; every customer a required visit with its one window.
        Distances are exact doubles; the convention's scale and rounding turn them into the
        integers PyVRP minimises."""
        scale, rounding = CONVENTIONS[convention]
        fleet = solver.Vehicle(name="vehicle", start=0, shift=(float(self.ready[0]), float(self.due[0])),
                               capacity=int(self.capacity), count=int(self.vehicles))
        visits = [
            solver.Job(name=str(c), location=c, windows=((float(self.ready[c]), float(self.due[c])),),
                         service=float(self.service[c]), demand=int(self.demand[c]))
            for c in range(1, self.customers + 1)
        ]
        return solver.Problem(vehicles=[fleet], jobs=visits,
                              coordinates=self.coordinates if self.matrix is None else None,
                              distances=self.matrix, scale=scale, rounding=rounding)

    def cost(self, routes: list[list[int]], convention: Convention = "exact") -> float:
        """Total length of routes (customer numbers), depot to depot."""
        d = self.distances(convention)
        total = 0.0
        for route in routes:
            path = [0, *route, 0]
            total += sum(d[a, b] for a, b in zip(path, path[1:]))
        return round(total, 1) if convention == "dimacs" else total

    def violations(self, routes: list[list[int]], convention: Convention = "dimacs") -> list[str]:
        """Everything wrong with routes, checked from the instance data alone: every customer
        exactly once, at most `vehicles` routes, load within capacity, service starting
        inside each customer's window after the travel and earlier services, and every
        vehicle back at the depot before it closes. Empty when the solution is feasible."""
        d = self.distances(convention)
        problems = []
        seen: dict[int, int] = {}
        non_empty = [route for route in routes if route]
        if len(non_empty) > self.vehicles:
            problems.append(f"{len(non_empty)} routes but only {self.vehicles} vehicles")
        for r, route in enumerate(non_empty, start=1):
            load, now, here = 0, float(self.ready[0]), 0
            for c in route:
                if not 1 <= c <= self.customers:
                    problems.append(f"route {r}: no customer {c}")
                    continue
                seen[c] = seen.get(c, 0) + 1
                load += int(self.demand[c])
                now = max(now + d[here, c], float(self.ready[c]))
                if now > self.due[c] + 1e-9:
                    problems.append(f"route {r}: customer {c} served at {now:.2f}, after its "
                                    f"window closes at {self.due[c]:g}")
                now += float(self.service[c])
                here = c
            now += d[here, 0]
            if now > self.due[0] + 1e-9:
                problems.append(f"route {r}: back at the depot at {now:.2f}, after {self.due[0]:g}")
            if load > self.capacity:
                problems.append(f"route {r}: load {load} over capacity {self.capacity}")
        for c in range(1, self.customers + 1):
            if seen.get(c, 0) != 1:
                problems.append(f"customer {c} served {seen.get(c, 0)} times")
        return problems

    def routes_of(self, solution: solver.Solution) -> list[list[int]]:
        """A solver solution of `problem()` as routes of customer numbers."""
        return [[int(name) for name in route.visits] for route in solution.routes]


@dataclass(frozen=True)
class BestKnown:
    """A best-known solution: its routes (customer numbers) and its cost as published."""

    routes: list[list[int]]
    cost: float

    @property
    def vehicles(self) -> int:
        return len(self.routes)


@dataclass(frozen=True)
class BestKnownRow:
    instance: str
    vehicles: int
    cost: float  # DIMACS convention, distance-minimising


def read_instance(path: str | Path) -> Instance:
    """A VRPTW instance in either format, told apart by its content."""
    path = Path(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    if re.search(r"^\s*NODE_COORD_SECTION", text, re.M) or re.search(r"^\s*DIMENSION\s*:", text, re.M):
        return read_vrplib(path)
    return read_solomon(path, text)


def read_solomon(path: str | Path, text: str | None = None) -> Instance:
    """Solomon's text format: the name, a VEHICLE block (NUMBER CAPACITY) and a CUSTOMER
    block of 7 columns (number, x, y, demand, ready time, due date, service time), depot 0."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if text is None else text
    lines = text.splitlines()
    name = next((line.strip() for line in lines if line.strip()), "")
    vehicles = capacity = None
    rows: list[list[float]] = []
    section = None
    for number, line in enumerate(lines, start=1):
        words = line.split()
        if not words:
            continue
        upper = line.upper()
        if upper.strip() in ("VEHICLE", "CUSTOMER"):
            section = upper.strip()
            continue
        if not _numeric(words):
            continue
        if section == "VEHICLE" and len(words) == 2:
            vehicles, capacity = int(words[0]), int(words[1])
        elif section == "CUSTOMER":
            if len(words) != 7:
                raise ValueError(f"{path}:{number}: a customer row has 7 numbers, this has {len(words)}")
            if float(words[0]) != len(rows):
                raise ValueError(f"{path}:{number}: customer {words[0]} where {len(rows)} was due: "
                                 "customers are numbered 0 (the depot), 1, 2, ... in order")
            rows.append([float(w) for w in words])
        else:
            raise ValueError(f"{path}:{number}: numbers outside the VEHICLE and CUSTOMER blocks")
    if vehicles is None or capacity is None:
        raise ValueError(f"{path}: no VEHICLE block with NUMBER and CAPACITY")
    if not rows:
        raise ValueError(f"{path}: no customers")
    table = np.array(rows)
    return Instance(
        name=name, coordinates=table[:, 1:3].copy(), demand=table[:, 3].astype(int),
        ready=table[:, 4].copy(), due=table[:, 5].copy(), service=table[:, 6].copy(),
        capacity=capacity, vehicles=vehicles,
    )


def read_vrplib(path: str | Path) -> Instance:
    """A VRPLIB (CVRPTW) instance, read with the `vrplib` package. One depot; node 1 in the
    file (index 0 here) is expected to be it."""
    import vrplib

    path = Path(path)
    data = vrplib.read_instance(str(path), compute_edge_weights=False)
    depots = np.atleast_1d(data.get("depot", [0]))
    if len(depots) != 1 or int(depots[0]) != 0:
        raise ValueError(f"{path}: one depot, the first node, is supported (got {list(depots)})")
    if "node_coord" in data:
        coords = np.asarray(data["node_coord"], dtype=float)
        n = len(coords)
    else:
        coords = None
        n = int(data["dimension"])
    matrix = None
    if data.get("edge_weight_type", "EUC_2D") not in ("EUC_2D",):
        matrix = np.asarray(vrplib.read_instance(str(path))["edge_weight"], dtype=float)
    if coords is None:
        coords = np.zeros((n, 2))
    windows = np.asarray(data.get("time_window", [[0, math.inf]] * n), dtype=float)
    service = np.broadcast_to(np.asarray(data.get("service_time", 0), dtype=float), (n,)).copy()
    service[0] = 0.0
    demand = np.asarray(data.get("demand", np.zeros(n)), dtype=int)
    return Instance(
        name=str(data.get("name", path.stem)), coordinates=coords, demand=demand,
        ready=windows[:, 0].copy(), due=windows[:, 1].copy(), service=service,
        capacity=int(data["capacity"]), vehicles=int(data.get("vehicles", n - 1)), matrix=matrix,
    )


def read_solution(path: str | Path) -> BestKnown:
    """A VRPLIB solution file (`Route #k: c1 c2 ...` lines and `Cost X`)."""
    import vrplib

    data = vrplib.read_solution(str(path))
    return BestKnown(routes=[[int(c) for c in route] for route in data["routes"]],
                     cost=float(data["cost"]))


def read_best_known_table(path: str | Path) -> dict[str, BestKnownRow]:
    """`bks_solomon_pyvrp_dimacs.csv`: instance, bks_routes, bks_cost_dimacs per row."""
    with open(path, newline="", encoding="utf-8") as handle:
        return {
            row["instance"]: BestKnownRow(row["instance"], int(row["bks_routes"]),
                                          float(row["bks_cost_dimacs"]))
            for row in csv.DictReader(handle)
        }


def family(name: str) -> str:
    """Solomon family of an instance name: C101 -> C1, RC208 -> RC2."""
    match = re.fullmatch(r"(RC|R|C)(\d)\d\d", name.upper())
    if not match:
        return "other"
    return match.group(1) + match.group(2)


def _numeric(words: list[str]) -> bool:
    try:
        [float(w) for w in words]
    except ValueError:
        return False
    return True
