"""Small-cell suppression: rules, examples, and three independent attackers as properties.

The attackers here do not share code with the module: one subtracts within each line, one solves
the linear equations exactly with fractions, one enumerates every table consistent with what is
shown (bounds included) for small tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.exports.suppression import (
    HIDDEN,
    Shown,
    SuppressedTable,
    is_hidden,
    show_count,
    small_marker,
    suppress,
    suppress_counts,
)

SMALL = small_marker()


# --- the published grid, as a reader sees it ------------------------------------------------------


@dataclass(frozen=True)
class Options:
    row_totals: bool = True
    column_totals: bool = True
    public_column_totals: bool = False
    public_grand_total: bool = False


def grid(cells: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with a totals column and a totals row."""
    rows = [[*row, sum(row)] for row in cells]
    columns = len(cells[0])
    totals = [sum(row[j] for row in cells) for j in range(columns)]
    return [*rows, [*totals, sum(totals)]]


def shown_grid(result: SuppressedTable, options: Options) -> list[list[Shown | None]]:
    """What is published at each grid position; None where nothing is published."""
    rows = len(result.cells)
    out: list[list[Shown | None]] = []
    for i in range(rows):
        total = result.row_totals[i] if result.row_totals is not None else None
        out.append([*result.cells[i], total])
    columns = len(result.cells[0])
    totals: list[Shown | None] = (
        list(result.column_totals) if result.column_totals is not None else [None] * columns
    )
    out.append([*totals, result.grand_total])
    return out


def known_exactly(
    i: int, j: int, rows: int, columns: int, options: Options, shown: Shown | None
) -> bool:
    if shown is None:
        return False
    if i == rows and j < columns and options.public_column_totals:
        return True
    if i == rows and j == columns and options.public_grand_total:
        return True
    return not is_hidden(shown)


def lines(rows: int, columns: int) -> list[list[tuple[int, int]]]:
    """Every row and column of the grid; the last position of each is its total."""
    out = [[(i, j) for j in range(columns + 1)] for i in range(rows + 1)]
    out += [[(i, j) for i in range(rows + 1)] for j in range(columns + 1)]
    return out


# --- attacker 1: subtract within a line ---------------------------------------------------------


def line_recoveries(
    cells: Sequence[Sequence[int]], result: SuppressedTable, options: Options
) -> list[tuple[int, int]]:
    """Hidden positions that one line's visible entries and visible total give away."""
    if result.withheld:
        return []
    rows, columns = len(cells), len(cells[0])
    shown = shown_grid(result, options)
    recovered = []
    for line in lines(rows, columns):
        if any(shown[i][j] is None for i, j in line):
            continue  # a line without a published total says nothing
        unknown = [
            (i, j) for i, j in line if not known_exactly(i, j, rows, columns, options, shown[i][j])
        ]
        if len(unknown) == 1:
            recovered.append(unknown[0])
    return recovered


# --- attacker 2: exact linear algebra -------------------------------------------------------------


def linearly_determined(
    cells: Sequence[Sequence[int]], result: SuppressedTable, options: Options
) -> list[tuple[int, int]]:
    """Hidden published positions whose value follows from the line equations alone."""
    if result.withheld:
        return []
    rows, columns = len(cells), len(cells[0])
    shown = shown_grid(result, options)
    unknowns = [
        (i, j)
        for i in range(rows + 1)
        for j in range(columns + 1)
        if not known_exactly(i, j, rows, columns, options, shown[i][j])
    ]
    index = {pos: k for k, pos in enumerate(unknowns)}
    equations: list[list[Fraction]] = []
    for line in lines(rows, columns):
        row = [Fraction(0)] * len(unknowns)
        *members, total = line
        for pos in members:
            if pos in index:
                row[index[pos]] += 1
        if total in index:
            row[index[total]] -= 1
        equations.append(row)
    basis = _row_reduce(equations)
    determined = []
    for pos in unknowns:
        if shown[pos[0]][pos[1]] is None:
            continue  # not published: nothing to protect
        unit = [Fraction(0)] * len(unknowns)
        unit[index[pos]] = Fraction(1)
        if len(_row_reduce([*basis, unit])) == len(basis):
            determined.append(pos)
    return determined


def _row_reduce(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    """A basis of the row space (reduced row echelon form without zero rows)."""
    matrix = [list(row) for row in rows]
    width = len(matrix[0]) if matrix else 0
    pivot_row = 0
    for column in range(width):
        pivot = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [value / lead for value in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [
                    a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivot_row += 1
    return matrix[:pivot_row]


# --- attacker 3: every consistent table, bounds included ------------------------------------------


def consistent_tables(
    cells: Sequence[Sequence[int]], result: SuppressedTable, options: Options, slack: int = 4
) -> list[list[list[int]]]:
    """All tables (within a search window) that agree with everything the reader knows.

    A "<5" is 0..4, an "x" is 5 or more (searched up to its true value + `slack`: finding an
    alternative in a smaller window still proves the entry cannot be pinned down).
    """
    rows, columns = len(cells), len(cells[0])
    shown = shown_grid(result, options)
    truth = grid(cells)

    def allowed(i: int, j: int, value: int) -> bool:
        mark = shown[i][j]
        if mark is None:
            return True
        if known_exactly(i, j, rows, columns, options, mark):
            return value == truth[i][j]
        if mark == SMALL:
            return 0 <= value <= 4
        return value >= 5

    def choices(i: int, j: int) -> range:
        mark = shown[i][j]
        if mark == SMALL:
            return range(5)
        if mark == HIDDEN:
            return range(5, truth[i][j] + slack + 1)
        return range(truth[i][j], truth[i][j] + 1)

    row_options = []
    for i in range(rows):
        options_i = []
        for values in itertools.product(*(choices(i, j) for j in range(columns))):
            if allowed(i, columns, sum(values)):
                options_i.append(list(values))
        row_options.append(options_i)
    found = []
    for combination in itertools.product(*row_options):
        totals = [sum(row[j] for row in combination) for j in range(columns)]
        if all(allowed(rows, j, totals[j]) for j in range(columns)) and allowed(
            rows, columns, sum(totals)
        ):
            found.append(grid(list(combination)))
    return found


def pinned_by_enumeration(
    cells: Sequence[Sequence[int]], result: SuppressedTable, options: Options
) -> list[tuple[int, int]]:
    if result.withheld:
        return []
    rows, columns = len(cells), len(cells[0])
    shown = shown_grid(result, options)
    tables = consistent_tables(cells, result, options)
    assert grid(cells) in tables, "the true table must be consistent with what is shown"
    pinned = []
    for i in range(rows + 1):
        for j in range(columns + 1):
            mark = shown[i][j]
            if mark is None or known_exactly(i, j, rows, columns, options, mark):
                continue
            if len({table[i][j] for table in tables}) < 2:
                pinned.append((i, j))
    return pinned


# --- rules every result keeps ------------------------------------------------------------------


def assert_display_rules(
    cells: Sequence[Sequence[int]], result: SuppressedTable, options: Options
) -> None:
    rows, columns = len(cells), len(cells[0])
    truth = grid(cells)
    shown = shown_grid(result, options)
    for i in range(rows + 1):
        for j in range(columns + 1):
            mark = shown[i][j]
            if mark is None:
                continue
            value = truth[i][j]
            if result.withheld:
                assert mark == HIDDEN
            elif isinstance(mark, int):
                assert mark == value, "a visible count is the true count"
                assert not 0 < value < 5, "no count of 1..4 is ever shown"
            elif mark == SMALL:
                assert value < 5, "'<5' is true"
            else:
                assert mark == HIDDEN and value >= 5, "'x' stands for 5 or more"


# --- examples ------------------------------------------------------------------------------------


def test_nothing_small_nothing_hidden() -> None:
    result = suppress([[5, 6], [7, 0]])
    assert result.cells == ((5, 6), (7, 0))
    assert result.row_totals == (11, 7)
    assert result.column_totals == (12, 6)
    assert result.grand_total == 18
    assert result.hidden_count == 0
    assert not result.withheld


def test_zero_is_shown_as_zero() -> None:
    result = suppress([[0, 0], [0, 0]])
    assert result.cells == ((0, 0), (0, 0))
    assert result.grand_total == 0


def test_small_cell_gets_a_complement_in_its_row_and_column() -> None:
    cells = [[2, 10, 12], [9, 8, 15], [11, 14, 6]]
    result = suppress(cells)
    assert result.cells[0][0] == SMALL
    assert sum(is_hidden(v) for v in result.cells[0]) >= 2
    assert sum(is_hidden(row[0]) for row in result.cells) >= 2
    assert line_recoveries(cells, result, Options()) == []


def test_small_total_is_suppressed() -> None:
    result = suppress([[1, 2], [20, 30]])
    assert result.row_totals is not None
    assert result.row_totals[0] == SMALL


def test_two_fours_with_a_visible_difference_of_eight_are_protected() -> None:
    # Subtracting gives "<5" + "<5" = 8, which only 4 + 4 satisfies: one more cell must go.
    cells = [[4, 4, 10], [10, 10, 10]]
    result = suppress(cells)
    assert result.cells[0][:2] == (SMALL, SMALL)
    assert pinned_by_enumeration(cells, result, Options()) == []


def test_one_and_one_next_to_a_visible_total() -> None:
    cells = [[1, 1, 10], [6, 6, 6]]
    result = suppress(cells)
    assert pinned_by_enumeration(cells, result, Options()) == []


def test_complement_can_be_a_zero_shown_as_small() -> None:
    # Hiding the 0 next to the 3 costs less than hiding the 9; "<5" is still true for 0.
    result = suppress([[3, 0, 9], [5, 6, 7], [8, 9, 10]])
    assert result.cells[0][:2] == (SMALL, SMALL)
    assert result.cells[0][2] == 9


def test_known_column_totals_cannot_protect() -> None:
    # Rating totals are in the submissions sheet: a table by municipality must be safe anyway.
    cells = [[1, 0, 0, 0, 5], [0, 0, 2, 0, 7], [0, 0, 0, 0, 9]]
    options = Options(public_column_totals=True, public_grand_total=True)
    result = suppress(cells, public_column_totals=True, public_grand_total=True)
    assert not result.withheld
    assert pinned_by_enumeration(cells, result, options) == []
    assert linearly_determined(cells, result, options) == []


def test_table_is_withheld_when_nothing_can_protect_it() -> None:
    # One municipality only, and the ratings are known: every cell equals its column total.
    result = suppress([[1, 0, 0, 0, 5]], public_column_totals=True, public_grand_total=True)
    assert result.withheld
    assert result.cells == ((HIDDEN,) * 5,)
    assert result.grand_total == HIDDEN


def test_known_totals_are_still_displayed_by_the_rules() -> None:
    result = suppress([[1, 9], [2, 9]], public_column_totals=True, public_grand_total=True)
    assert result.column_totals is not None
    assert result.column_totals[0] == SMALL


def test_counts_with_a_known_total() -> None:
    result = suppress_counts([1, 5, 0], public_total=True)
    assert result.row_totals is None
    assert result.grand_total is None
    assert result.column_totals == (6,)
    assert result.cells[0] == (SMALL,)
    assert result.cells[2] == (SMALL,)  # the zero hides the 1, and keeps the 5 visible
    assert result.cells[1] == (5,)


def test_counts_one_small_one_large() -> None:
    result = suppress_counts([3, 40, 20])
    assert result.cells == ((SMALL,), (40,), (HIDDEN,))  # the next smallest goes
    assert result.column_totals == (63,)


def test_threshold_is_a_parameter() -> None:
    result = suppress([[9, 20], [30, 40]], threshold=10)
    assert result.cells[0][0] == "<10"


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress([[-1]])
    with pytest.raises(ValueError):
        suppress([[1]], threshold=1)


def test_empty_table() -> None:
    result = suppress([])
    assert result.cells == ()
    assert result.grand_total == 0


def test_show_count() -> None:
    assert show_count(0) == 0
    assert show_count(4) == SMALL
    assert show_count(5) == 5


def test_sparse_table_is_protected() -> None:
    # The shape of topic views: many rows, three languages, mostly small counts.
    cells = [[(i * 7 + j * 3) % 9 for j in range(3)] for i in range(40)]
    result = suppress(cells)
    assert not result.withheld
    assert line_recoveries(cells, result, Options()) == []
    assert linearly_determined(cells, result, Options()) == []


def test_large_table() -> None:
    cells = [[(i * 7 + j * 3) % 11 for j in range(3)] for i in range(1500)]
    result = suppress(cells)
    assert not result.withheld
    assert_display_rules(cells, result, Options())
    assert line_recoveries(cells, result, Options()) == []


# --- properties -----------------------------------------------------------------------------------

counts = st.one_of(st.integers(0, 4), st.integers(0, 12))


def tables(max_rows: int, max_columns: int, high: int) -> st.SearchStrategy[list[list[int]]]:
    return st.integers(1, max_rows).flatmap(
        lambda rows: st.integers(1, max_columns).flatmap(
            lambda columns: st.lists(
                st.lists(
                    st.one_of(st.integers(0, 4), st.integers(0, high)),
                    min_size=columns,
                    max_size=columns,
                ),
                min_size=rows,
                max_size=rows,
            )
        )
    )


option_sets = st.sampled_from(
    [
        Options(),
        Options(public_grand_total=True),
        Options(public_column_totals=True, public_grand_total=True),
        Options(row_totals=False, column_totals=True),
        Options(row_totals=False, column_totals=True, public_column_totals=True),
    ]
)


def run(cells: list[list[int]], options: Options) -> SuppressedTable:
    return suppress(
        cells,
        row_totals=options.row_totals,
        column_totals=options.column_totals,
        public_column_totals=options.public_column_totals,
        public_grand_total=options.public_grand_total,
    )


@settings(max_examples=400, deadline=None)
@given(tables(7, 6, 40), option_sets)
def test_no_line_gives_a_hidden_count_away(cells: list[list[int]], options: Options) -> None:
    result = run(cells, options)
    assert_display_rules(cells, result, options)
    assert line_recoveries(cells, result, options) == []


@settings(max_examples=300, deadline=None)
@given(tables(6, 5, 30), option_sets)
def test_no_combination_of_lines_gives_a_hidden_count_away(
    cells: list[list[int]], options: Options
) -> None:
    result = run(cells, options)
    assert linearly_determined(cells, result, options) == []


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(3, 3, 9), option_sets)
def test_no_hidden_count_is_pinned_down_by_the_bounds(
    cells: list[list[int]], options: Options
) -> None:
    result = run(cells, options)
    assert pinned_by_enumeration(cells, result, options) == []


@settings(max_examples=200, deadline=None)
@given(tables(6, 5, 30), option_sets)
def test_suppression_is_deterministic(cells: list[list[int]], options: Options) -> None:
    assert run(cells, options) == run(cells, options)


@settings(max_examples=200, deadline=None)
@given(tables(6, 5, 30))
def test_withheld_only_when_totals_are_known(cells: list[list[int]]) -> None:
    # With nothing known from elsewhere, hiding totals can always protect a table.
    assert not suppress(cells).withheld
