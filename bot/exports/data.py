"""What staff get, as plain data: suppressed tables, comments, trends. Built by
`bot.exports.build`; the writers (`bot.exports.writers`) and the report (`bot.exports.report`)
only format an `ExportData`. Nothing here knows about Telegram or SQL.

Privacy decisions (see docs/staff-guide.md for the staff's version):

* One export covers one whole, ended calendar period (`bot.exports.periods`) and one staff
  member's municipalities, never an arbitrary range, so two exports never overlap partially.
* Row-level data is the comments only: service, the rating given (number and group), respect,
  language, month and municipality travel with a comment; the age band never does. The tables
  over those fields are suppressed knowing that every listed comment is a lower bound for its
  cell (`suppress(lower=...)`), so the workbook's sheets agree: no "<5" where five comments are
  listed, and no hidden count the comments and the tables together pin down.
* Age band appears only in tables for a tertial, one municipality at a time (stacked for staff
  who see several), and a line of such a table whose total is under the threshold is hidden
  entirely, zeros too. Tertials do not overlap and a municipality's table is the same in every
  export that has it, so no pair or series of exports ties a comment to an age band of fewer
  than five people.
* Every other table is suppressed with `bot.exports.suppression.suppress`; tables over the same
  data (a municipality's table and the same rows in a staff member's export of several) are
  built by the same function from the same rows, so they are suppressed the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.exports.labels import Labels
from bot.exports.periods import Period
from bot.exports.suppression import THRESHOLD, Shown, SuppressedTable, show_count


@dataclass(frozen=True, slots=True)
class Table:
    """A suppressed table with its labels, ready to be written."""

    key: str
    title: str
    row_headers: tuple[str, ...]
    row_labels: tuple[tuple[str, ...], ...]
    column_labels: tuple[str, ...]
    values: SuppressedTable
    note: str = ""
    total_label: str = "Total"
    #: The true counts, for tests and for deriving shares from what is shown; never written.
    counts: tuple[tuple[int, ...], ...] = field(default=(), repr=False, compare=False)

    @property
    def header(self) -> tuple[str, ...]:
        totals = (self.total_label,) if self.values.row_totals is not None else ()
        return (*self.row_headers, *self.column_labels, *totals)

    @property
    def is_empty(self) -> bool:
        return not self.row_labels

    def rows(self) -> list[tuple[str | int, ...]]:
        """Body rows and the totals row, each as long as `header`."""
        values = self.values
        out: list[tuple[str | int, ...]] = []
        for i, labels in enumerate(self.row_labels):
            total = () if values.row_totals is None else (values.row_totals[i],)
            out.append((*labels, *values.cells[i], *total))
        if values.column_totals is not None and self.row_labels:
            grand = () if values.grand_total is None else (values.grand_total,)
            padding = ("",) * (len(self.row_headers) - 1)
            out.append((self.total_label, *padding, *values.column_totals, *grand))
        return out


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment as staff get it: no age band, ever."""

    ref: str
    month: str
    week: str
    lang: str
    service: str | None
    rating: int | None
    rating_group: str | None
    respect: str | None
    municipality: str | None
    themes: tuple[str, ...]
    handled: bool
    quotable: bool
    text: str

    @property
    def needs_translation(self) -> bool:
        return self.lang in {"rom", "fi"}


@dataclass(frozen=True, slots=True)
class QuestionCount:
    """An unanswered question grouped by its normalised text; `count` is suppressed."""

    question: str
    langs: tuple[str, ...]
    count: Shown


@dataclass(frozen=True, slots=True)
class TrendRow:
    service: str
    #: Per month: the share of good ratings as shown ("80 %", "<45 %", "–").
    good: tuple[str, ...]
    #: Per month: the share treated with respect as shown.
    respect: tuple[str, ...]
    #: This period and the previous one, and the change, as shown.
    now: str
    before: str
    change: str
    #: The shares as numbers where known (for charts and tests), else None.
    good_values: tuple[float | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Trend:
    months: tuple[str, ...]
    month_labels: tuple[str, ...]
    rows: tuple[TrendRow, ...]


@dataclass(frozen=True, slots=True)
class ExportData:
    period: Period
    previous: Period
    #: The municipalities the export covers; None means all (and answers without one).
    scope: tuple[str, ...] | None
    generated_on: dt.date
    labels: Labels
    submissions: int
    comments: tuple[Comment, ...]
    tables: tuple[Table, ...]
    trend: Trend | None
    top_unanswered: tuple[QuestionCount, ...]
    unanswered_count: int
    threshold: int = THRESHOLD

    @property
    def quotes(self) -> tuple[Comment, ...]:
        """Comments a staff member approved for sharing; nothing else is ever quoted."""
        return tuple(c for c in self.comments if c.quotable)

    @property
    def submission_count(self) -> Shown:
        return show_count(self.submissions, self.threshold)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    @property
    def period_words(self) -> str:
        return self.labels.period(self.period)

    @property
    def scope_words(self) -> str:
        return self.labels.scope(self.scope)

    @property
    def legend(self) -> str:
        return legend(self.labels, self.threshold)


def legend(labels: Labels, threshold: int = THRESHOLD) -> str:
    return labels._(
        '"<%(n)s" means fewer than %(n)s (1 to %(m)s, or a 0 hidden to protect one); "x" means '
        'a count of %(n)s or more hidden so that a "<%(n)s" cannot be worked out from the '
        "totals. Zero is shown as 0."
    ) % {"n": threshold, "m": threshold - 1}
