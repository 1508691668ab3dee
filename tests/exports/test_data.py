"""build_export against a real temporary database: periods, scopes, suppression, differencing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import Counter
from pathlib import Path

import pytest

from bot.exports.build import top_questions
from bot.exports.data import Comment, ExportData, Table
from bot.exports.periods import Period, PeriodError, ended_period
from bot.exports.suppression import HIDDEN, small_marker
from bot.exports.tables import GROUP_COLUMNS, service_order
from bot.feedback.survey import rating_group
from bot.storage.database import Database

from .conftest import HOSTILE_COMMENTS, TITLES, TODAY, build, insert_feedback, labels, seed

SMALL = small_marker()


def visible_numbers(table: Table) -> list[int]:
    return [v for row in table.rows() for v in row if isinstance(v, int)]


def no_small_count_shown(data: ExportData) -> None:
    for table in data.tables:
        small = [n for n in visible_numbers(table) if 0 < n < data.threshold]
        assert not small, (table.key, small)


async def test_comments_carry_no_age_band(export_data: ExportData) -> None:
    fields = {f.name for f in dataclasses.fields(Comment)}
    assert "age_band" not in fields
    assert {"municipality", "service", "rating", "lang", "handled", "quotable"} <= fields
    assert set(HOSTILE_COMMENTS) <= {c.text for c in export_data.comments}


async def test_comments_are_sorted_by_content_not_storage(export_data: ExportData) -> None:
    keys = [(c.service or "~", c.municipality or "~", c.text, c.ref) for c in export_data.comments]
    assert keys == sorted(keys)


async def test_every_aggregate_hides_counts_under_five(seeded_db: Database) -> None:
    scopes: list[tuple[str, ...] | None] = [None, ("haninge",), ("malmo", "stockholm")]
    periods = ["2026", "2026-T2", "2026-T3", "2026-Q3", "2026-09", "2026-W40"]
    for period in periods:
        for scope in scopes:
            data = await build(seeded_db, period, scope)
            no_small_count_shown(data)
            for row in data.trend.rows if data.trend else ():
                for text in (*row.good, *row.respect):
                    assert text == "–" or text.endswith("\u00a0%"), text


async def test_service_table_matches_the_database(
    seeded_db: Database, export_data: ExportData
) -> None:
    async with seeded_db.connection.execute(
        "SELECT service, rating, COUNT(*) FROM feedback GROUP BY service, rating"
    ) as cursor:
        truth: Counter[tuple[object, object]] = Counter()
        for service, rating, n in await cursor.fetchall():
            truth[(service, rating_group(rating))] += n
    table = export_data.table("services")
    assert table is not None
    assert table.column_labels == ("Bra (4–5)", "Varken eller (3)", "Dåligt (1–2)", "Ej svar")
    services = service_order([])
    assert [labels[0] for labels in table.row_labels][: len(services)] == [
        labels().service(s) for s in services
    ]
    assert table.row_labels[0] == ("Modersmålsundervisning",)
    checked = 0
    for i, (name,) in enumerate(table.row_labels):
        code = next(
            (s for s in [*services, "other", None] if labels().service(s) == name), "missing"
        )
        for j, group in enumerate(GROUP_COLUMNS):
            shown = table.values.cells[i][j]
            true = truth.get((code, group), 0)
            checked += 1
            if isinstance(shown, int):
                assert shown == true
            elif shown == SMALL:
                assert true < 5
            else:
                assert shown == HIDDEN and true >= 5
    assert checked > 40
    assert table.values.grand_total == export_data.submissions


async def test_monthly_reports_of_a_quarter_add_up_to_the_quarter(seeded_db: Database) -> None:
    quarter = await build(seeded_db, "2026-Q3")
    months = [await build(seeded_db, m) for m in ("2026-07", "2026-08", "2026-09")]
    assert sum(m.submissions for m in months) == quarter.submissions > 0
    assert sum(len(m.comments) for m in months) == len(quarter.comments)
    assert sorted(c.ref for m in months for c in m.comments) == sorted(
        c.ref for c in quarter.comments
    )
    for key in ("services", "respect", "languages", "weeks", "topic_views", "search_misses"):
        q_table = quarter.table(key)
        m_tables = [m.table(key) for m in months]
        assert q_table is not None and all(t is not None for t in m_tables)
        if key == "weeks":  # different weeks per month: the rows add up to the quarter's
            assert sum(sum(r[0] for r in t.counts) for t in m_tables if t) == sum(
                r[0] for r in q_table.counts
            )
            continue
        summed = [
            [sum(t.counts[i][j] for t in m_tables if t) for j in range(len(row))]
            for i, row in enumerate(q_table.counts)
        ]
        assert summed == [list(row) for row in q_table.counts], key
        # And where every monthly cell and the quarter's are shown, the shown numbers add up.
        for i, row in enumerate(q_table.values.cells):
            for j, value in enumerate(row):
                parts = [t.values.cells[i][j] for t in m_tables if t]
                if isinstance(value, int) and all(isinstance(p, int) for p in parts):
                    assert sum(int(p) for p in parts) == value


async def test_years_and_tertials_are_their_months(seeded_db: Database) -> None:
    year = await build(seeded_db, "2026")
    tertials = [await build(seeded_db, f"2026-T{n}") for n in (1, 2, 3)]
    quarters = [await build(seeded_db, f"2026-Q{n}") for n in (1, 2, 3, 4)]
    assert sum(t.submissions for t in tertials) == year.submissions
    assert sum(q.submissions for q in quarters) == year.submissions


def test_only_whole_ended_periods() -> None:
    today = dt.date(2026, 4, 2)  # Thursday: week 14 belongs to April
    assert str(ended_period(None, today)) == "2026-03"
    assert str(ended_period("2026-Q1", today)) == "2026-Q1"
    for text in ("2026-04", "2026-Q2", "2026", "2026-T1", "2026-W14"):
        with pytest.raises(PeriodError):
            ended_period(text, today)
    for text in ("2026-13", "2026-T4", "2026-Q5", "2026-W54", "2026-01-01", "last month", ""):
        with pytest.raises(PeriodError):
            Period.parse(text)
    # March 2026 ends on a Tuesday: its last week (Thursday 26 March) ends on Sunday 29 March.
    assert not Period.parse("2026-03").has_ended(dt.date(2026, 3, 29))
    assert Period.parse("2026-03").has_ended(dt.date(2026, 3, 30))
    assert Period.parse("2026-T1").months() == ("2026-01", "2026-02", "2026-03", "2026-04")
    assert str(Period.parse("2026-Q1").previous()) == "2025-Q4"
    assert str(Period.parse("2026-W01").previous()) == "2025-W52"
    assert str(Period.parse("2027-W01").previous()) == "2026-W53"


async def test_a_scoped_export_has_only_its_municipality(seeded_db: Database) -> None:
    data = await build(seeded_db, "2026", ("haninge",))
    assert data.comments and {c.municipality for c in data.comments} == {"haninge"}
    async with seeded_db.connection.execute(
        "SELECT COUNT(*) FROM feedback WHERE municipality = 'haninge'"
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None and data.submissions == row[0]
    assert data.table("municipalities") is None  # one municipality: nothing to compare
    assert data.top_unanswered == ()  # questions carry no municipality
    everyone = await build(seeded_db, "2026")
    stacked = everyone.table("municipalities")
    assert stacked is not None
    assert {labels[0] for labels in stacked.row_labels} >= {"Haninge", "Malmö", "Stockholm"}


async def test_age_bands_only_per_tertial_and_municipality(seeded_db: Database) -> None:
    for period in ("2026", "2026-Q3", "2026-09", "2026-W40"):
        data = await build(seeded_db, period)
        assert data.table("service_age") is None and data.table("age_rating") is None
    everyone = await build(seeded_db, "2026-T3")
    haninge = await build(seeded_db, "2026-T3", ("haninge",))
    for key in ("service_age", "age_rating"):
        whole, own = everyone.table(key), haninge.table(key)
        assert whole is not None and own is not None
        # The same rows and the same suppression in both exports: nothing to difference.
        part = [
            (labels[1:], cells)
            for labels, cells in zip(whole.row_labels, whole.values.cells, strict=True)
            if labels[0] == "Haninge"
        ]
        assert part == [
            (labels[1:], cells)
            for labels, cells in zip(own.row_labels, own.values.cells, strict=True)
        ]


async def test_a_small_service_line_hides_its_age_bands_entirely(tmp_path: Path) -> None:
    # Three people from Haninge rated social services, all under 18: showing "<5" for under 18
    # and 0 elsewhere would tie each of their comments to a child.
    rows: list[tuple[object, ...]] = [
        ("2026-W40", "sv", "social", 1, "no", "Ingen lyssnade", "u18", "haninge")
    ] * 3
    rows += [("2026-W40", "sv", "school", 5, "yes", None, "31-50", "haninge")] * 12
    rows += [("2026-W41", "sv", "school", 4, "yes", None, "18-30", "haninge")] * 9
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        await insert_feedback(db, rows)
        data = await build(db, "2026-T3", ("haninge",))
    finally:
        await db.close()
    table = data.table("service_age")
    assert table is not None
    social = table.row_labels.index(("Haninge", "Socialtjänsten"))
    assert all(value == SMALL for value in table.values.cells[social])
    ages = data.table("age_rating")
    assert ages is not None
    bad = ages.column_labels.index("Dåligt (1–2)")
    assert all(row[bad] == SMALL for row in ages.values.cells)


async def test_a_deeplink_tag_used_once_is_never_listed(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        await db.count_deeplink("rom-lvu_annaT", dt.date(2026, 3, 4))
        for _ in range(7):
            await db.count_deeplink("haninge1", dt.date(2026, 3, 10))
        data = await build(db, "2026-03")
        empty = await build(db, "2026-04")
    finally:
        await db.close()
    table = data.table("deeplinks")
    assert table is not None
    assert table.row_labels[0] == ("haninge1",)
    assert all("annaT" not in labels[0] for labels in table.row_labels)
    assert table.values.cells == ((7,), (SMALL,))
    other = empty.table("deeplinks")
    assert other is not None and other.values.cells == ((0,),)  # the pool is always listed


async def test_topics_are_listed_by_swedish_title_even_when_unseen(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        for _ in range(6):
            db.count_topic_view("housing", "rom", dt.date(2026, 3, 4))
        data = await build(db, "2026-03")
    finally:
        await db.close()
    table = data.table("topic_views")
    assert table is not None
    assert [labels[0] for labels in table.row_labels] == list(TITLES.values())
    assert table.column_labels == ("Svenska", "Romani chib", "Finska")
    housing = table.row_labels.index(("Bostad",))
    assert table.values.cells[housing] == (0, 6, 0)


async def test_trend_shares_come_from_the_monthly_tables(seeded_db: Database) -> None:
    quarter = await build(seeded_db, "2026-Q4")
    assert quarter.trend is not None
    assert quarter.trend.months == (
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-12",
    )
    september = await build(seeded_db, "2026-09")
    services = september.table("services")
    assert services is not None and services.values.column_totals is not None
    good, _mixed, _bad, _unanswered = services.values.column_totals
    total = services.values.grand_total
    overall = quarter.trend.rows[-1]
    assert overall.service == "Alla verksamheter"
    assert isinstance(total, int) and total >= 5  # September has enough answers for a share
    if isinstance(good, int):
        assert overall.good[2] == f"{round(good / total * 100)}\u00a0%"
    else:  # a hidden count gives the interval the rest of the line allows
        assert overall.good[2][0] in "<≥" or "–" in overall.good[2][1:], overall.good[2]


async def test_empty_database(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        data = await build(db, "2026-03")
    finally:
        await db.close()
    assert data.submissions == 0 and data.comments == ()
    assert data.submission_count == 0
    services = data.table("services")
    assert services is not None and services.values.grand_total == 0


async def test_unknown_codes_are_kept(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        await insert_feedback(db, [("2026-W40", "sv", "meeting", 3, "yes", None, "99+", None)] * 5)
        data = await build(db, "2026-T3")
    finally:
        await db.close()
    services = data.table("services")
    assert services is not None and ("meeting",) in services.row_labels


def test_top_questions_group_and_hide_small_counts() -> None:
    questions = [("sv", "Hur söker jag bostad?")] * 5
    questions += [("fi", "hur  söker jag BOSTAD")]
    questions += [("rom", "Sar te rodav buti?")] * 3
    questions += [("sv", "Arbete?")]
    top = top_questions(questions)
    assert [q.question for q in top] == [
        "Hur söker jag bostad?",
        "Arbete?",
        "Sar te rodav buti?",
    ]
    assert top[0].count == 6
    assert top[0].langs == ("fi", "sv")
    # Rarely asked questions are in text order, so the order does not tell 3 from 1.
    assert top[1].count == SMALL and top[2].count == SMALL


async def test_top_unanswered_from_the_database(export_data: ExportData) -> None:
    first = export_data.top_unanswered[0]
    assert first.question == "Hur söker jag bostad?"
    assert first.count == 6
    assert Counter(q.count for q in export_data.top_unanswered)[SMALL] == 3


async def test_a_random_database_never_shows_a_small_count(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        await seed(db, random.Random(99))
        for period in ("2026-08", "2026-T3", "2026-Q4", "2026"):
            for scope in (None, ("malmo",)):
                data = await build(db, period, scope)
                no_small_count_shown(data)
    finally:
        await db.close()


def test_today_is_after_the_seed() -> None:
    assert dt.date(2026, 12, 31) < TODAY


async def test_registered_tags_show_their_reach_in_their_municipality(tmp_path: Path) -> None:
    from bot.storage.tags import count_reach, register_tag

    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        day = dt.date(2026, 3, 10)
        await register_tag(db, "haninge-bibl", "haninge", "Biblioteket", day)
        await register_tag(db, "malmo-rosengard", "malmo", None, day)
        for n in range(9):
            await count_reach(db, "haninge-bibl", day, new_person=n < 6)
        await count_reach(db, "malmo-rosengard", day, new_person=True)
        haninge = await build(db, "2026-03", ("haninge",))
        everyone = await build(db, "2026-03")
    finally:
        await db.close()
    table = haninge.table("tag_reach")
    assert table is not None
    assert table.row_labels == (("haninge-bibl", "Haninge", "Biblioteket"),)
    assert table.values.cells == ((6, 9),)
    assert haninge.table("deeplinks") is None  # unregistered tags are the whole bot's
    whole = everyone.table("tag_reach")
    assert whole is not None
    assert [labels[0] for labels in whole.row_labels] == ["haninge-bibl", "malmo-rosengard"]
    assert whole.values.cells[1] == (SMALL, SMALL)  # one person: never shown as exactly one


async def test_helpful_votes_per_topic(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        async with db.transaction():
            await db.connection.execute(
                "INSERT INTO helpful_votes (topic_id, lang, week, yes, no) VALUES "
                "('housing', 'sv', '2026-W11', 7, 0), ('housing', 'rom', '2026-W11', 2, 0)"
            )
        data = await build(db, "2026-03")
    finally:
        await db.close()
    table = data.table("helpful")
    assert table is not None
    housing = table.row_labels.index(("Bostad",))
    assert table.values.cells[housing] == (9, 0)


async def test_a_period_exported_before_and_after_the_purge_is_the_same_table(
    tmp_path: Path,
) -> None:
    from bot.feedback.survey import Draft
    from bot.storage.feedback import purge_old_comments, save_feedback

    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        day = dt.date(2026, 3, 10)
        # Four good housing answers, all with a comment: "<5" beside four listed comments is
        # known to be 4 and needs no complement, before the purge and after it alike.
        drafts = [Draft(service="housing", rating=5, respect="yes", comment="Bra")] * 4
        drafts += [Draft(service="housing", rating=1, respect="no")] * 10
        drafts += [Draft(service="school", rating=5, respect="yes")] * 10
        drafts += [Draft(service="school", rating=1, respect="no")] * 10
        for draft in drafts:
            await save_feedback(db, draft, "sv", day)
        before = await build(db, "2026-03")
        await purge_old_comments(db, dt.date(2028, 6, 1), 24)
        after = await build(db, "2026-03")
    finally:
        await db.close()
    assert before.comments and not after.comments
    for key in ("services", "respect", "languages"):
        old, new = before.table(key), after.table(key)
        assert old is not None and new is not None
        assert old.values == new.values, key  # nothing to difference between the two
