"""The planner's solving core on the Solomon VRPTW benchmark, beside Google OR-Tools.

Both solvers get the same instances, the same integer data and the same time limit per
instance, one after the other in the same run. Objective: total distance with the instance's
fleet size (25, 50...) as an upper bound, every arc truncated to one decimal (the DIMACS
convention), because that is the objective of the best-known solutions we compare with
(`bks_solomon_pyvrp_dimacs.csv`, from PyVRP's instances / CVRPLIB); they are not the classic
"fewest vehicles first" table. Every solution is re-checked from the instance data alone
(each customer once, capacity, time windows, depot hours) and its distance is also printed in
double precision.

    python bench/bench_planner.py                  # all 56 instances, 10 s each per solver
    python bench/bench_planner.py --sample         # one instance per family
    python bench/bench_planner.py --sample C101,R205 --seconds 5

Then, in the same run, the real-world gain on the demo county's next term (`--county-only`
skips the Solomon part and keeps its figures in bench/results/planner.json): about 1,500
schools' requests, booked first-come-first-served (each request in arrival order takes the
cheapest feasible slot of the slot search schools use, least added travel) and planned by the
term planner from the same starting diaries; total travel of each, and high-priority (target
school) requests left out by each.

    python bench/bench_planner.py --county-only --county-requests 1500 --county-seconds 60
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from common import RESULTS, ROOT, report, setup_django

sys.path.insert(0, str(ROOT / "src"))

from safereach.routing import instances, solver  # noqa: E402

SHARED = Path(os.environ.get("SAFEREACH_SHARED_DATA", ROOT.parent / "shared" / "data"))
DATA = SHARED / "vrptw_solomon"
FAMILIES = ["C1", "C2", "R1", "R2", "RC1", "RC2"]
ONE_PER_FAMILY = "C101,C201,R101,R201,RC101,RC201"
CONVENTION = "dimacs"


def solve_ours(instance: instances.Instance, seconds: float, seed: int) -> list[list[int]] | None:
    solution = solver.solve(instance.problem(CONVENTION), seconds=seconds, seed=seed)
    return instance.routes_of(solution) if solution.feasible else None


def solve_ortools(instance: instances.Instance, seconds: float) -> list[list[int]] | None:
    """The textbook OR-Tools VRPTW model: arc cost = distance, a time dimension (travel plus
    service at the origin) with every customer's window, a capacity dimension; parallel
    cheapest insertion (path cheapest arc found no first solution for 7 of the 56 within
    10 s), then guided local search until the time limit. Same integers as ours."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    scale, rounding = instances.CONVENTIONS[CONVENTION]
    travel = solver.to_int(instance.distances("exact"), scale, rounding)
    service = solver.to_int(instance.service, scale, "round")
    ready = solver.to_int(instance.ready, scale, "round")
    due = solver.to_int(instance.due, scale, "round")
    n, fleet = instance.customers + 1, instance.vehicles
    horizon = int(due[0])

    manager = pywrapcp.RoutingIndexManager(n, fleet, 0)
    routing = pywrapcp.RoutingModel(manager)
    arc = routing.RegisterTransitMatrix(travel.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    busy = routing.RegisterTransitMatrix((travel + service[:, None]).tolist())
    routing.AddDimension(busy, horizon, horizon, False, "Time")
    clock = routing.GetDimensionOrDie("Time")
    for customer in range(1, n):
        clock.CumulVar(manager.NodeToIndex(customer)).SetRange(int(ready[customer]), int(due[customer]))
    for vehicle in range(fleet):
        clock.CumulVar(routing.Start(vehicle)).SetRange(int(ready[0]), horizon)
        clock.CumulVar(routing.End(vehicle)).SetRange(int(ready[0]), horizon)
    load = routing.RegisterUnaryTransitVector([int(q) for q in instance.demand])
    routing.AddDimensionWithVehicleCapacity(load, 0, [int(instance.capacity)] * fleet, True, "Load")

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    found = routing.SolveWithParameters(params)
    if found is None:
        return None
    routes = []
    for vehicle in range(fleet):
        index, route = found.Value(routing.NextVar(routing.Start(vehicle))), []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = found.Value(routing.NextVar(index))
        if route:
            routes.append(route)
    return routes


def measure(instance, routes, best) -> dict:
    if routes is None:
        return {"feasible": False, "problems": ["no feasible solution found"]}
    problems = instance.violations(routes, CONVENTION)
    cost = instance.cost(routes, CONVENTION)
    return {
        "feasible": not problems,
        "problems": problems[:5],
        "vehicles": len(routes),
        "distance_dimacs": cost,
        "distance_double": round(instance.cost(routes, "exact"), 3),
        "gap_pct": round(100 * (cost - best.cost) / best.cost, 3),
    }


def mean_gap(rows, key) -> float | None:
    gaps = [row[key]["gap_pct"] for row in rows if row[key]["feasible"]]
    return round(statistics.fmean(gaps), 3) if gaps else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", nargs="?", const=ONE_PER_FAMILY, default="",
                        help=f"comma-separated instances (alone: {ONE_PER_FAMILY}); default all 56")
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit per instance and solver")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--county-only", action="store_true", help="skip Solomon; only the county gain")
    parser.add_argument("--no-county", action="store_true", help="skip the county gain")
    parser.add_argument("--county-requests", type=int, default=1500)
    parser.add_argument("--county-seconds", type=float, default=60.0, help="the planner's time limit")
    parser.add_argument("--county-chunk-days", type=int, default=7, help="days the planner solves at a time")
    parser.add_argument("--county-workers", type=int, default=None,
                        help="processes the planner solves weeks in (default: the setting, one per core)")
    args = parser.parse_args()
    if args.county_only:
        return county_gain(args)
    code = solomon(args)
    if code or args.no_county:
        return code
    return county_gain(args)


def solomon(args) -> int:

    table_path = DATA / "bks_solomon_pyvrp_dimacs.csv"
    if not table_path.is_file():
        print(f"no Solomon instances under {DATA}; nothing to measure")
        return 1
    table = instances.read_best_known_table(table_path)
    names = [n.strip().upper() for n in args.sample.split(",") if n.strip()] or sorted(
        table, key=lambda n: (FAMILIES.index(instances.family(n)), n))
    unknown = [n for n in names if n not in table]
    if unknown:
        print(f"unknown instances: {', '.join(unknown)}")
        return 1

    rows = []
    started = time.perf_counter()
    for name in names:
        instance = instances.read_instance(DATA / "solomon_txt" / f"{name}.txt")
        best = table[name]
        ours = measure(instance, solve_ours(instance, args.seconds, args.seed), best)
        theirs = measure(instance, solve_ortools(instance, args.seconds), best)
        rows.append({"instance": name, "family": instances.family(name),
                     "bks_vehicles": best.vehicles, "bks_distance_dimacs": best.cost,
                     "planner": ours, "ortools": theirs})
        print(f"  {_row(rows[-1])}", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started

    header = (f"{'instance':<8} {'BKS':>12} | {'planner (PyVRP)':>22} {'gap':>7} | "
              f"{'OR-Tools GLS':>22} {'gap':>7}")
    lines = [
        f"Solomon VRPTW, {len(rows)} instances, {args.seconds:g} s per instance and solver, seed {args.seed}",
        "objective: total distance, arcs truncated to one decimal (DIMACS), fleet size from the instance",
        "as an upper bound; best-known solutions (BKS) are for that objective. Columns: vehicles /",
        "objective distance (double-precision distance); gap = objective distance vs BKS.",
        "",
        header,
        "-" * len(header),
        *[_row(row) for row in rows],
        "",
        f"{'family':<8} {'n':>3} {'BKS veh':>8} | {'planner veh':>11} {'mean gap':>9} | "
        f"{'OR-Tools veh':>12} {'mean gap':>9}",
    ]
    families = {}
    for fam in FAMILIES:
        group = [row for row in rows if row["family"] == fam]
        if not group:
            continue
        families[fam] = {
            "instances": len(group),
            "bks_vehicles": sum(row["bks_vehicles"] for row in group),
            # Vehicles summed over the instances a solver solved; see the infeasible counts.
            "planner_vehicles": sum(row["planner"].get("vehicles", 0) for row in group),
            "ortools_vehicles": sum(row["ortools"].get("vehicles", 0) for row in group),
            "planner_infeasible": sum(not row["planner"]["feasible"] for row in group),
            "ortools_infeasible": sum(not row["ortools"]["feasible"] for row in group),
            "planner_mean_gap_pct": mean_gap(group, "planner"),
            "ortools_mean_gap_pct": mean_gap(group, "ortools"),
        }
        f = families[fam]
        line = (f"{fam:<8} {len(group):>3} {f['bks_vehicles']:>8} | {f['planner_vehicles']:>11} "
                f"{_pct(f['planner_mean_gap_pct']):>9} | {f['ortools_vehicles']:>12} "
                f"{_pct(f['ortools_mean_gap_pct']):>9}")
        if f["planner_infeasible"] or f["ortools_infeasible"]:
            line += (f"   infeasible: planner {f['planner_infeasible']}, OR-Tools {f['ortools_infeasible']}"
                     " (their vehicles and gaps left out)")
        lines.append(line)
    figures = {
        "solomon_mean_gap_pct": mean_gap(rows, "planner"),
        "ortools_mean_gap_pct": mean_gap(rows, "ortools"),
        "solomon_infeasible": sum(not row["planner"]["feasible"] for row in rows),
        "ortools_infeasible": sum(not row["ortools"]["feasible"] for row in rows),
        "solomon_vehicles": sum(row["planner"].get("vehicles", 0) for row in rows),
        "ortools_vehicles": sum(row["ortools"].get("vehicles", 0) for row in rows),
        "bks_vehicles": sum(row["bks_vehicles"] for row in rows),
        "instances": len(rows),
        "sample": bool(args.sample),
        "seconds_per_instance": args.seconds,
        "seed": args.seed,
        "objective": "distance, DIMACS (arcs truncated to 0.1), fleet size as upper bound",
        "bks_source": "bks_solomon_pyvrp_dimacs.csv (PyVRP/Instances, CVRPLIB)",
        "wall_seconds": round(elapsed, 1),
        "families": families,
        "per_instance": rows,
    }
    lines += [
        "",
        f"mean gap to BKS   planner {_pct(figures['solomon_mean_gap_pct'])}   "
        f"OR-Tools {_pct(figures['ortools_mean_gap_pct'])}   (aim: planner under 0.5%)",
        f"vehicles          planner {figures['solomon_vehicles']}   OR-Tools {figures['ortools_vehicles']}   "
        f"BKS {figures['bks_vehicles']}",
        f"infeasible        planner {figures['solomon_infeasible']}   "
        f"OR-Tools {figures['ortools_infeasible']}   (checked from the instance data, not by either solver)",
    ]
    report("planner", figures, lines)
    return 0


def county_gain(args) -> int:
    """First-come-first-served booking against the term planner on the demo county's next term."""
    setup_django(scratch=True)
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from safereach.bookings.diary import at
    from safereach.bookings.models import Term, Visit
    from safereach.bookings.offers import Diaries
    from safereach.demo.schools import LA_CODE
    from safereach.demo.term_requests import add_term_requests
    from safereach.planning.term_plan import make_plan
    from safereach.routing import planner
    from safereach.workforce.models import Officer

    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)
        call_command("matrix", "build", stdout=quiet)  # target schools come from the matrix
    today = timezone.localdate()
    term = (Term.objects.filter(la_code=LA_CODE, starts_on__gt=today + timedelta(days=1))
            .order_by("starts_on").first())
    first, last = term.starts_on, term.ends_on
    bookings = add_term_requests(first, last, args.county_requests, seed=args.seed)
    officers = Officer.objects.count()
    print(f"county: {term.name} {first} to {last}, {len(bookings)} requests, {officers} officers",
          file=sys.stderr, flush=True)

    started = time.perf_counter()
    planned = make_plan(first, last, seconds=args.county_seconds, seed=args.seed,
                        chunk_days=args.county_chunk_days, workers=args.county_workers,
                        progress=lambda f: print(f"  planner {f:4.0%}", file=sys.stderr, flush=True))
    planner_seconds = time.perf_counter() - started
    targets = {r.key for r in planned.input.requests if r.is_target}

    # First come, first served: arrival order, cheapest feasible slot, written to the diary.
    started = time.perf_counter()
    fcfs_left_out = set()
    for booking in sorted(bookings, key=lambda b: b.pk):
        for session in booking.sessions.all():
            slots = Diaries(booking, session, today=today).slots()
            key = f"{booking.pk}:{session.pk}"
            if not slots:
                fcfs_left_out.add(key)
                continue
            slot = slots[0]
            Visit.objects.create(booking=booking, school=booking.school, session=session,
                                 officer_id=slot.officer_id, starts_at=at(slot.day, slot.start),
                                 ends_at=at(slot.day, slot.end), status=Visit.Status.HELD,
                                 added_travel_minutes=slot.added_travel)
    fcfs_seconds = time.perf_counter() - started
    # Travel of the diaries after first-come-first-served, with the planner's own travel-time table
    # (the same provider), over the same term: base to visits to base, each officer-day.
    fcfs = planner.current_plan(diaries_after(planned.input), planned.input.minutes, first, last)
    before, after = planned.before, planned.after
    added_fcfs, added_planner = fcfs.travel - before.travel, after.travel - before.travel
    figures = {
        "county_term": [first.isoformat(), last.isoformat()],
        "county_requests": len(planned.input.requests),
        "county_target_requests": len(targets),
        "county_officers": officers,
        "county_visits_already_in_diaries": len(planned.input.fixed),
        "county_travel_minutes_existing_visits": round(before.travel, 1),
        "county_travel_minutes_fcfs": round(fcfs.travel, 1),
        "county_travel_minutes_planner": round(after.travel, 1),
        "county_added_travel_minutes_fcfs": round(added_fcfs, 1),
        "county_added_travel_minutes_planner": round(added_planner, 1),
        "county_travel_reduction_pct": round(100 * (fcfs.travel - after.travel) / fcfs.travel, 2),
        "county_added_travel_reduction_pct": round(100 * (added_fcfs - added_planner) / added_fcfs, 2),
        "county_served_fcfs": len(planned.input.requests) - len(fcfs_left_out),
        "county_served_planner": len(after.proposed),
        "county_high_priority_left_out_fcfs": len(fcfs_left_out & targets),
        "county_high_priority_left_out_planner": len(set(after.left_out) & targets),
        "county_planner_feasible": after.feasible,
        "county_planner_seconds_asked": args.county_seconds,
        "county_planner_chunk_days": args.county_chunk_days,
        "county_planner_workers": args.county_workers or settings.SAFEREACH_PLANNER["WORKERS"],
        "county_planner_wall_seconds": round(planner_seconds, 1),
        "county_fcfs_wall_seconds": round(fcfs_seconds, 1),
        "county_travel_provider": "estimate (settings.SAFEREACH_TRAVEL)",
    }
    per_visit = lambda travel, served: travel / served if served else float("nan")  # noqa: E731
    lines = [
        "",
        f"Demo county, {term.name} ({first} to {last}): {figures['county_requests']} open requests "
        f"({len(targets)} from target schools), {officers} officers, "
        f"{figures['county_visits_already_in_diaries']} "
        "visits already in diaries",
        f"{'':<28} {'served':>7} {'targets left out':>17} {'travel (min)':>13} {'added travel':>13} "
        f"{'min/visit':>10}",
        f"{'first come, first served':<28} {figures['county_served_fcfs']:>7} "
        f"{figures['county_high_priority_left_out_fcfs']:>17} {fcfs.travel:>13.0f} {added_fcfs:>13.0f} "
        f"{per_visit(added_fcfs, figures['county_served_fcfs']):>10.1f}",
        f"{'term planner':<28} {figures['county_served_planner']:>7} "
        f"{figures['county_high_priority_left_out_planner']:>17} {after.travel:>13.0f} "
        f"{added_planner:>13.0f} "
        f"{per_visit(added_planner, figures['county_served_planner']):>10.1f}",
        f"county_travel_reduction_pct {figures['county_travel_reduction_pct']:.2f}% "
        f"(added travel {figures['county_added_travel_reduction_pct']:.2f}%); planner asked "
        f"{args.county_seconds:g} s, took {planner_seconds:.1f} s "
        f"in {figures['county_planner_workers']} processes",
    ]
    path = RESULTS / "planner.json"
    existing = json.loads(path.read_text()) if path.is_file() else {}
    report("planner", {**existing, **figures}, lines)
    return 0


def diaries_after(term_input):
    """The term's officers' diaries read afresh by the one reader, with the planner's place
    indices (so its travel table serves)."""
    from safereach.bookings.diary import Places, read_diaries
    from safereach.workforce.models import Officer

    places = Places()
    for lon, lat in term_input.places:
        places(lon, lat)
    ids = [d.officer_id for d in term_input.diaries]
    officers = Officer.objects.filter(pk__in=ids).select_related("base")
    diaries = read_diaries(officers, term_input.first_day, term_input.last_day, places)
    assert len(places.lonlat) == len(term_input.places), "a visit at a place the planner never saw"
    return list(diaries.values())


def _row(row) -> str:
    def cell(result):
        if not result["feasible"]:
            return f"{'infeasible':>22} {'':>7}"
        text = (f"{result['vehicles']:>2} / {result['distance_dimacs']:7.1f} "
                f"({result['distance_double']:7.2f})")
        return f"{text:>22} {_pct(result['gap_pct']):>7}"

    bks = f"{row['bks_vehicles']:>2} / {row['bks_distance_dimacs']:7.1f}"
    return f"{row['instance']:<8} {bks:>12} | {cell(row['planner'])} | {cell(row['ortools'])}"


def _pct(value) -> str:
    return "n/a" if value is None else f"{value:+.2f}%"


if __name__ == "__main__":
    sys.exit(main())
