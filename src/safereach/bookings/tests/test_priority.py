import sys
import types

from safereach.bookings.priority import priority_for, target_school_ids


def test_no_school_is_a_target_until_the_matrix_has_scores(county):
    assert target_school_ids("home-fire-safety") == set()
    assert priority_for(county["school"], "home-fire-safety") is False


def test_the_matrix_function_names_the_targets(county, monkeypatch):
    module = types.ModuleType("safereach.matrix.targets")
    module.top_decile_school_ids = lambda programme: [county["school"].pk] if programme == "arson" else []
    monkeypatch.setitem(sys.modules, "safereach.matrix.targets", module)

    assert priority_for(county["school"], "arson") is True
    assert priority_for(county["school"], "hoax-calls") is False
    assert priority_for(county["other"], "arson") is False
