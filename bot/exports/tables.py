"""Building the suppressed tables of an export from plain rows (pure; runs in a worker thread).

Every table lists a fixed set of rows and columns (all services, all rating groups, ...), not
only those that occurred, so that a listed line can be 0 and a table over the same rows is
always the same table, suppressed the same way, whichever export it is in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from bot.exports.data import Table
from bot.exports.labels import LANGUAGES, Labels
from bot.exports.suppression import (
    THRESHOLD,
    Shown,
    SuppressedTable,
    is_hidden,
    show_count,
    small_marker,
    suppress,
)
from bot.feedback.survey import (
    AGE_BANDS,
    LEGACY_SERVICES,
    RATING_GROUPS,
    RESPECT,
    SERVICES,
    rating_group,
)
from bot.storage.exports import FeedbackRow, TagReach

K = TypeVar("K")


def service_order(rows: Iterable[FeedbackRow]) -> list[str | None]:
    """Every service of the survey, then old answers and 'not answered' when present."""
    present = {r.service for r in rows}
    order: list[str | None] = [code for code, _ in SERVICES]
    order += [code for code, _ in LEGACY_SERVICES if code in present]
    order += sorted(c for c in present if c is not None and c not in order)
    if None in present:
        order.append(None)
    return order


GROUP_COLUMNS: tuple[str | None, ...] = (*(code for code, _ in RATING_GROUPS), None)
RESPECT_COLUMNS: tuple[str | None, ...] = (*(code for code, _ in RESPECT), None)
AGE_COLUMNS: tuple[str | None, ...] = (*(code for code, _ in AGE_BANDS), None)


def cross(
    rows: Sequence[FeedbackRow],
    row_keys: Sequence[K],
    column_keys: Sequence[object],
    row_of: Callable[[FeedbackRow], K],
    column_of: Callable[[FeedbackRow], object],
) -> list[list[int]]:
    counts = Counter((row_of(r), column_of(r)) for r in rows)
    return [[counts[(k, c)] for c in column_keys] for k in row_keys]


def _table(
    labels: Labels,
    *,
    key: str,
    title: str,
    row_header: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    cells: list[list[int]],
    note: str,
    public_grand_total: bool = True,
    lower: list[list[int]] | None = None,
) -> Table:
    return Table(
        key=key,
        title=title,
        row_headers=(row_header,),
        row_labels=tuple((label,) for label in row_labels),
        column_labels=tuple(column_labels),
        values=suppress(cells, public_grand_total=public_grand_total, lower=lower),
        note=note,
        total_label=labels._("Total"),
        counts=tuple(tuple(row) for row in cells),
    )


def service_groups(rows: Sequence[FeedbackRow], labels: Labels, key: str = "services") -> Table:
    services = service_order(rows)
    return _table(
        labels,
        key=key,
        title=labels._("Ratings by service"),
        row_header=labels._("Service"),
        row_labels=[labels.service(s) for s in services],
        column_labels=[labels.rating_group(g) for g in GROUP_COLUMNS],
        cells=cross(rows, services, GROUP_COLUMNS, lambda r: r.service, _group),
        note=labels._(
            "Good is a rating of 4 or 5, neither is 3, bad is 1 or 2; the rating given is in the "
            "comments sheet."
        ),
        lower=cross(commented(rows), services, GROUP_COLUMNS, lambda r: r.service, _group),
    )


def service_respect(rows: Sequence[FeedbackRow], labels: Labels) -> Table:
    services = service_order(rows)
    return _table(
        labels,
        key="respect",
        title=labels._("Treated with respect, by service"),
        row_header=labels._("Service"),
        row_labels=[labels.service(s) for s in services],
        column_labels=[labels.respect(c) for c in RESPECT_COLUMNS],
        cells=cross(rows, services, RESPECT_COLUMNS, lambda r: r.service, lambda r: r.respect),
        note=labels._("Answers to 'Were you treated with respect?', asked for the service chosen."),
        lower=cross(
            commented(rows), services, RESPECT_COLUMNS, lambda r: r.service, lambda r: r.respect
        ),
    )


def commented(rows: Sequence[FeedbackRow]) -> list[FeedbackRow]:
    """The rows listed in the comments sheet: what staff know at least, beside every table.

    A comment whose text retention has deleted still counts, so that an export of a period made
    after the purge is the same table, suppressed the same way, as one made before it."""
    return [r for r in rows if r.commented]


def _group(row: FeedbackRow) -> str | None:
    return rating_group(row.rating)


def languages(rows: Sequence[FeedbackRow], labels: Labels) -> Table:
    codes = [code for code, _ in LANGUAGES]
    counts = Counter(r.lang for r in rows)
    listed = Counter(r.lang for r in commented(rows))
    return Table(
        key="languages",
        title=labels._("Submissions by language"),
        row_headers=(labels._("Language"),),
        row_labels=tuple((labels.language(c),) for c in codes),
        column_labels=(labels._("Submissions"),),
        values=suppress(
            [[counts[c]] for c in codes],
            row_totals=False,
            public_column_totals=True,
            lower=[[listed[c]] for c in codes],
        ),
        note=labels._("The language the bot was used in."),
        total_label=labels._("Total"),
        counts=tuple((counts[c],) for c in codes),
    )


def weeks(rows: Sequence[FeedbackRow], week_list: Sequence[str], labels: Labels) -> Table:
    counts = Counter(r.week for r in rows)
    return Table(
        key="weeks",
        title=labels._("Submissions by week"),
        row_headers=(labels._("Week"),),
        row_labels=tuple((w,) for w in week_list),
        column_labels=(labels._("Submissions"),),
        values=suppress(
            [[counts[w]] for w in week_list], row_totals=False, public_column_totals=True
        ),
        note=labels._("ISO weeks; a week belongs to the month of its Thursday."),
        total_label=labels._("Total"),
        counts=tuple((counts[w],) for w in week_list),
    )


# --- several municipalities, one table each, stacked ----------------------------------------


def stacked(
    parts: Sequence[tuple[str, Table]],
    *,
    key: str,
    title: str,
    first_header: str,
    note: str,
) -> Table:
    """One sheet from several tables (one per municipality), each suppressed on its own."""
    if not parts:
        raise ValueError("nothing to stack")
    first = parts[0][1]
    labels: list[tuple[str, ...]] = []
    cells: list[tuple[Shown, ...]] = []
    totals: list[Shown] = []
    counts: list[tuple[int, ...]] = []
    for name, table in parts:
        values = table.values
        for i, row_label in enumerate(table.row_labels):
            labels.append((name, *row_label))
            cells.append(values.cells[i])
            totals.append(values.row_totals[i] if values.row_totals is not None else "")
            counts.append(table.counts[i] if table.counts else ())
        if values.column_totals is not None:
            labels.append((name, table.total_label))
            cells.append(values.column_totals)
            totals.append(values.grand_total if values.grand_total is not None else "")
            counts.append(tuple(sum(col) for col in zip(*table.counts, strict=True)))
    return Table(
        key=key,
        title=title,
        row_headers=(first_header, *first.row_headers),
        row_labels=tuple(labels),
        column_labels=first.column_labels,
        values=SuppressedTable(
            cells=tuple(cells),
            row_totals=tuple(totals) if first.values.row_totals is not None else None,
            column_totals=None,
            grand_total=None,
            withheld=any(t.values.withheld for _, t in parts),
        ),
        note=note,
        total_label=first.total_label,
        counts=tuple(counts),
    )


# --- age bands: tertials only, small lines hidden entirely ----------------------------------


def hide_small_lines(table: Table, *, rows: bool, columns: bool, threshold: int) -> Table:
    """Hide every cell of a row (or column) whose true total is under the threshold.

    A comment carries its service and rating: if a small service row showed one age band and
    zeros elsewhere, every comment about that service would be tied to that age band.
    """
    counts = table.counts
    small = small_marker(threshold)
    hidden_rows = {i for i, row in enumerate(counts) if rows and 0 < sum(row) < threshold}
    width = len(counts[0]) if counts else 0
    column_sums = [sum(row[j] for row in counts) for j in range(width)]
    hidden_columns = {j for j, s in enumerate(column_sums) if columns and 0 < s < threshold}
    cells = tuple(
        tuple(
            small if (i in hidden_rows or j in hidden_columns) and not is_hidden(v) else v
            for j, v in enumerate(row)
        )
        for i, row in enumerate(table.values.cells)
    )
    return replace(table, values=replace(table.values, cells=cells))


def service_ages(rows: Sequence[FeedbackRow], labels: Labels, threshold: int) -> Table:
    services = service_order(rows)
    table = _table(
        labels,
        key="service_age",
        title=labels._("Submissions by service and age band"),
        row_header=labels._("Service"),
        row_labels=[labels.service(s) for s in services],
        column_labels=[labels.age_band(a) for a in AGE_COLUMNS],
        cells=cross(rows, services, AGE_COLUMNS, lambda r: r.service, lambda r: r.age_band),
        note="",
    )
    return hide_small_lines(table, rows=True, columns=False, threshold=threshold)


def age_groups(rows: Sequence[FeedbackRow], labels: Labels, threshold: int) -> Table:
    table = _table(
        labels,
        key="age_rating",
        title=labels._("Ratings by age band"),
        row_header=labels._("Age band"),
        row_labels=[labels.age_band(a) for a in AGE_COLUMNS],
        column_labels=[labels.rating_group(g) for g in GROUP_COLUMNS],
        cells=cross(rows, AGE_COLUMNS, GROUP_COLUMNS, lambda r: r.age_band, _group),
        note="",
    )
    return hide_small_lines(table, rows=False, columns=True, threshold=threshold)


# --- usage: topics, searches, deep links -----------------------------------------------------


def topic_views(
    views: Mapping[tuple[str, str], int], topic_ids: Sequence[str], labels: Labels
) -> Table:
    listed = list(topic_ids) + sorted({t for t, _ in views} - set(topic_ids))
    codes = [code for code, _ in LANGUAGES]
    cells = [[views.get((topic, lang), 0) for lang in codes] for topic in listed]
    return Table(
        key="topic_views",
        title=labels._("Topic views"),
        row_headers=(labels._("Topic"),),
        row_labels=tuple((labels.topic(t),) for t in listed),
        column_labels=tuple(labels.language(c) for c in codes),
        values=suppress(cells),
        note=labels._("How often each topic was opened (views, not people), in the whole bot."),
        total_label=labels._("Total"),
        counts=tuple(tuple(row) for row in cells),
    )


def deeplink_reach(starts: Mapping[str, int], labels: Labels, threshold: int) -> Table:
    """Starts per source tag; tags with fewer than `threshold` starts are pooled as 'other'.

    A tag is listed only with `threshold` starts or more, and the pool is always listed (it may
    be 0), so a tag made for one person is never shown, let alone as exactly one.
    """
    listed = sorted((t for t, n in starts.items() if n >= threshold), key=lambda t: (-starts[t], t))
    pooled = sum(n for t, n in starts.items() if n < threshold)
    rows = [(t,) for t in listed] + [
        (labels._("Other sources (fewer than %(n)s each)") % {"n": threshold},)
    ]
    shown: list[tuple[Shown, ...]] = [(starts[t],) for t in listed] + [
        (show_count(pooled, threshold),)
    ]
    return Table(
        key="deeplinks",
        title=labels._("Reach of deep links, by source tag"),
        row_headers=(labels._("Source tag"),),
        row_labels=tuple(rows),
        column_labels=(labels._("Starts"),),
        values=SuppressedTable(tuple(shown), None, None, None, threshold),
        note=labels._(
            "Starts of the bot from posters and links (starts, not people), in the whole bot."
        ),
        total_label=labels._("Total"),
        counts=(*((starts[t],) for t in listed), (pooled,)),
    )


def tag_reach(reach: Sequence[TagReach], labels: Labels) -> Table:
    """People reached and scans per registered source tag (each person once per tag and week)."""
    cells = [[r.people, r.scans] for r in reach]
    return Table(
        key="tag_reach",
        title=labels._("Reach per registered source tag"),
        row_headers=(labels._("Source tag"), labels._("Municipality"), labels._("Place")),
        row_labels=tuple(
            (r.tag, labels.municipality(r.municipality), r.place or "") for r in reach
        ),
        column_labels=(labels._("People reached"), labels._("Scans")),
        values=suppress(cells, row_totals=False, column_totals=False),
        note=labels._(
            "Every registered tag is listed, also with 0; people are counted once per tag and week."
        ),
        total_label=labels._("Total"),
        counts=tuple(tuple(row) for row in cells),
    )


def search_misses(misses: Mapping[str, int], labels: Labels) -> Table:
    codes = [code for code, _ in LANGUAGES]
    return Table(
        key="search_misses",
        title=labels._("Searches without an answer"),
        row_headers=(labels._("Language"),),
        row_labels=tuple((labels.language(c),) for c in codes),
        column_labels=(labels._("Searches"),),
        values=suppress([[misses.get(c, 0)] for c in codes], row_totals=False),
        note=labels._("Searches that found no topic, in the whole bot."),
        total_label=labels._("Total"),
        counts=tuple((misses.get(c, 0),) for c in codes),
    )


def helpful(
    votes: Mapping[tuple[str, str], int], topic_ids: Sequence[str], labels: Labels
) -> Table:
    listed = list(topic_ids) + sorted({t for t, _ in votes} - set(topic_ids))
    answers = ("yes", "no")
    cells = [[votes.get((t, a), 0) for a in answers] for t in listed]
    return Table(
        key="helpful",
        title=labels._("Was this helpful?"),
        row_headers=(labels._("Topic"),),
        row_labels=tuple((labels.topic(t),) for t in listed),
        column_labels=(labels._("Helpful"), labels._("Not helpful")),
        values=suppress(cells),
        note=labels._("Votes under the topics' answers, in the whole bot."),
        total_label=labels._("Total"),
        counts=tuple(tuple(row) for row in cells),
    )


__all__ = ["THRESHOLD"]
