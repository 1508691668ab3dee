"""Suppression when the reader knows lower bounds from the row-level data of the same export
(the comments listed beside the tables): no hidden count may be pinned down by them either."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.exports.suppression import HIDDEN, SuppressedTable, small_marker, suppress

from .test_suppression import Options, grid, known_exactly, shown_grid

SMALL = small_marker()
PLAIN = Options()


def consistent(
    cells: Sequence[Sequence[int]], lower: Sequence[Sequence[int]], result: SuppressedTable
) -> list[list[list[int]]]:
    """Every table (in a window) agreeing with what is shown and with the lower bounds."""
    rows, columns = len(cells), len(cells[0])
    shown = shown_grid(result, PLAIN)
    truth, bound = grid(cells), grid(lower)

    def allowed(i: int, j: int, value: int) -> bool:
        mark = shown[i][j]
        if value < bound[i][j]:
            return False
        if mark is None:
            return True
        if known_exactly(i, j, rows, columns, PLAIN, mark):
            return value == truth[i][j]
        return value <= 4 if mark == SMALL else value >= 5

    def choices(i: int, j: int) -> range:
        mark = shown[i][j]
        if mark == SMALL:
            return range(bound[i][j], 5)
        if mark == HIDDEN:
            return range(max(5, bound[i][j]), truth[i][j] + 5)
        return range(truth[i][j], truth[i][j] + 1)

    per_row = [
        [
            list(values)
            for values in itertools.product(*(choices(i, j) for j in range(columns)))
            if allowed(i, columns, sum(values))
        ]
        for i in range(rows)
    ]
    found = []
    for combination in itertools.product(*per_row):
        totals = [sum(row[j] for row in combination) for j in range(columns)]
        if all(allowed(rows, j, totals[j]) for j in range(columns)) and allowed(
            rows, columns, sum(totals)
        ):
            found.append(grid(list(combination)))
    return found


@st.composite
def with_lower(draw: st.DrawFn) -> tuple[list[list[int]], list[list[int]]]:
    rows, columns = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    cells = [[draw(st.integers(0, 9)) for _ in range(columns)] for _ in range(rows)]
    lower = [[draw(st.integers(0, value)) for value in row] for row in cells]
    return cells, lower


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_lower())
def test_lower_bounds_pin_no_hidden_count(case: tuple[list[list[int]], list[list[int]]]) -> None:
    cells, lower = case
    result = suppress(cells, lower=lower)
    if result.withheld:
        return
    truth = grid(cells)
    shown = shown_grid(result, PLAIN)
    tables = consistent(cells, lower, result)
    assert truth in tables
    rows, columns = len(cells), len(cells[0])
    for i in range(rows + 1):
        for j in range(columns + 1):
            mark = shown[i][j]
            if isinstance(mark, int):
                assert mark == truth[i][j]
                assert not 0 < mark < 5, "no count of 1..4 is ever shown"
            elif mark == SMALL and grid(lower)[i][j] >= 4:
                continue  # the comments listed already say it is 4: nothing left to protect
            elif mark is not None:
                assert len({t[i][j] for t in tables}) > 1, (i, j, cells, lower, result)


def test_four_comments_listed_need_no_complement() -> None:
    # "<5" beside four listed comments says 4 anyway: hiding other cells would protect nothing.
    result = suppress([[4, 10], [10, 10]], lower=[[4, 0], [0, 0]])
    assert result.cells == ((SMALL, 10), (10, 10))
    assert result.hidden_count == 1  # 14 - 10 = 4 is what the comments say already


def test_without_comments_the_same_four_gets_complements() -> None:
    result = suppress([[4, 10], [10, 10]])
    assert result.cells[0][0] == SMALL
    assert result.hidden_count > 2


def test_three_comments_listed_still_need_protection() -> None:
    result = suppress([[3, 10], [10, 10]], lower=[[3, 0], [0, 0]])
    plain = suppress([[3, 10], [10, 10]])
    assert result.cells[0][0] == SMALL and result.hidden_count >= plain.hidden_count
