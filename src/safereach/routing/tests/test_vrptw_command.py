"""`safereach vrptw FILE... --seconds N --json`."""

import json

import pytest
from django.core.management import CommandError, call_command

from safereach.routing import instances


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("vrptw", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.mark.shared_data
def test_json_for_both_formats_with_best_known_beside_the_vrplib_file(shared_data):
    folder = shared_data / "vrptw_solomon"
    printed = json.loads(run(folder / "vrplib" / "C101.vrp", folder / "solomon_txt" / "R101.txt",
                             "--seconds", "1", "--json"))
    assert printed["convention"] == "dimacs" and "DIMACS" in printed["objective"]
    c101, r101 = printed["instances"]
    assert (c101["instance"], r101["instance"]) == ("C101", "R101")
    for result, path in ((c101, folder / "vrplib" / "C101.vrp"), (r101, folder / "solomon_txt" / "R101.txt")):
        instance = instances.read_instance(path)
        assert result["feasible"] and result["violations"] == []
        assert instance.violations(result["routes"]) == []
        assert result["vehicles"] == len(result["routes"])
        assert result["distance"] == pytest.approx(instance.cost(result["routes"], "exact"), rel=1e-12)
        assert result["objective_distance"] == instance.cost(result["routes"], "dimacs")
    assert c101["best_known"]["distance_dimacs"] == 827.3 and c101["best_known"]["vehicles"] == 10
    assert c101["best_known"]["gap_pct"] >= 0
    assert r101["best_known"] is None  # no .sol beside the text file, no --bks


@pytest.mark.shared_data
def test_text_output_with_a_best_known_table(shared_data):
    folder = shared_data / "vrptw_solomon"
    text = run(folder / "solomon_txt" / "C201.txt", "--seconds", "0.5",
               "--bks", folder / "bks_solomon_pyvrp_dimacs.csv")
    first = text.splitlines()[0]
    assert first.startswith("C201: ") and "(double precision)" in first
    assert "best known 3 vehicles, 589.1" in first and "gap" in first
    assert "  route 1: " in text


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "nope.txt", "--seconds", "1")


def test_a_bad_file_is_an_error(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("X\n\nVEHICLE\nNUMBER CAPACITY\n 2 10\n\nCUSTOMER\n 0 1 2 3\n")
    with pytest.raises(CommandError, match="has 7 numbers"):
        run(path, "--seconds", "1")
