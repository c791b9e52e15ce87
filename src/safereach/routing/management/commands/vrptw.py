"""`safereach vrptw FILE... --seconds N [--json]`: solve VRPTW benchmark instances with the
planner's solving core, so anyone can check it against published results."""

import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safereach.routing import instances, solver

OBJECTIVE = {
    "dimacs": ("total distance, every arc truncated to one decimal (DIMACS), the instance's fleet "
               "size as an upper bound; comparable with the PyVRP/CVRPLIB best-known solutions"),
    "exact": "total distance in double precision, the instance's fleet size as an upper bound",
}


class Command(BaseCommand):
    help = ("Solve VRPTW instances (Solomon text or VRPLIB) with the planner's solving core; print "
            "vehicles used, total distance in double precision and the routes of each.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--seconds", type=float, default=10.0, help="time limit per instance (10)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--convention", choices=sorted(instances.CONVENTIONS), default="dimacs",
                            help="how arcs are measured for the objective and the time windows "
                                 "(default dimacs, the convention of the best-known solutions)")
        parser.add_argument("--bks", default="",
                            help="best-known solutions: a CSV table (instance,bks_routes,"
                                 "bks_cost_dimacs) or a .sol file; by default a .sol beside each file")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, files, seconds, seed, convention, bks, json: bool = False, **opts):
        if seconds <= 0:
            raise CommandError("--seconds must be positive")
        table = {}
        if bks and bks.endswith(".csv"):
            table = instances.read_best_known_table(bks)
        results = []
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                instance = instances.read_instance(path)
            except (ValueError, KeyError) as error:
                raise CommandError(f"{path}: {error}") from None
            results.append(self.run(instance, path, seconds, seed, convention, bks, table))
        if json:
            self.stdout.write(_dumps({"objective": OBJECTIVE[convention], "convention": convention,
                                      "seconds": seconds, "seed": seed, "instances": results}))
        else:
            for result in results:
                self.write_text(result)

    def run(self, instance, path, seconds, seed, convention, bks, table) -> dict:
        solution = solver.solve(instance.problem(convention), seconds=seconds, seed=seed)
        routes = instance.routes_of(solution)
        violations = instance.violations(routes, convention)
        result = {
            "instance": instance.name,
            "file": str(path),
            "customers": instance.customers,
            "vehicles": solution.vehicles_used,
            "distance": instance.cost(routes, "exact"),
            "objective_distance": instance.cost(routes, convention),
            "feasible": solution.feasible and not violations,
            "violations": violations,
            "solve_seconds": round(solution.seconds, 3),
            "iterations": solution.iterations,
            "routes": routes,
        }
        best = None
        sol = Path(bks) if bks.endswith(".sol") else path.with_suffix(".sol")
        if instance.name in table:
            row = table[instance.name]
            best = {"vehicles": row.vehicles, "distance_dimacs": row.cost}
        elif sol.is_file():
            known = instances.read_solution(sol)
            best = {"vehicles": known.vehicles, "distance_dimacs": known.cost}
        if best and convention == "dimacs":
            best["gap_pct"] = round(100 * (result["objective_distance"] - best["distance_dimacs"])
                                    / best["distance_dimacs"], 3)
        result["best_known"] = best
        return result

    def write_text(self, result: dict) -> None:
        line = (f"{result['instance']}: {result['vehicles']} vehicles, distance "
                f"{result['distance']:.2f} (double precision), {result['objective_distance']:.1f} "
                f"objective, {'feasible' if result['feasible'] else 'INFEASIBLE'}")
        if result["best_known"]:
            best = result["best_known"]
            line += f"; best known {best['vehicles']} vehicles, {best['distance_dimacs']:.1f}"
            if "gap_pct" in best:
                line += f" (gap {best['gap_pct']:+.2f}%)"
        self.stdout.write(line)
        for violation in result["violations"]:
            self.stdout.write(f"  problem: {violation}")
        for number, route in enumerate(result["routes"], start=1):
            self.stdout.write(f"  route {number}: {' '.join(map(str, route))}")


def _dumps(value) -> str:
    """Indented JSON with each list of numbers (a route) kept on one line."""
    text = json.dumps(value, indent=2)
    return re.sub(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]",
                  lambda m: "[" + ", ".join(m.group(1).replace(",", " ").split()) + "]", text)
