"""`build_export`: read one period for one scope through bot.storage.exports, build every table.

The reading is async on the bot's connection; the building is pure and runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.exports import tables
from bot.exports.data import Comment, ExportData, QuestionCount, Table, Trend, TrendRow
from bot.exports.labels import Labels, themes_of
from bot.exports.periods import Period
from bot.exports.suppression import THRESHOLD, Shown, is_hidden, show_count
from bot.feedback.survey import rating_group
from bot.storage import exports as store
from bot.storage.database import Database, iso_week
from bot.storage.exports import FeedbackRow, Selection, week_month


@dataclass(frozen=True, slots=True)
class _Read:
    rows: list[FeedbackRow]
    history: list[FeedbackRow]
    questions: list[tuple[str, str]]
    misses: dict[str, int]
    views: dict[tuple[str, str], int]
    starts: dict[str, int]
    votes: dict[tuple[str, str], int]
    reach: list[store.TagReach]


async def build_export(
    db: Database,
    *,
    period: Period,
    scope: Iterable[str] | None,
    labels: Labels,
    today: dt.date,
    topic_ids: Sequence[str] = (),
    threshold: int = THRESHOLD,
) -> ExportData:
    """Everything staff get for `period` and the municipalities in `scope` (None: all)."""
    municipalities = None if scope is None else frozenset(scope)
    selection = Selection(
        months=period.months(),
        week=str(period) if period.is_week else None,
        municipalities=municipalities,
    )
    history_months = sorted(set(period.trend_months()) | set(period.previous().months()))
    history = Selection(months=tuple(history_months), municipalities=municipalities)
    read = _Read(
        rows=await store.feedback_rows(db, selection),
        history=await store.feedback_rows(db, history) if history_months else [],
        # Questions carry no municipality: only staff who see every municipality get them.
        questions=await store.unanswered_questions(db, selection) if scope is None else [],
        misses=await store.search_misses(db, selection),
        views=await store.topic_views(db, selection),
        starts=await store.deeplink_starts(db, selection),
        votes=await store.helpful_votes(db, selection),
        reach=await store.tag_reach(db, selection),
    )
    return await asyncio.to_thread(
        assemble,
        read,
        period,
        None if municipalities is None else tuple(sorted(municipalities)),
        labels,
        today,
        tuple(topic_ids),
        threshold,
    )


def assemble(
    read: _Read,
    period: Period,
    scope: tuple[str, ...] | None,
    labels: Labels,
    today: dt.date,
    topic_ids: tuple[str, ...],
    threshold: int,
) -> ExportData:
    rows = read.rows
    built: list[Table] = [
        tables.service_groups(rows, labels),
        tables.service_respect(rows, labels),
    ]
    municipalities = _municipalities(rows, scope, labels)
    if len(municipalities) > 1:
        built.append(
            tables.stacked(
                [
                    (labels.municipality(m), tables.service_groups(_of(rows, m), labels))
                    for m in municipalities
                ],
                key="municipalities",
                title=labels._("Ratings by service and municipality"),
                first_header=labels._("Municipality"),
                note=labels._("Each municipality's table is suppressed on its own."),
            )
        )
    if period.kind == "tertial":
        for build, key, title in (
            (tables.service_ages, "service_age", labels._("Submissions by service and age band")),
            (tables.age_groups, "age_rating", labels._("Ratings by age band")),
        ):
            built.append(
                tables.stacked(
                    [
                        (labels.municipality(m), build(_of(rows, m), labels, threshold))
                        for m in municipalities
                    ],
                    key=key,
                    title=title,
                    first_header=labels._("Municipality"),
                    note=labels._(
                        "Age bands only per tertial and municipality; a line with fewer than "
                        "%(n)s answers is hidden entirely."
                    )
                    % {"n": threshold},
                )
            )
    built.append(tables.languages(rows, labels))
    built.append(tables.weeks(rows, _weeks(period, rows), labels))
    built.append(tables.topic_views(read.views, topic_ids, labels))
    built.append(tables.search_misses(read.misses, labels))
    built.append(tables.tag_reach(read.reach, labels))
    if scope is None:  # starts by any tag, registered or not: the whole bot's, so all-staff only
        built.append(tables.deeplink_reach(read.starts, labels, threshold))
    built.append(tables.helpful(read.votes, topic_ids, labels))
    questions = top_questions(read.questions, threshold)
    return ExportData(
        period=period,
        previous=period.previous(),
        scope=scope,
        generated_on=today,
        labels=labels,
        submissions=len(rows),
        comments=_comments(rows),
        tables=tuple(built),
        trend=None if period.is_week else trend(read.history, period, labels),
        top_unanswered=questions,
        unanswered_count=len(read.questions),
        threshold=threshold,
    )


def _municipalities(
    rows: Sequence[FeedbackRow], scope: tuple[str, ...] | None, labels: Labels
) -> list[str | None]:
    if scope is not None:
        return sorted(scope, key=lambda m: labels.municipality(m).casefold())
    present = {r.municipality for r in rows} | set(labels.municipality_names)
    named = sorted((m for m in present if m is not None), key=lambda m: labels.municipality(m))
    return [*named, *([None] if None in present else [])]


def _of(rows: Sequence[FeedbackRow], municipality: str | None) -> list[FeedbackRow]:
    return [r for r in rows if r.municipality == municipality]


def _weeks(period: Period, rows: Sequence[FeedbackRow]) -> list[str]:
    if period.is_week:
        return [str(period)]
    found = set()
    day = period.first_day() - dt.timedelta(days=6)
    while day <= period.last_day() + dt.timedelta(days=6):
        week = iso_week(day)
        if week_month(week) in period.months():
            found.add(week)
        day += dt.timedelta(days=1)
    return sorted(found | {r.week for r in rows})


def _comments(rows: Sequence[FeedbackRow]) -> tuple[Comment, ...]:
    comments = [
        Comment(
            ref=r.ref,
            month=r.month,
            week=r.week,
            lang=r.lang,
            service=r.service,
            rating=r.rating,
            rating_group=rating_group(r.rating),
            respect=r.respect,
            municipality=r.municipality,
            themes=themes_of(r.service, r.respect),
            handled=r.handled,
            quotable=r.quotable,
            text=r.comment,
        )
        for r in rows
        if r.comment
    ]
    # By content, never by storage order (which would tell who answered before whom).
    return tuple(
        sorted(comments, key=lambda c: (c.service or "~", c.municipality or "~", c.text, c.ref))
    )


# --- trends: built from the same tables each month's own export has ---------------------------


def trend(history: Sequence[FeedbackRow], period: Period, labels: Labels) -> Trend:
    by_month: dict[str, list[FeedbackRow]] = defaultdict(list)
    for row in history:
        by_month[row.month].append(row)
    months = period.trend_months()
    monthly = [
        (
            tables.service_groups(by_month.get(m, []), labels),
            tables.service_respect(by_month.get(m, []), labels),
        )
        for m in months
    ]
    current_rows = [r for r in history if r.month in period.months()]
    previous_rows = [r for r in history if r.month in period.previous().months()]
    now = tables.service_groups(current_rows, labels)
    before = tables.service_groups(previous_rows, labels)
    services = tables.service_order(history)
    out: list[TrendRow] = []
    for service in [*services, ALL]:
        name = None if service == ALL else labels.service(service)
        good = [_good_share(g, name) for g, _ in monthly]
        respect = [_share(r, name, 0) for _, r in monthly]
        now_share, before_share = _good_share(now, name), _good_share(before, name)
        out.append(
            TrendRow(
                service=labels._("All services") if name is None else name,
                good=tuple(_percent(s) for s in good),
                respect=tuple(_percent(s) for s in respect),
                now=_percent(now_share),
                before=_percent(before_share),
                change=_change(now_share, before_share),
                good_values=tuple(s if isinstance(s, float) else None for s in good),
            )
        )
    return Trend(
        months=months, month_labels=tuple(labels.month(m) for m in months), rows=tuple(out)
    )


#: A share as far as the shown numbers tell: exact, or the interval (low, high) they allow.
Share = float | tuple[float, float] | None

ALL = "*all*"


def _line(table: Table, name: str | None) -> tuple[tuple[Shown, ...], Shown] | None:
    """The cells and total of the row labelled `name`, or of the totals when None."""
    values = table.values
    if name is not None:
        found = [i for i, labels in enumerate(table.row_labels) if labels[-1] == name]
        if not found or values.row_totals is None:
            return None
        return values.cells[found[0]], values.row_totals[found[0]]
    if values.column_totals is None or values.grand_total is None:
        return None
    return values.column_totals, values.grand_total


def _good_share(table: Table, name: str | None) -> Share:
    return _share(table, name, 0)


def _share(table: Table, name: str | None, column: int) -> Share:
    """Share of `column` among all answers on a line (those who skipped the question count too,
    so that the share can be worked out whenever the line's total is shown). A hidden count is
    narrowed by the line: it is the total minus the others, each within its own bounds."""
    line = _line(table, name)
    if line is None:
        return None
    cells, total = line
    threshold = table.values.threshold
    if not isinstance(total, int) or total < threshold:
        return None

    def bounds(value: Shown) -> tuple[int, int]:
        if isinstance(value, int):
            return value, value
        return (0, threshold - 1) if value == f"<{threshold}" else (threshold, total)

    own_low, own_high = bounds(cells[column])
    others = [bounds(v) for j, v in enumerate(cells) if j != column]
    low = max(own_low, total - sum(high for _, high in others))
    high = min(own_high, total - sum(low for low, _ in others))
    if low == high:
        return low / total
    return (low / total, high / total)


def _percent(share: Share) -> str:
    if share is None:
        return "–"
    if isinstance(share, tuple):
        low, high = round(share[0] * 100), round(share[1] * 100)
        if low == 0:
            return f"<{high}\u00a0%" if high < 100 else "–"
        return f"≥{low}\u00a0%" if high == 100 else f"{low}–{high}\u00a0%"
    return f"{round(share * 100)}\u00a0%"


def _change(now: Share, before: Share) -> str:
    if not isinstance(now, float) or not isinstance(before, float):
        return "–"
    points = round((now - before) * 100)
    return f"{points:+d}"


# --- unanswered questions ------------------------------------------------------------------


def top_questions(
    questions: Iterable[tuple[str, str]], threshold: int = THRESHOLD
) -> tuple[QuestionCount, ...]:
    """Questions grouped by normalised text, most asked first; rare ones after, by text."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for lang, text in questions:
        key = " ".join(text.split()).casefold().rstrip("?!. ")
        if key:
            groups[key].append((lang, text))
    frequent: list[tuple[int, str, QuestionCount]] = []
    rare: list[tuple[int, str, QuestionCount]] = []
    for key, items in groups.items():
        texts = Counter(" ".join(t.split()) for _, t in items)
        text = min(texts, key=lambda t: (-texts[t], t))
        count = show_count(len(items), threshold)
        entry = QuestionCount(text, tuple(sorted({lang for lang, _ in items})), count)
        (rare if is_hidden(count) else frequent).append((-len(items), key, entry))
    return tuple(entry for _, _, entry in sorted(frequent) + sorted(rare, key=lambda r: r[1]))


def staff_labels(
    translator_lang: str | None,
    translators: Mapping[str, object],
    municipality_names: Mapping[str, str],
    topic_titles: Mapping[str, str],
) -> Labels:
    from bot.exports.labels import staff_language
    from bot.i18n import Translator

    t = translators[staff_language(translator_lang)]
    assert isinstance(t, Translator)
    return Labels(t, municipality_names, topic_titles)
