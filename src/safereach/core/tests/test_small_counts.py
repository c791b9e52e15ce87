"""Counts shared with partners: 1 to 4 read "fewer than 5", and no table gives one away."""

import pytest

from safereach.core.small_counts import FEWER_THAN_SMALL, NOT_SHOWN, shared_count, shared_table


@pytest.mark.parametrize(
    ("n", "shared", "text"),
    [
        (0, True, "0"),
        (1, True, "fewer than 5"),
        (4, True, "fewer than 5"),
        (4.4, True, "fewer than 5"),
        (4.6, True, "5"),
        (5, True, "5"),
        (1234, True, "1,234"),
        (3, False, "3"),
    ],
)
def test_a_count_as_shared(n, shared, text):
    assert shared_count(n, shared) == text


def test_a_table_without_small_counts_is_shown_as_it_is():
    assert shared_table({"North": 0, "South": 5, "East": 12}) == {"North": "0", "South": "5", "East": "12"}


def test_one_small_cell_hides_the_next_smallest_so_the_total_does_not_give_it_away():
    shown = shared_table({"North": 3, "South": 9, "East": 6, "West": 0})

    assert shown == {"North": FEWER_THAN_SMALL, "South": "9", "East": NOT_SHOWN, "West": "0"}


def test_two_small_cells_already_protect_each_other():
    assert shared_table({"North": 3, "South": 1, "East": 6}) == {
        "North": FEWER_THAN_SMALL,
        "South": FEWER_THAN_SMALL,
        "East": "6",
    }


def test_the_viewers_own_cells_are_exact_but_may_still_be_the_one_hidden_beside_a_small_cell():
    assert shared_table({"Ours": 2, "Theirs": 3}, exact={"Ours"}) == {
        "Ours": NOT_SHOWN,
        "Theirs": FEWER_THAN_SMALL,
    }
    assert shared_table({"Ours": 2, "Theirs": 30}, exact={"Ours"}) == {"Ours": "2", "Theirs": "30"}


def test_a_lone_small_cell_is_the_total_which_is_suppressed_with_it():
    assert shared_table({"North": 3, "South": 0}) == {"North": FEWER_THAN_SMALL, "South": "0"}
    assert shared_count(3, shared=True) == FEWER_THAN_SMALL


def test_a_cell_hidden_for_another_reason_counts_as_suppressed():
    # The pupils of a row whose visits were suppressed: hidden, and since it is the only one,
    # the next smallest goes too, so the total does not give it away.
    shown = shared_table({"North": 28, "South": 90, "East": 60}, hidden={"North"})
    assert shown == {"North": NOT_SHOWN, "South": "90", "East": NOT_SHOWN}
    # A hidden cell that is small reads "fewer than 5" as any small count does.
    shown = shared_table({"North": 3, "South": 90, "East": 60, "West": 40}, hidden={"North", "West"})
    assert shown == {"North": FEWER_THAN_SMALL, "South": "90", "East": "60", "West": NOT_SHOWN}
