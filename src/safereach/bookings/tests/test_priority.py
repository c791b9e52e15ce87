from safereach.bookings.priority import priority_for, target_school_ids
from safereach.matrix.models import Score, TargetList
from safereach.matrix.tests.factories import programme


def _current_list(slug, deciles):
    """A current target list of `slug` placing each school in its decile."""
    chosen = programme(slug)
    target_list = TargetList.objects.create(programme=chosen, profile_version=chosen.current_version())
    for rank, (school, decile) in enumerate(deciles.items(), start=1):
        Score.objects.create(target_list=target_list, programme=chosen, school=school, phase_group="primary",
                             score=100 - rank, rank=rank, decile=decile, contributions=[])
    return target_list


def test_no_school_is_a_target_until_the_matrix_has_scores(county):
    assert target_school_ids("home-fire-safety") == set()
    assert priority_for(county["school"], "home-fire-safety") is False


def test_a_programme_with_no_targeting_profile_has_no_target(county):
    assert target_school_ids("road-safety") == set()


def test_the_top_tenth_of_the_current_list_are_the_targets(county):
    _current_list("arson", {county["school"]: 1, county["other"]: 2})

    assert priority_for(county["school"], "arson") is True
    assert priority_for(county["other"], "arson") is False
    assert priority_for(county["school"], "hoax-calls") is False


def test_a_list_no_longer_current_names_no_target(county):
    old = _current_list("arson", {county["school"]: 1})
    old.is_current = False
    old.save()

    assert priority_for(county["school"], "arson") is False
