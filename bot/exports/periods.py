"""Calendar periods for staff exports: weeks, months, tertials, quarters and years.

Exports cover exactly one whole period from this fixed calendar, never an arbitrary range, and
only once it has ended (finding F2 of the December privacy review: two exports over overlapping
ranges tied a new comment to its municipality and age band). Periods of one kind never overlap,
and a month, tertial, quarter or year is a set of whole months. The bot stores nothing finer
than the ISO week, so a month is made of the weeks whose Thursday falls in it (at most three
days differ from the calendar month): every week belongs to exactly one month, and the monthly
reports of a quarter add up to the quarter's report.

Written forms: ``2026-W05``, ``2026-03``, ``2026-T1`` (January to April), ``2026-Q1``, ``2026``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["week", "month", "tertial", "quarter", "year"]
KINDS: tuple[Kind, ...] = ("week", "month", "tertial", "quarter", "year")
_MONTHS_IN: dict[Kind, int] = {"month": 1, "tertial": 4, "quarter": 3, "year": 12}
_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("week", re.compile(r"^(\d{4})-W(\d{2})$")),
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("tertial", re.compile(r"^(\d{4})-T([1-3])$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("year", re.compile(r"^(\d{4})$")),
)


class PeriodError(ValueError):
    """Not a period of the calendar, or one that has not ended yet."""


@dataclass(frozen=True, slots=True, order=True)
class Period:
    kind: Kind
    year: int
    #: Week 1..53, month 1..12, tertial 1..3, quarter 1..4; 1 for a year.
    index: int

    @classmethod
    def parse(cls, text: str) -> Period:
        value = text.strip().upper()
        for kind, pattern in _PATTERNS:
            match = pattern.fullmatch(value)
            if match is None:
                continue
            year = int(match[1])
            index = int(match[2]) if kind != "year" else 1
            period = cls(kind, year, index)
            period.first_day()  # ValueError for week 54 or month 13
            return period
        raise PeriodError(f"not a period: {text!r} (e.g. 2026-03, 2026-T1, 2026-Q1, 2026)")

    def __str__(self) -> str:
        match self.kind:
            case "week":
                return f"{self.year}-W{self.index:02d}"
            case "month":
                return f"{self.year}-{self.index:02d}"
            case "tertial":
                return f"{self.year}-T{self.index}"
            case "quarter":
                return f"{self.year}-Q{self.index}"
        return str(self.year)

    @property
    def is_week(self) -> bool:
        return self.kind == "week"

    def months(self) -> tuple[str, ...]:
        """The calendar months ('YYYY-MM') this period is made of; () for a week."""
        if self.kind == "week":
            return ()
        size = _MONTHS_IN[self.kind]
        first = (self.index - 1) * size + 1
        return tuple(f"{self.year}-{m:02d}" for m in range(first, first + size))

    def first_day(self) -> dt.date:
        if self.kind == "week":
            try:
                return dt.date.fromisocalendar(self.year, self.index, 1)
            except ValueError:
                raise PeriodError(f"no week {self.index} in {self.year}") from None
        month = int(self.months()[0][5:]) if 1 <= self.index <= 12 else 0
        if not 1 <= month <= 12:
            raise PeriodError(f"no such period: {self.kind} {self.index}")
        return dt.date(self.year, month, 1)

    def last_day(self) -> dt.date:
        if self.kind == "week":
            return self.first_day() + dt.timedelta(days=6)
        last = self.months()[-1]
        year, month = int(last[:4]), int(last[5:])
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    def has_ended(self, today: dt.date) -> bool:
        """True once the last week that can belong to the period is over."""
        last = self.last_day()
        if self.kind == "week":
            return last < today
        # The week holding the last day is the period's if its Thursday is in it, else the next's.
        weekday = last.weekday()
        end = (
            last + dt.timedelta(days=6 - weekday)
            if weekday >= 3
            else last - dt.timedelta(days=weekday + 1)
        )
        return end < today

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.kind == "week":
            day = self.first_day() - dt.timedelta(days=7)
            year, week, _ = day.isocalendar()
            return Period("week", year, week)
        if self.kind == "year":
            return Period("year", self.year - 1, 1)
        count = 12 // _MONTHS_IN[self.kind]
        if self.index > 1:
            return Period(self.kind, self.year, self.index - 1)
        return Period(self.kind, self.year - 1, count)

    def trend_months(self, at_least: int = 6) -> tuple[str, ...]:
        """The period's months, preceded by earlier ones up to `at_least` months (for trends)."""
        if self.kind == "week":
            return ()
        months = list(self.months())
        year, month = int(months[0][:4]), int(months[0][5:])
        while len(months) < at_least:
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            months.insert(0, f"{year}-{month:02d}")
        return tuple(months)


def month_of(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def latest_ended(kind: Kind, today: dt.date) -> Period:
    """The most recent period of `kind` that has ended before `today`."""
    if kind == "week":
        year, week, _ = (today - dt.timedelta(days=7)).isocalendar()
        return Period("week", year, week)
    if kind == "year":
        period = Period("year", today.year, 1)
    else:
        size = _MONTHS_IN[kind]
        period = Period(kind, today.year, (today.month - 1) // size + 1)
    while not period.has_ended(today):
        period = period.previous()
    return period


def ended_period(text: str | None, today: dt.date, default: Kind = "month") -> Period:
    """A period from its written form (default: the last ended `default`), checked to be over."""
    period = latest_ended(default, today) if text is None else Period.parse(text)
    if not period.has_ended(today):
        raise PeriodError(f"{period} has not ended yet: only whole, closed periods are exported")
    return period
