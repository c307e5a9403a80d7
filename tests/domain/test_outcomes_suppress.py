"""Small-number suppression: at 4, 5 and 6, in derived figures, and from totals."""

from __future__ import annotations

import pytest

from app.domain.outcomes.suppress import (
    HIDDEN,
    SMALL,
    SMALL_BASE,
    Cell,
    count,
    is_small,
    percent,
    statistic,
    with_total,
)


@pytest.mark.parametrize(("n", "text", "value"), [(4, "<5", None), (5, "5", 5), (6, "6", 6),
                                                  (0, "<5", None), (1, "<5", None)])
def test_counts_at_the_threshold(n: int, text: str, value: int | None) -> None:
    assert count(n) == Cell(text, value)
    assert is_small(n) is (value is None)


def test_a_suppressed_cell_says_so_and_holds_no_number() -> None:
    assert count(4).suppressed and count(4).value is None
    assert not count(5).suppressed


@pytest.mark.parametrize(("people", "text"), [(4, SMALL_BASE), (5, "-1.5"), (6, "-1.5")])
def test_a_mean_needs_five_people_behind_it(people: int, text: str) -> None:
    assert statistic(-1.5, based_on=(people,)).text == text


def test_nothing_to_compute_is_not_shown_as_suppressed() -> None:
    assert statistic(None, based_on=(0,)) == Cell("-", None)
    assert percent(0, 0) == Cell("-", None)


@pytest.mark.parametrize(("part", "whole", "text"), [
    (4, 20, SMALL_BASE),  # 4 improved
    (5, 20, "25%"),
    (6, 20, "30%"),
    (16, 20, SMALL_BASE),  # 4 did not improve: 80% of 20 would give them away
    (15, 20, "75%"),
    (5, 9, SMALL_BASE),  # 4 did not
    (6, 11, "55%"),  # 54.5 rounds to 55
])
def test_a_percentage_hides_when_either_side_is_small(part: int, whole: int,
                                                      text: str) -> None:
    assert percent(part, whole).text == text


def test_one_small_part_beside_a_total_takes_the_next_smallest_with_it() -> None:
    # 20 - 10 - 7 = 3 would give the small part away; hiding 7 too leaves 0..4 for it.
    cells, total = with_total({"a": 10, "b": 3, "c": 7}, 20)
    assert {k: c.text for k, c in cells.items()} == {"a": "10", "b": SMALL, "c": HIDDEN}
    assert total.text == "20"
    assert cells["c"].value is None


def test_two_small_parts_that_could_each_be_several_values_need_nothing_more() -> None:
    # 19 - 12 = 7 split between two cells of 0..4: each is 3 or 4, not pinned.
    cells, total = with_total({"a": 4, "b": 3, "c": 12}, 19)
    assert {k: c.text for k, c in cells.items()} == {"a": SMALL, "b": SMALL, "c": "12"}
    assert total.text == "19"


def test_small_parts_at_their_ceiling_or_all_zero_are_protected() -> None:
    # 20 - 12 = 8 over two cells of at most 4: both must be 4.
    cells, _ = with_total({"a": 4, "b": 4, "c": 12}, 20)
    assert cells["c"].text == HIDDEN
    # 10 - 10 = 0: both small cells must be 0.
    cells, _ = with_total({"a": 0, "b": 0, "c": 10}, 10)
    assert {k: c.text for k, c in cells.items()} == {"a": SMALL, "b": SMALL, "c": HIDDEN}


def test_when_no_part_is_left_to_hide_the_total_is_hidden() -> None:
    # {5, 0} of 5: hiding the 5 still leaves 0 for the other, so the total goes too.
    cells, total = with_total({"a": 5, "b": 0}, 5)
    assert (cells["a"].text, cells["b"].text, total.text) == (HIDDEN, SMALL, HIDDEN)
    assert total.value is None


def test_a_small_total_protects_its_parts_by_itself() -> None:
    cells, total = with_total({"a": 2, "b": 1}, 3)
    assert [c.text for c in cells.values()] == [SMALL, SMALL]
    assert total.text == SMALL


def test_nothing_small_is_shown_as_it_is() -> None:
    cells, total = with_total({"a": 5, "b": 6}, 11)
    assert [c.text for c in cells.values()] == ["5", "6"] and total.text == "11"
