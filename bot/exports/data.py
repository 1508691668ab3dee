"""What staff get, read from the database: submissions, lists and suppressed aggregate tables.

`build_export` is the one entry point; the writers (`bot.exports.writers`) and the HTML report
(`bot.exports.report`) only format an `ExportData`. Nothing here knows about Telegram.

Privacy decisions:

* The submissions list has service, rating, respect, the scrubbed comment, language and week,
  but neither age band nor municipality, so a comment cannot be tied to a small group. Rows are
  sorted by their content, never by storage order.
* Age band and municipality appear only in aggregate tables (by rating). Because the
  submissions list gives away how many answers each rating got, those tables are suppressed as
  if the reader knew the rating totals and the number of submissions exactly.
* The number of submissions is treated as known in every feedback table, so the tables cannot be
  combined through it. Every aggregate table goes through `bot.exports.suppression.suppress`.
* Only whole ISO weeks are exported: `since` and `until` are widened to the weeks they fall in,
  because feedback is stored by week and nothing finer.

`build_export` reads with SQL on the bot's connection and does the suppression in a worker
thread; the writers are blocking file I/O, so a bot handler should call them with
`asyncio.to_thread`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.exports.suppression import (
    THRESHOLD,
    Shown,
    SuppressedTable,
    is_hidden,
    show_count,
    suppress,
    suppress_counts,
)
from bot.feedback.survey import AGE_BANDS, RATINGS, RESPECT, SERVICES
from bot.storage.database import Database, iso_week

LANGUAGE_LABELS: dict[str, str] = {"sv": "Swedish", "rom": "Romani chib", "fi": "Finnish"}
SKIPPED = "Skipped"
TOTAL = "Total"
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
#: Gaps between weeks with submissions are filled with empty weeks up to this many weeks.
MAX_FILLED_WEEKS = 260


def service_label(code: str | None) -> str:
    return _label(SERVICES, code)


def respect_label(code: str | None) -> str:
    return _label(RESPECT, code)


def age_band_label(code: str | None) -> str:
    return _label(AGE_BANDS, code)


def rating_label(rating: int | None) -> str:
    if rating is None:
        return SKIPPED
    text = dict(RATINGS).get(str(rating))
    return f"{rating} {text}" if text else str(rating)


def language_label(code: str) -> str:
    return LANGUAGE_LABELS.get(code, code)


def _label(options: Sequence[tuple[str, str]], code: str | None) -> str:
    if code is None:
        return SKIPPED
    return dict(options).get(code, code)


# --- the data ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Submission:
    """One feedback answer as exported (codes; labels come from the functions above)."""

    week: str
    lang: str
    service: str | None
    rating: int | None
    respect: str | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class UnansweredQuestion:
    week: str
    lang: str
    question: str


@dataclass(frozen=True, slots=True)
class QuestionCount:
    """An unanswered question grouped by its normalised text; `count` is suppressed."""

    question: str
    langs: tuple[str, ...]
    count: Shown


@dataclass(frozen=True, slots=True)
class Table:
    """A suppressed aggregate table with its labels, ready to be written."""

    key: str
    title: str
    row_headers: tuple[str, ...]
    row_labels: tuple[tuple[str, ...], ...]
    column_labels: tuple[str, ...]
    values: SuppressedTable
    note: str = ""

    @property
    def header(self) -> tuple[str, ...]:
        totals = (TOTAL,) if self.values.row_totals is not None else ()
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
            out.append((TOTAL, *padding, *values.column_totals, *grand))
        return out


@dataclass(frozen=True, slots=True)
class ExportData:
    since_week: str | None
    until_week: str | None
    generated_on: dt.date
    submissions: tuple[Submission, ...]
    unanswered: tuple[UnansweredQuestion, ...]
    top_unanswered: tuple[QuestionCount, ...]
    service_rating: Table
    respect: Table
    by_week: Table
    age_band_rating: Table
    municipality_rating: Table
    topic_views: Table
    search_misses: Table
    deeplinks: Table
    threshold: int = THRESHOLD

    @property
    def tables(self) -> tuple[Table, ...]:
        return (
            self.service_rating,
            self.respect,
            self.by_week,
            self.age_band_rating,
            self.municipality_rating,
            self.topic_views,
            self.search_misses,
            self.deeplinks,
        )

    @property
    def submission_count(self) -> Shown:
        """The number of submissions in the period, by the same rules as every count."""
        return show_count(len(self.submissions), self.threshold)

    @property
    def period(self) -> str:
        if self.since_week is None and self.until_week is None:
            return "all weeks"
        return f"{self.since_week or 'first week'} to {self.until_week or 'last week'}"

    @property
    def legend(self) -> str:
        return legend(self.threshold)


def legend(threshold: int = THRESHOLD) -> str:
    return (
        f'"<{threshold}" means fewer than {threshold} (1 to {threshold - 1}, or a 0 hidden to '
        f'protect one); "x" means a count of {threshold} or more hidden so that a "<{threshold}" '
        "cannot be worked out from the totals. Zero is shown as 0."
    )


# --- reading -------------------------------------------------------------------------------------


async def build_export(
    db: Database,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    municipality_names: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> ExportData:
    """Read the anonymous tables for the weeks from `since` to `until` (inclusive, widened to
    whole ISO weeks) and build every export table, suppressed."""
    if since is not None and until is not None and since > until:
        raise ValueError("since is after until")
    since_week = iso_week(since) if since is not None else None
    until_week = iso_week(until) if until is not None else None
    await db.flush_counters()  # topic views are buffered in memory by the running bot
    raw = _Raw(
        feedback=await _fetch(
            db,
            "SELECT week, lang, service, rating, respect, comment, age_band, municipality "
            "FROM feedback",
            since_week,
            until_week,
        ),
        unanswered=await _fetch(
            db, "SELECT week, lang, question FROM unanswered_questions", since_week, until_week
        ),
        misses=await _fetch(
            db, "SELECT week, lang, count FROM search_misses", since_week, until_week
        ),
        views=await _fetch(
            db, "SELECT week, topic_id, lang, count FROM topic_views", since_week, until_week
        ),
        deeplinks=await _fetch_deeplinks(db, since_week, until_week),
    )
    return await asyncio.to_thread(
        _assemble,
        raw,
        since_week,
        until_week,
        dict(municipality_names or {}),
        today or dt.date.today(),
    )


@dataclass(frozen=True, slots=True)
class _Raw:
    feedback: list[tuple[Any, ...]]
    unanswered: list[tuple[Any, ...]]
    misses: list[tuple[Any, ...]]
    views: list[tuple[Any, ...]]
    deeplinks: list[tuple[str, str, int]]


async def _fetch(
    db: Database, select: str, since_week: str | None, until_week: str | None
) -> list[tuple[Any, ...]]:
    """Rows of `select` whose week lies in the range ('YYYY-Www' sorts like the weeks)."""
    sql = f"{select} WHERE (? IS NULL OR week >= ?) AND (? IS NULL OR week <= ?)"
    async with db.connection.execute(
        sql, (since_week, since_week, until_week, until_week)
    ) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def _fetch_deeplinks(
    db: Database, since_week: str | None, until_week: str | None
) -> list[tuple[str, str, int]]:
    async with db.connection.execute("SELECT tag, day, count FROM deeplink_counts") as cursor:
        rows = await cursor.fetchall()
    out = []
    for tag, day, count in rows:
        try:
            week = iso_week(dt.date.fromisoformat(str(day)))
        except ValueError:
            continue
        if _in_range(week, since_week, until_week):
            out.append((str(tag), week, int(count)))
    return out


def _in_range(week: str, since_week: str | None, until_week: str | None) -> bool:
    return (since_week is None or week >= since_week) and (until_week is None or week <= until_week)


# --- assembling (pure, runs in a worker thread) ---------------------------------------------------


def _assemble(
    raw: _Raw,
    since_week: str | None,
    until_week: str | None,
    municipality_names: Mapping[str, str],
    today: dt.date,
) -> ExportData:
    feedback = [_feedback_row(row) for row in raw.feedback]
    submissions = tuple(sorted((f.submission for f in feedback), key=_submission_key))
    unanswered = tuple(
        sorted(
            (UnansweredQuestion(str(w), str(lang), str(q)) for w, lang, q in raw.unanswered),
            key=lambda u: (u.week, u.lang, u.question.casefold(), u.question),
        )
    )
    return ExportData(
        since_week=since_week,
        until_week=until_week,
        generated_on=today,
        submissions=submissions,
        unanswered=unanswered,
        top_unanswered=top_questions(unanswered),
        service_rating=_service_rating(feedback),
        respect=_respect(feedback),
        by_week=_by_week(feedback),
        age_band_rating=_by_rating(
            feedback,
            key="age_band_rating",
            title="Ratings by age band",
            row_header="Age band",
            group=lambda f: f.age_band,
            order=[code for code, _ in AGE_BANDS],
            label=age_band_label,
        ),
        municipality_rating=_by_rating(
            feedback,
            key="municipality_rating",
            title="Ratings by municipality",
            row_header="Municipality",
            group=lambda f: f.municipality,
            order=sorted(
                {f.municipality for f in feedback if f.municipality},
                key=lambda m: (municipality_names.get(m, m).casefold(), m),
            ),
            label=lambda m: SKIPPED if m is None else municipality_names.get(m, m),
        ),
        topic_views=_topic_views(raw.views),
        search_misses=_search_misses(raw.misses),
        deeplinks=_deeplinks(raw.deeplinks),
    )


@dataclass(frozen=True, slots=True)
class _Feedback:
    submission: Submission
    age_band: str | None
    municipality: str | None

    @property
    def week(self) -> str:
        return self.submission.week


def _feedback_row(row: tuple[Any, ...]) -> _Feedback:
    week, lang, service, rating, respect, comment, age_band, municipality = row
    return _Feedback(
        Submission(
            week=str(week),
            lang=str(lang),
            service=_text(service),
            rating=None if rating is None else int(rating),
            respect=_text(respect),
            comment=_text(comment),
        ),
        age_band=_text(age_band),
        municipality=_text(municipality),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _submission_key(s: Submission) -> tuple[object, ...]:
    return (
        s.week,
        s.lang,
        s.service or "",
        s.rating or 0,
        s.respect or "",
        s.comment or "",
    )


def _ordered(present: Iterable[str | None], known: Sequence[str]) -> list[str | None]:
    """Known codes in their order, then unknown codes sorted, then None (skipped) if present."""
    present_set = set(present)
    out: list[str | None] = [code for code in known if code in present_set]
    out += sorted(code for code in present_set if code is not None and code not in known)
    if None in present_set:
        out.append(None)
    return out


def _rating_columns(feedback: Sequence[_Feedback]) -> list[int | None]:
    columns: list[int | None] = [1, 2, 3, 4, 5]
    extra = sorted(
        {f.submission.rating for f in feedback if f.submission.rating is not None} - {1, 2, 3, 4, 5}
    )
    columns += extra
    if any(f.submission.rating is None for f in feedback):
        columns.append(None)
    return columns


def _cross(
    items: Sequence[_Feedback],
    rows: Sequence[object],
    columns: Sequence[object],
    row_of: Callable[[_Feedback], object],
    column_of: Callable[[_Feedback], object],
) -> list[list[int]]:
    counts = Counter((row_of(item), column_of(item)) for item in items)
    return [[counts[(r, c)] for c in columns] for r in rows]


def _service_rating(feedback: Sequence[_Feedback]) -> Table:
    rows = _ordered((f.submission.service for f in feedback), [c for c, _ in SERVICES])
    columns = _rating_columns(feedback)
    cells = _cross(
        feedback, rows, columns, lambda f: f.submission.service, lambda f: f.submission.rating
    )
    return Table(
        key="service_rating",
        title="Ratings by service",
        row_headers=("Service",),
        row_labels=tuple((service_label(r),) for r in rows),
        column_labels=tuple(rating_label(c) for c in columns),
        values=suppress(cells, public_grand_total=True),
        note="Rating 1 is very bad, 5 very good.",
    )


def _respect(feedback: Sequence[_Feedback]) -> Table:
    rows = _ordered((f.submission.respect for f in feedback), [c for c, _ in RESPECT])
    counts = Counter(f.submission.respect for f in feedback)
    return Table(
        key="respect",
        title="Treated with respect",
        row_headers=("Answer",),
        row_labels=tuple((respect_label(r),) for r in rows),
        column_labels=("Submissions",),
        values=suppress_counts([counts[r] for r in rows], public_total=True),
        note="Answers to 'Were you treated with respect?'",
    )


def _by_week(feedback: Sequence[_Feedback]) -> Table:
    weeks = fill_weeks(f.week for f in feedback)
    langs = _ordered((f.submission.lang for f in feedback), list(LANGUAGE_LABELS))
    cells = _cross(feedback, weeks, langs, lambda f: f.week, lambda f: f.submission.lang)
    return Table(
        key="by_week",
        title="Submissions by week",
        row_headers=("Week",),
        row_labels=tuple((w,) for w in weeks),
        column_labels=tuple(language_label(str(lang)) for lang in langs),
        values=suppress(cells, public_grand_total=True),
        note="Columns are the language the bot was used in.",
    )


def _by_rating(
    feedback: Sequence[_Feedback],
    *,
    key: str,
    title: str,
    row_header: str,
    group: Callable[[_Feedback], str | None],
    order: Sequence[str],
    label: Callable[[str | None], str],
) -> Table:
    rows = _ordered((group(f) for f in feedback), order)
    columns = _rating_columns(feedback)
    cells = _cross(feedback, rows, columns, group, lambda f: f.submission.rating)
    return Table(
        key=key,
        title=title,
        row_headers=(row_header,),
        row_labels=tuple((label(r),) for r in rows),
        column_labels=tuple(rating_label(c) for c in columns),
        # The submissions sheet tells how many answers each rating got: assume it is known.
        values=suppress(cells, public_column_totals=True, public_grand_total=True),
        note="Not in the submissions list, so that no comment can be tied to a small group.",
    )


def _topic_views(views: Sequence[tuple[Any, ...]]) -> Table:
    totals: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for week, topic, lang, count in views:
        totals[(str(week), str(topic))][str(lang)] += int(count)
    rows = sorted(totals)
    langs = _ordered((lang for c in totals.values() for lang in c), list(LANGUAGE_LABELS))
    cells = [[totals[r][str(lang)] for lang in langs] for r in rows]
    return Table(
        key="topic_views",
        title="Topic views",
        row_headers=("Week", "Topic"),
        row_labels=tuple(rows),
        column_labels=tuple(language_label(str(lang)) for lang in langs),
        values=suppress(cells),
        note="How often each topic was opened, per language and week (views, not people).",
    )


def _search_misses(misses: Sequence[tuple[Any, ...]]) -> Table:
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for week, lang, count in misses:
        totals[str(week)][str(lang)] += int(count)
    rows = sorted(totals)
    langs = _ordered((lang for c in totals.values() for lang in c), list(LANGUAGE_LABELS))
    cells = [[totals[w][str(lang)] for lang in langs] for w in rows]
    return Table(
        key="search_misses",
        title="Searches without an answer",
        row_headers=("Week",),
        row_labels=tuple((w,) for w in rows),
        column_labels=tuple(language_label(str(lang)) for lang in langs),
        values=suppress(cells),
        note="Searches that found no topic, per language and week.",
    )


def _deeplinks(deeplinks: Sequence[tuple[str, str, int]]) -> Table:
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for tag, week, count in deeplinks:
        totals[week][tag] += count
    rows = sorted(totals)
    tags = sorted({tag for c in totals.values() for tag in c})
    cells = [[totals[w][tag] for tag in tags] for w in rows]
    return Table(
        key="deeplink_sources",
        title="Deep-link sources",
        row_headers=("Week",),
        row_labels=tuple((w,) for w in rows),
        column_labels=tuple(tags),
        values=suppress(cells),
        note="Starts of the bot from posters and links, per source tag and ISO week.",
    )


def top_questions(
    questions: Iterable[UnansweredQuestion], threshold: int = THRESHOLD
) -> tuple[QuestionCount, ...]:
    """Unanswered questions grouped by normalised text, most asked first.

    Counts under the threshold are shown as "<5" and listed after the others in text order,
    so that their order does not give their counts away.
    """
    groups: dict[str, list[UnansweredQuestion]] = defaultdict(list)
    for item in questions:
        key = " ".join(item.question.split()).casefold().rstrip("?!. ")
        if key:
            groups[key].append(item)
    frequent: list[tuple[int, str, QuestionCount]] = []
    rare: list[tuple[int, str, QuestionCount]] = []
    for key, items in groups.items():
        texts = Counter(" ".join(i.question.split()) for i in items)
        text = min(texts, key=lambda t: (-texts[t], t))
        count = show_count(len(items), threshold)
        entry = QuestionCount(text, tuple(sorted({i.lang for i in items})), count)
        (rare if is_hidden(count) else frequent).append((-len(items), key, entry))
    return tuple(entry for _, _, entry in sorted(frequent) + sorted(rare, key=lambda r: r[1]))


# --- weeks ----------------------------------------------------------------------------------------


def week_start(week: str) -> dt.date | None:
    match = _WEEK.fullmatch(week)
    if match is None:
        return None
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def fill_weeks(weeks: Iterable[str]) -> list[str]:
    """The weeks present, plus the empty weeks between them (for trends), oldest first."""
    present = set(weeks)
    starts = sorted(d for d in (week_start(w) for w in present) if d is not None)
    filled = set(present)
    if starts and (starts[-1] - starts[0]).days // 7 <= MAX_FILLED_WEEKS:
        day = starts[0]
        while day <= starts[-1]:
            filled.add(iso_week(day))
            day += dt.timedelta(days=7)
    return sorted(filled)
