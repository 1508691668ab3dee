"""Anonymous case figures for staff, suppressed: per municipality and month, cases opened,
answered, and the median hours to the first answer.

The counts come from `bot.storage.cases.case_months`; this is what may be shown of them (in
/reach for staff, and for the staff export: a sheet can list `shown_months` as it is). Counts
from 1 to 4 show as "<5"; the median is shown only over at least five answers, otherwise one
answer's delay could be read off it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from bot.links.reach import THRESHOLD, shown
from bot.storage.cases import CaseMonth


@dataclass(frozen=True, slots=True)
class CaseMonthShown:
    municipality: str
    month: str
    opened: str
    answered: str
    #: Median hours to the first answer, or "–" when fewer than THRESHOLD answers.
    median_hours: str


def median_hours(hours: tuple[int, ...]) -> str:
    if len(hours) < THRESHOLD:
        return "–"
    return str(round(statistics.median(hours)))


def shown_months(months: list[CaseMonth]) -> list[CaseMonthShown]:
    return [
        CaseMonthShown(
            month.municipality,
            month.month,
            shown(month.opened),
            shown(month.answered),
            median_hours(month.answer_hours),
        )
        for month in months
    ]
