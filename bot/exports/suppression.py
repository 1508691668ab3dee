"""Small-cell suppression for the staff exports and the report: pure functions on plain data.

Every aggregate table that leaves the server goes through `suppress`. The rules, which the
exports also state in words for staff:

* **Threshold 5.** A count of 1 to 4 is shown as ``"<5"`` (primary suppression). Totals are
  counts too: a row, column or grand total of 1 to 4 is also ``"<5"``.
* **Zero is shown as 0.** "Nobody" singles nobody out, and a table full of ``"<5"`` where there
  is nothing would mislead staff. A zero may still be *hidden* as ``"<5"`` when it is needed as a
  complementary cell (that is still true: 0 is fewer than 5), which makes it a cheap complement.
* **Complementary suppression.** A hidden count must not be recoverable from what is shown;
  counts of 5 or more hidden for that reason are shown as ``"x"``.

What a reader can do, and what is guaranteed against it. A reader sees the visible counts, knows
that every row and column adds up to its total, that a ``"<5"`` is between 0 and 4 and that an
``"x"`` is 5 or more, may know lower bounds from the export's row-level data (`lower`: the
comments listed) and some totals from elsewhere (`public_*`). Guarantee: for every hidden count
there is another table, consistent with everything the reader knows, in which that count
differs; so no hidden count can be worked out exactly, by subtraction, by combining rows and
columns, or from the bounds (``"<5"`` next to ``"<5"`` with a difference of 8 would give away
two 4s).

How. The table with its totals is an (R+1) x (C+1) grid in which every line sums to its total.
Hidden entries are the edges of a bipartite graph between line vertices; a hidden entry can be
changed without changing anything visible exactly when it lies on a cycle of hidden entries
along which +1/-1 alternately stays within every entry's bounds (the constraint matrix is
totally unimodular, so such a cycle exists whenever any other table exists). The algorithm:

1. primary suppression of 1..4;
2. the classic line rule: while a row or column (a line with a published total) has exactly one
   hidden entry, hide the next smallest entry of that line (cells before totals), until stable;
3. audit: for each hidden entry look for such a cycle; if there is none, add the cheapest set of
   entries that closes one (Dijkstra over the grid, cost 1 + count, so zeros and small counts go
   first and totals last). Hiding more never breaks an existing cycle, so one pass suffices.

If no cycle can be made even by hiding every eligible entry, the table is *withheld*: every
entry becomes ``"x"`` and `withheld` is True."""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

THRESHOLD = 5
#: Shown for a complementary hidden count (5 or more), and for every entry of a withheld table.
HIDDEN = "x"

Shown = int | str
_Pos = tuple[int, int]


def small_marker(threshold: int = THRESHOLD) -> str:
    """How a primary suppressed count is shown: ``"<5"`` for the default threshold."""
    return f"<{threshold}"


def is_hidden(shown: Shown) -> bool:
    return isinstance(shown, str)


def show_count(count: int, threshold: int = THRESHOLD) -> Shown:
    """A lone count with no total to protect (e.g. how often a question was asked)."""
    return small_marker(threshold) if 0 < count < threshold else count


@dataclass(frozen=True, slots=True)
class SuppressedTable:
    """What may be published: ints are exact counts, strings are ``"<5"`` or ``"x"``.

    `row_totals`, `column_totals` and `grand_total` are None when not published.
    """

    cells: tuple[tuple[Shown, ...], ...]
    row_totals: tuple[Shown, ...] | None
    column_totals: tuple[Shown, ...] | None
    grand_total: Shown | None
    threshold: int = THRESHOLD
    withheld: bool = False

    @property
    def hidden_count(self) -> int:
        entries: list[Shown] = [value for row in self.cells for value in row]
        entries += list(self.row_totals or ()) + list(self.column_totals or ())
        if self.grand_total is not None:
            entries.append(self.grand_total)
        return sum(1 for value in entries if is_hidden(value))


class _Status(Enum):
    VISIBLE = "visible"
    SMALL = "small"  # shown "<5", the reader knows 0..threshold-1
    HIDDEN = "hidden"  # shown "x", the reader knows threshold..infinity


@dataclass(slots=True)
class _Entry:
    value: int
    published: bool  # False: an unpublished total, a free variable for the reader
    public: bool  # True: known exactly from elsewhere, displayed per the rules but never protects
    status: _Status = _Status.VISIBLE
    #: The reader knows the count is at least this (e.g. comments listed beside the table).
    lower: int = 0


class _Grid:
    def __init__(
        self, entries: dict[_Pos, _Entry], rows: int, columns: int, threshold: int
    ) -> None:
        self.entries = entries
        self.total_row = rows
        self.total_column = columns
        self.threshold = threshold
        self._dirty = True
        self._moves: dict[_Pos, tuple[bool, bool]] = {}
        self._out: list[list[tuple[int, _Pos]]] = []
        self._row_columns: list[list[int]] = []
        self._column_rows: list[tuple[dict[int, bool], dict[int, bool]]] = []

    # --- the reader's knowledge ------------------------------------------------------------------

    def bounds(self, pos: _Pos, *, as_candidate: bool = False) -> tuple[float, float] | None:
        """Interval the reader knows for the entry; None when it is known exactly."""
        entry = self.entries[pos]
        if not entry.published:
            return (-math.inf, math.inf)
        if entry.public:
            return None
        status = entry.status
        if as_candidate and status is _Status.VISIBLE:
            status = self._complement_status(entry.value)
        if status is _Status.SMALL:
            return (entry.lower, self.threshold - 1)
        if status is _Status.HIDDEN:
            return (max(self.threshold, entry.lower), math.inf)
        return None

    def _complement_status(self, value: int) -> _Status:
        return _Status.SMALL if value < self.threshold else _Status.HIDDEN

    def is_open(self, pos: _Pos) -> bool:
        """Unknown to the reader: hidden, or an unpublished total."""
        entry = self.entries[pos]
        return not entry.published or (not entry.public and entry.status is not _Status.VISIBLE)

    def needs_protection(self, pos: _Pos) -> bool:
        entry = self.entries[pos]
        return entry.published and not entry.public and entry.status is not _Status.VISIBLE

    def is_primary(self, pos: _Pos) -> bool:
        """A published count of 1..threshold-1 that the reader does not know from elsewhere."""
        entry = self.entries[pos]
        return entry.published and not entry.public and 0 < entry.value < self.threshold

    def is_candidate(self, pos: _Pos) -> bool:
        entry = self.entries[pos]
        return entry.published and not entry.public and entry.status is _Status.VISIBLE

    def sign(self, pos: _Pos) -> int:
        """Row and column totals enter their lines with the opposite sign to cells."""
        i, j = pos
        return -1 if (i == self.total_row) != (j == self.total_column) else 1

    def can_move(self, pos: _Pos, direction: int, *, as_candidate: bool = False) -> bool:
        bounds = self.bounds(pos, as_candidate=as_candidate)
        if bounds is None:
            return False
        new = self.entries[pos].value + direction * self.sign(pos)
        return bounds[0] <= new <= bounds[1]

    def hide(self, pos: _Pos) -> None:
        entry = self.entries[pos]
        entry.status = self._complement_status(entry.value)
        self._dirty = True

    # --- lines ------------------------------------------------------------------------------------

    def lines(self) -> list[list[_Pos]]:
        rows = [
            [(i, j) for j in range(self.total_column + 1) if (i, j) in self.entries]
            for i in range(self.total_row + 1)
        ]
        columns = [
            [(i, j) for i in range(self.total_row + 1) if (i, j) in self.entries]
            for j in range(self.total_column + 1)
        ]
        return rows + columns

    def is_margin(self, pos: _Pos) -> bool:
        return pos[0] == self.total_row or pos[1] == self.total_column

    # --- cycles -----------------------------------------------------------------------------------
    # Vertices: rows 0..R are 0..R, columns 0..C are R+1..R+1+C. Entry (i, j) joins row i and
    # column j. Along a cycle that moves `start` by +d, an entry walked from a row to a column
    # moves by +d and one walked from a column to a row by -d (in the signed frame of `sign`),
    # so every line keeps its sum. For d = +1 the feasible walks are the paths of the directed
    # graph G+ (arc row->column when +1 is feasible, column->row when -1 is); for d = -1 they
    # are those paths reversed. G+ over the open entries is cached until the next `hide`.

    def _row_vertex(self, i: int) -> int:
        return i

    def _column_vertex(self, j: int) -> int:
        return self.total_row + 1 + j

    def _vertex_count(self) -> int:
        return self.total_row + self.total_column + 2

    def _index(self) -> None:
        if not self._dirty:
            return
        self._moves = {}
        self._out = [[] for _ in range(self._vertex_count())]
        self._row_columns = [[] for _ in range(self.total_row + 1)]
        self._column_rows = [({}, {}) for _ in range(self.total_column + 1)]
        for pos in self.entries:
            if not self.is_open(pos):
                continue
            up, down = self.can_move(pos, 1), self.can_move(pos, -1)
            self._moves[pos] = (up, down)
            i, j = pos
            row, column = self._row_vertex(i), self._column_vertex(j)
            if up:
                self._out[row].append((column, pos))
                self._column_rows[j][0][i] = True
            if down:
                self._out[column].append((row, pos))
                self._column_rows[j][1][i] = True
            self._row_columns[i].append(j)
        self._dirty = False

    def protected(self, start: _Pos) -> bool:
        """True if some other table consistent with everything shown differs at `start`."""
        self._index()
        up, down = self._moves[start]
        for direction, feasible in ((1, up), (-1, down)):
            if feasible and (self._four_cycle(start, direction) or self._path(start, direction)):
                return True
        return False

    def _four_cycle(self, start: _Pos, direction: int) -> bool:
        """Fast path: start (+d), (k, j) (-d), (k, m) (+d), (i, m) (-d) for some row k, column m."""
        i, j = start
        forward = 0 if direction == 1 else 1
        backward = 1 - forward
        rows_back_in_j = self._column_rows[j][backward]
        for m in self._row_columns[i]:
            if m == j or not self._moves[(i, m)][backward]:
                continue
            rows_forward_in_m = self._column_rows[m][forward]
            small, large = sorted((rows_back_in_j, rows_forward_in_m), key=len)
            if any(k != i and k in large for k in small):
                return True
        return False

    def _path(self, start: _Pos, direction: int) -> bool:
        """A path in G+ closing the cycle: column->row for d = +1, row->column for d = -1."""
        row, column = self._row_vertex(start[0]), self._column_vertex(start[1])
        source, target = (column, row) if direction == 1 else (row, column)
        seen = {source}
        queue = deque([source])
        while queue:
            vertex = queue.popleft()
            for step, pos in self._out[vertex]:
                if pos == start or step in seen:
                    continue
                if step == target:
                    return True
                seen.add(step)
                queue.append(step)
        return False

    def _step(self, vertex: int, pos: _Pos, direction: int) -> int | None:
        """The vertex reached from `vertex` over `pos` if it were hidden, None if infeasible."""
        row, column = self._row_vertex(pos[0]), self._column_vertex(pos[1])
        if vertex == row:
            move, other = direction, column
        else:
            move, other = -direction, row
        return other if self.can_move(pos, move, as_candidate=True) else None

    def cheapest_cycle(self, start: _Pos) -> list[_Pos] | None:
        """Visible entries whose hiding closes a feasible cycle through `start` (cheapest first)."""
        best: tuple[float, list[_Pos]] | None = None
        incident: list[list[_Pos]] = [[] for _ in range(self._vertex_count())]
        for pos in self.entries:
            if pos != start and (self.is_open(pos) or self.is_candidate(pos)):
                incident[self._row_vertex(pos[0])].append(pos)
                incident[self._column_vertex(pos[1])].append(pos)
        for direction in (1, -1):
            if not self.can_move(start, direction):
                continue
            found = self._dijkstra(start, direction, incident)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        return None if best is None else best[1]

    def _dijkstra(
        self, start: _Pos, direction: int, incident: list[list[_Pos]]
    ) -> tuple[float, list[_Pos]] | None:
        source = self._column_vertex(start[1])
        target = self._row_vertex(start[0])
        distance: dict[int, float] = {source: 0.0}
        via: dict[int, tuple[int, _Pos]] = {}
        heap: list[tuple[float, int]] = [(0.0, source)]
        done: set[int] = set()
        while heap:
            cost, vertex = heapq.heappop(heap)
            if vertex in done:
                continue
            done.add(vertex)
            if vertex == target:
                added: list[_Pos] = []
                while vertex != source:
                    vertex, pos = via[vertex]
                    if self.is_candidate(pos):
                        added.append(pos)
                return cost, added
            for pos in incident[vertex]:
                step = self._step(vertex, pos, direction)
                if step is None or step in done:
                    continue
                weight = 0.0 if self.is_open(pos) else 1.0 + self.entries[pos].value
                if cost + weight < distance.get(step, math.inf):
                    distance[step] = cost + weight
                    via[step] = (vertex, pos)
                    heapq.heappush(heap, (cost + weight, step))
        return None


def suppress(
    cells: Sequence[Sequence[int]],
    *,
    threshold: int = THRESHOLD,
    row_totals: bool = True,
    column_totals: bool = True,
    public_column_totals: bool = False,
    public_grand_total: bool = False,
    lower: Sequence[Sequence[int]] | None = None,
) -> SuppressedTable:
    """Suppress a table of non-negative counts with (optionally) its row and column totals.

    The grand total is published when both row and column totals are. `public_column_totals`
    and `public_grand_total` say that the reader knows those totals exactly from elsewhere: they
    are still displayed by the rules above, but are never relied on to protect anything.
    `lower`: per cell, a count the reader knows it reaches (the export's comments); a small
    count pinned down that way (threshold - 1 known) stays "<5" but protects nothing.
    """
    if threshold < 2:
        raise ValueError("threshold must be at least 2")
    grid = _build(
        cells, threshold, row_totals, column_totals, public_column_totals, public_grand_total
    )
    if lower is not None:
        _set_lower(grid, lower)
    for entry in grid.entries.values():
        if entry.published and 0 < entry.value < threshold:
            entry.status = _Status.SMALL
    _line_rule(grid)
    withheld = not _repair(grid)
    if not withheld:
        _release(grid)
    return _result(grid, threshold, row_totals, column_totals, withheld)


def suppress_counts(
    counts: Sequence[int], *, threshold: int = THRESHOLD, public_total: bool = False
) -> SuppressedTable:
    """A one-column table (categories and their total): cells[i][0], column_totals[0]."""
    return suppress(
        [[count] for count in counts],
        threshold=threshold,
        row_totals=False,
        column_totals=True,
        public_column_totals=public_total,
    )


def _build(
    cells: Sequence[Sequence[int]],
    threshold: int,
    row_totals: bool,
    column_totals: bool,
    public_column_totals: bool,
    public_grand_total: bool,
) -> _Grid:
    rows = len(cells)
    columns = len(cells[0]) if rows else 0
    entries: dict[_Pos, _Entry] = {}
    for i, row in enumerate(cells):
        if len(row) != columns:
            raise ValueError("every row must have the same number of cells")
        for j, value in enumerate(row):
            if value < 0:
                raise ValueError("counts cannot be negative")
            entries[(i, j)] = _Entry(int(value), published=True, public=False)
    for i, row in enumerate(cells):
        entries[(i, columns)] = _Entry(sum(row), published=row_totals, public=False)
    for j in range(columns):
        total = sum(row[j] for row in cells)
        entries[(rows, j)] = _Entry(
            total, published=column_totals, public=column_totals and public_column_totals
        )
    grand = row_totals and column_totals
    entries[(rows, columns)] = _Entry(
        sum(sum(row) for row in cells), published=grand, public=grand and public_grand_total
    )
    return _Grid(entries, rows, columns, threshold)


def _set_lower(grid: _Grid, lower: Sequence[Sequence[int]]) -> None:
    rows, columns = grid.total_row, grid.total_column
    for i, row in enumerate(lower):
        for j, bound in enumerate(row):
            if not 0 <= bound <= grid.entries[(i, j)].value:  # KeyError for a wrong shape
                raise ValueError("a lower bound must lie between 0 and the count")
            grid.entries[(i, j)].lower = bound
        grid.entries[(i, columns)].lower = sum(row)
    for j in range(columns):
        grid.entries[(rows, j)].lower = sum(row[j] for row in lower)
    grid.entries[(rows, columns)].lower = sum(sum(row) for row in lower)
    for entry in grid.entries.values():
        if entry.published and 0 < entry.value < grid.threshold <= entry.lower + 1:
            entry.public = True  # "<5" with 4 listed: the reader knows it is 4, it protects nothing


def _line_rule(grid: _Grid) -> None:
    """While a line with a published total has exactly one hidden entry, hide the next smallest."""
    lines = grid.lines()
    changed = True
    while changed:
        changed = False
        for line in lines:
            if any(not grid.entries[pos].published for pos in line):
                continue  # no published total: this line tells the reader nothing
            hidden = [pos for pos in line if grid.needs_protection(pos)]
            if len(hidden) != 1:
                continue
            candidates = [pos for pos in line if grid.is_candidate(pos)]
            if not candidates:
                continue  # left to the audit, which may look beyond this line
            grid.hide(min(candidates, key=lambda p: (grid.entries[p].value, grid.is_margin(p), p)))
            changed = True


def _repair(grid: _Grid) -> bool:
    """Give every primary entry a feasible cycle; False if that cannot be done."""
    for pos in sorted(grid.entries):
        if not grid.is_primary(pos) or grid.protected(pos):
            continue
        added = grid.cheapest_cycle(pos)
        if added is None:
            return False
        for other in added:
            grid.hide(other)
    # Hiding only widens what the reader must allow for, so earlier cycles stay feasible.
    return True


def _release(grid: _Grid) -> None:
    """Show again every complementary entry the reader can work out anyway.

    A complement that lies on no feasible cycle has one possible value; showing it changes
    nothing the reader can infer, so no primary entry loses its protection (e.g. a zero hidden by
    the line rule in a column whose total, known from elsewhere, is 0).
    """
    for pos in sorted(grid.entries):
        if grid.needs_protection(pos) and not grid.is_primary(pos) and not grid.protected(pos):
            # The cached graph may keep its arcs: a pinned entry lies on no feasible cycle, so
            # no other entry's cycle can use it.
            grid.entries[pos].status = _Status.VISIBLE


def _result(
    grid: _Grid, threshold: int, row_totals: bool, column_totals: bool, withheld: bool
) -> SuppressedTable:
    rows, columns = grid.total_row, grid.total_column
    small = small_marker(threshold)

    def shown(pos: _Pos) -> Shown:
        entry = grid.entries[pos]
        if withheld:
            return HIDDEN
        if entry.status is _Status.SMALL:
            return small
        if entry.status is _Status.HIDDEN:
            return HIDDEN
        return entry.value

    return SuppressedTable(
        cells=tuple(tuple(shown((i, j)) for j in range(columns)) for i in range(rows)),
        row_totals=tuple(shown((i, columns)) for i in range(rows)) if row_totals else None,
        column_totals=(tuple(shown((rows, j)) for j in range(columns)) if column_totals else None),
        grand_total=shown((rows, columns)) if row_totals and column_totals else None,
        threshold=threshold,
        withheld=withheld,
    )
