"""Words staff read in exports, reports and summaries: from the catalogs, Swedish by default.

Staff read Swedish; a staff member who chose Finnish in the bot gets Finnish. Codes stay codes in
JSON; everything written for people goes through `Labels`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.content.model import Lang
from bot.exports.periods import Period
from bot.feedback.survey import (
    AGE_BANDS,
    LEGACY_SERVICES,
    RATING_GROUPS,
    RATINGS,
    RESPECT,
    SERVICES,
    Option,
)
from bot.i18n import N_, Translator

#: Languages in which staff can read exports.
STAFF_LANGUAGES: tuple[Lang, ...] = ("sv", "fi")
#: Comments in these languages need translating before most staff can read them.
NEEDS_TRANSLATION: frozenset[str] = frozenset({"rom", "fi"})

LANGUAGES: tuple[Option, ...] = (
    ("sv", N_("Swedish")),
    ("rom", N_("Romani chib")),
    ("fi", N_("Finnish")),
)

#: Themes of Huddinge's 2025 needs inventory; a comment's service decides its theme, and a
#: comment from someone not (fully) treated with respect is also under treatment and trust.
THEMES: tuple[Option, ...] = (
    ("education", N_("Education")),
    ("work", N_("Work and livelihood")),
    ("culture", N_("Culture and language")),
    ("trust", N_("Treatment and trust")),
    ("influence", N_("Influence")),
    ("other", N_("Other")),
)
SERVICE_THEMES: dict[str, str] = {
    "mother-tongue": "education",
    "preschool": "education",
    "school": "education",
    "school-mt": "education",
    "work": "work",
    "financial": "work",
    "culture": "culture",
    "place": "culture",
    "social": "trust",
    "health": "trust",
    "housing": "trust",
    "elderly": "trust",
    "bridge": "trust",
    "influence": "influence",
}


def themes_of(service: str | None, respect: str | None) -> tuple[str, ...]:
    found = [SERVICE_THEMES.get(service or "", "other")]
    if respect in {"no", "partly"} and "trust" not in found:
        found.append("trust")
    return tuple(found)


def staff_language(lang: str | None) -> Lang:
    return "fi" if lang == "fi" else "sv"


@dataclass(frozen=True)
class Labels:
    """A translator for staff plus the names that come from content (municipalities, topics)."""

    t: Translator
    municipality_names: Mapping[str, str] = field(default_factory=dict)
    topic_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def lang(self) -> Lang:
        return self.t.lang

    def _(self, message: str) -> str:
        return self.t._(message)

    def _option(self, options: Sequence[Option], code: str | None) -> str:
        if code is None:
            return self.t._("Not answered")
        return next((self.t._(label) for c, label in options if c == code), code)

    def service(self, code: str | None) -> str:
        return self._option((*SERVICES, *LEGACY_SERVICES), code)

    def rating(self, rating: int | None) -> str:
        """'4 Good' in the staff language; numbers stay numbers beside it in the workbook."""
        if rating is None:
            return self.t._("Not answered")
        text = dict(RATINGS).get(str(rating))
        return f"{rating} {self.t._(text)}" if text else str(rating)

    def rating_group(self, code: str | None) -> str:
        return self._option(RATING_GROUPS, code)

    def respect(self, code: str | None) -> str:
        return self._option(RESPECT, code)

    def age_band(self, code: str | None) -> str:
        return self._option(AGE_BANDS, code)

    def language(self, code: str | None) -> str:
        return self._option(LANGUAGES, code)

    def theme(self, code: str) -> str:
        return self._option(THEMES, code)

    def municipality(self, code: str | None) -> str:
        if code is None:
            return self.t._("Not answered")
        return self.municipality_names.get(code, code)

    def topic(self, topic_id: str) -> str:
        return self.topic_titles.get(topic_id, topic_id)

    def scope(self, municipalities: Sequence[str] | None) -> str:
        if municipalities is None:
            return self.t._("All municipalities")
        return ", ".join(sorted(self.municipality(m) for m in municipalities))

    def period(self, period: Period) -> str:
        """'mars 2026', 'tertial 1 2026' ... in the staff language."""
        match period.kind:
            case "week":
                return self.t._("week %(week)s, %(year)s") % {
                    "week": period.index,
                    "year": period.year,
                }
            case "month":
                return f"{self.t._(MONTH_NAMES[period.index - 1])} {period.year}"
            case "tertial":
                return self.t._("tertial %(n)s %(year)s") % {"n": period.index, "year": period.year}
            case "quarter":
                return self.t._("quarter %(n)s %(year)s") % {"n": period.index, "year": period.year}
        return str(period.year)

    def month(self, month: str) -> str:
        """'2026-03' as 'mar 2026'."""
        return f"{self.t._(MONTH_SHORT[int(month[5:]) - 1])} {month[:4]}"


MONTH_NAMES: tuple[str, ...] = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
MONTH_SHORT: tuple[str, ...] = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May (short)"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)
