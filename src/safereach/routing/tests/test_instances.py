"""Reading VRPTW instances and best-known solutions, and the independent solution check."""

import numpy as np
import pytest

from safereach.routing import instances

SOLOMON_HEAD = """C101

VEHICLE
NUMBER     CAPACITY
  25         200

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      40         50          0          0       1236          0
    1      45         68         10        912        967         90
    2      45         70         30        825        870         90
"""


def solomon(shared_data, name):
    return shared_data / "vrptw_solomon" / "solomon_txt" / f"{name}.txt"


def vrplib(shared_data, name, suffix=".vrp"):
    return shared_data / "vrptw_solomon" / "vrplib" / f"{name}{suffix}"


@pytest.mark.shared_data
def test_both_formats_read_the_same_instance_for_all_56(shared_data):
    table = instances.read_best_known_table(shared_data / "vrptw_solomon" / "bks_solomon_pyvrp_dimacs.csv")
    assert len(table) == 56
    for name in table:
        text, lib = instances.read_instance(solomon(shared_data, name)), instances.read_instance(
            vrplib(shared_data, name))
        assert text.name == lib.name == name
        assert (text.customers, text.vehicles, text.capacity) == (lib.customers, lib.vehicles, lib.capacity)
        for field in ("coordinates", "demand", "ready", "due", "service"):
            assert np.array_equal(getattr(text, field), getattr(lib, field)), (name, field)


@pytest.mark.shared_data
def test_every_best_known_solution_is_feasible_and_costs_what_it_says(shared_data):
    """The independent check accepts all 56 published solutions under the DIMACS convention
    (SOURCE.md notes their time windows had not been re-checked), and their cost recomputed
    from the coordinates equals both the .sol file and the table."""
    table = instances.read_best_known_table(shared_data / "vrptw_solomon" / "bks_solomon_pyvrp_dimacs.csv")
    for name, row in table.items():
        instance = instances.read_instance(solomon(shared_data, name))
        best = instances.read_solution(vrplib(shared_data, name, ".sol"))
        assert instance.violations(best.routes, "dimacs") == [], name
        assert best.vehicles == row.vehicles
        assert instance.cost(best.routes, "dimacs") == pytest.approx(best.cost) == row.cost


@pytest.mark.shared_data
def test_some_best_known_solutions_are_late_in_double_precision(shared_data):
    """Truncating travel times makes routes a little faster than the real geometry: R102's
    best-known solution reaches customer 14 at 42.07, after its window closes at 42."""
    instance = instances.read_instance(solomon(shared_data, "R102"))
    best = instances.read_solution(vrplib(shared_data, "R102", ".sol"))
    late = instance.violations(best.routes, "exact")
    assert len(late) == 1 and "customer 14" in late[0]


@pytest.mark.shared_data
def test_c101_best_known_in_both_conventions(shared_data):
    instance = instances.read_instance(solomon(shared_data, "C101"))
    best = instances.read_solution(vrplib(shared_data, "C101", ".sol"))
    assert best.vehicles == 10
    assert instance.cost(best.routes, "dimacs") == pytest.approx(827.3)
    # The classic literature's figure for the same routes, in double precision.
    assert instance.cost(best.routes, "exact") == pytest.approx(828.94, abs=0.005)


@pytest.mark.shared_data
def test_the_check_names_every_kind_of_fault(shared_data):
    instance = instances.read_instance(solomon(shared_data, "C101"))
    best = instances.read_solution(vrplib(shared_data, "C101", ".sol")).routes

    missing = [route[:] for route in best]
    dropped = missing[0].pop()
    assert instance.violations(missing) == [f"customer {dropped} served 0 times"]

    twice = [route[:] for route in best]
    twice[1].append(twice[0][0])
    assert any("served 2 times" in p for p in instance.violations(twice))

    # Customer 5's window is 15-67; putting it after a whole route makes it late.
    late = [route[:] for route in best]
    late[0].remove(5)
    late[1].append(5)
    assert any("customer 5 served at" in p and "after its window closes at 67" in p
               for p in instance.violations(late))

    merged = [best[0] + best[1], *best[2:]]
    assert any("over capacity 200" in p for p in instance.violations(merged))

    split = [[c] for route in best for c in route]
    assert "100 routes but only 25 vehicles" in instance.violations(split)

    assert any("no customer 101" in p for p in instance.violations([*best, [101]]))


@pytest.mark.shared_data
def test_head_takes_the_first_customers(shared_data):
    small = instances.read_instance(solomon(shared_data, "R101")).head(25)
    assert small.name == "R101.25" and small.customers == 25 and len(small.coordinates) == 26


def test_solomon_text_read_from_a_minimal_file(tmp_path):
    path = tmp_path / "C101.txt"
    path.write_text(SOLOMON_HEAD.replace("\n", "\r\n"))
    instance = instances.read_instance(path)
    assert (instance.name, instance.customers, instance.vehicles, instance.capacity) == ("C101", 2, 25, 200)
    assert instance.coordinates.tolist() == [[40, 50], [45, 68], [45, 70]]
    assert instance.ready.tolist() == [0, 912, 825] and instance.due.tolist() == [1236, 967, 870]
    assert instance.service.tolist() == [0, 90, 90] and instance.demand.tolist() == [0, 10, 30]


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace("  25         200\n", ""), "no VEHICLE block"),
    (lambda t: t.replace("912        967         90", "912        967"),
     r"bad.txt:11: a customer row has 7 numbers, this has 6"),
    (lambda t: t.replace("    2      45", "    7      45"), r"bad.txt:12: customer 7 where 2 was due"),
])
def test_solomon_text_faults_name_the_file_and_line(tmp_path, change, message):
    path = tmp_path / "bad.txt"
    path.write_text(change(SOLOMON_HEAD))
    with pytest.raises(ValueError, match=message):
        instances.read_instance(path)


def test_vrplib_with_an_explicit_matrix(tmp_path):
    path = tmp_path / "tiny.vrp"
    path.write_text(
        "NAME : tiny\nTYPE : CVRPTW\nDIMENSION : 3\nVEHICLES : 2\nCAPACITY : 10\n"
        "EDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : FULL_MATRIX\n"
        "EDGE_WEIGHT_SECTION\n0 4 5\n4 0 3\n5 3 0\n"
        "DEMAND_SECTION\n1 0\n2 4\n3 5\nTIME_WINDOW_SECTION\n1 0 100\n2 0 50\n3 10 60\n"
        "SERVICE_TIME_SECTION\n1 0\n2 2\n3 2\nDEPOT_SECTION\n1\n-1\nEOF\n")
    instance = instances.read_instance(path)
    assert instance.customers == 2 and instance.vehicles == 2
    assert instance.matrix.tolist() == [[0, 4, 5], [4, 0, 3], [5, 3, 0]]
    assert instance.cost([[1, 2]]) == 12
    assert instance.violations([[1, 2]]) == []


def test_family():
    assert [instances.family(n) for n in ("C101", "c208", "R112", "RC105", "RC201", "X1")] == [
        "C1", "C2", "R1", "RC1", "RC2", "other"]
