"""build_export against a real temporary database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from bot.exports.data import (
    ExportData,
    Submission,
    Table,
    UnansweredQuestion,
    build_export,
    fill_weeks,
    service_label,
    top_questions,
)
from bot.exports.suppression import HIDDEN, small_marker
from bot.storage.database import Database

from .conftest import FIRST_DAY, HOSTILE_COMMENTS, TODAY, insert_feedback

SMALL = small_marker()


def visible_numbers(table: Table) -> list[int]:
    return [v for row in table.rows() for v in row if isinstance(v, int)]


async def test_submissions_carry_no_age_band_or_municipality(export_data: ExportData) -> None:
    fields = {f.name for f in dataclasses.fields(Submission)}
    assert fields == {"week", "lang", "service", "rating", "respect", "comment"}
    assert export_data.submissions
    comments = {s.comment for s in export_data.submissions}
    assert set(HOSTILE_COMMENTS) <= comments  # stored text is exported as it is


async def test_submissions_are_sorted_by_content_not_storage(export_data: ExportData) -> None:
    keys = [
        (s.week, s.lang, s.service or "", s.rating or 0, s.respect or "", s.comment or "")
        for s in export_data.submissions
    ]
    assert keys == sorted(keys)


async def test_every_aggregate_hides_counts_under_five(export_data: ExportData) -> None:
    for table in export_data.tables:
        assert not any(0 < n < 5 for n in visible_numbers(table)), table.key
    assert any(SMALL in row for t in export_data.tables for row in t.rows())


async def test_service_table_matches_the_database(
    seeded_db: Database, export_data: ExportData
) -> None:
    async with seeded_db.connection.execute(
        "SELECT service, rating, COUNT(*) FROM feedback GROUP BY service, rating"
    ) as cursor:
        truth = {(s, r): n for s, r, n in await cursor.fetchall()}
    table = export_data.service_rating
    ratings: list[int | None] = [1, 2, 3, 4, 5, None]
    assert len(table.column_labels) == len(ratings)
    services: list[str | None] = ["school", "preschool", "social", "bridge", "place", "health"]
    services += ["housing", "work", "other", None]
    assert [labels[0] for labels in table.row_labels] == [service_label(s) for s in services]
    for i, service in enumerate(services):
        for j, rating in enumerate(ratings):
            shown = table.values.cells[i][j]
            true = truth.get((service, rating), 0)
            if isinstance(shown, int):
                assert shown == true
            elif shown == SMALL:
                assert true < 5
            else:
                assert shown == HIDDEN and true >= 5
    assert table.values.grand_total == len(export_data.submissions)


async def test_week_filter_widens_to_whole_weeks(seeded_db: Database) -> None:
    wednesday = FIRST_DAY + dt.timedelta(weeks=2, days=2)
    data = await build_export(
        seeded_db, since=wednesday, until=wednesday + dt.timedelta(days=7), today=TODAY
    )
    weeks = {s.week for s in data.submissions}
    assert weeks == {"2026-W33", "2026-W34"}
    assert data.since_week == "2026-W33"
    assert data.until_week == "2026-W34"
    assert {labels[0] for labels in data.by_week.row_labels} <= weeks
    assert {labels[0] for labels in data.topic_views.row_labels} <= weeks
    assert {labels[0] for labels in data.deeplinks.row_labels} <= weeks
    assert all(q.week in weeks for q in data.unanswered)


async def test_since_after_until_is_refused(seeded_db: Database) -> None:
    with pytest.raises(ValueError):
        await build_export(seeded_db, since=dt.date(2026, 9, 2), until=dt.date(2026, 9, 1))


async def test_deeplink_days_become_iso_weeks(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        # 2026 has 53 ISO weeks: Thursday 31 December and Sunday 3 January are both 2026-W53.
        for day, times in (("2026-12-31", 3), ("2027-01-03", 4), ("2027-01-04", 6)):
            for _ in range(times):
                await db.count_deeplink("poster1", dt.date.fromisoformat(day))
        data = await build_export(db)
    finally:
        await db.close()
    table = data.deeplinks
    assert table.row_labels == (("2026-W53",), ("2027-W01",))
    assert table.values.cells == ((7,), (6,))
    assert table.values.grand_total == 13


async def test_buffered_topic_views_are_exported(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        for _ in range(6):
            db.count_topic_view("housing", "rom", TODAY)
        data = await build_export(db)
    finally:
        await db.close()
    assert data.topic_views.row_labels == (("2026-W47", "housing"),)
    assert data.topic_views.column_labels == ("Romani chib",)
    assert data.topic_views.values.cells == ((6,),)


async def test_empty_database(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        data = await build_export(db, today=TODAY)
    finally:
        await db.close()
    assert data.submissions == ()
    assert all(table.is_empty for table in data.tables if table.key != "respect")
    assert data.submission_count == 0


async def test_a_comment_cannot_be_tied_to_a_municipality(tmp_path: Path) -> None:
    # Two residents of Haninge gave rating 1; the submissions list shows two rating-1 comments.
    # Showing "Haninge: <5" with every other municipality 0 would tie both comments to Haninge.
    db = await Database.open(tmp_path / "bot.sqlite3")
    rows: list[tuple[object, ...]] = [
        ("2026-W40", "sv", "social", 1, "no", "Ingen lyssnade", "31-50", "haninge")
    ] * 2
    for municipality in ("haninge", "malmo", "stockholm"):
        rows += [("2026-W40", "sv", "school", 5, "yes", None, "31-50", municipality)] * 6
        rows += [("2026-W40", "sv", "school", 4, "yes", None, "18-30", municipality)] * 5
    try:
        await insert_feedback(db, rows)
        data = await build_export(db, municipality_names={"haninge": "Haninge"})
    finally:
        await db.close()
    table = data.municipality_rating
    assert [labels[0] for labels in table.row_labels] == ["Haninge", "malmo", "stockholm"]
    rating_one = [row[0] for row in table.values.cells]
    assert rating_one.count(SMALL) >= 2, rating_one
    assert table.values.column_totals is not None
    assert table.values.column_totals[0] == SMALL


async def test_unknown_codes_are_kept(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        await insert_feedback(db, [("2026-W40", "sv", "meeting", 3, "yes", None, "99+", None)] * 5)
        data = await build_export(db)
    finally:
        await db.close()
    assert data.service_rating.row_labels == (("meeting",),)
    assert data.age_band_rating.row_labels == (("99+",),)


def test_fill_weeks_spans_a_53_week_year() -> None:
    assert fill_weeks(["2026-W52", "2027-W02"]) == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert fill_weeks([]) == []
    assert fill_weeks(["bad", "2026-W10"]) == ["2026-W10", "bad"]


def test_top_questions_group_and_hide_small_counts() -> None:
    questions = [UnansweredQuestion("2026-W40", "sv", "Hur söker jag bostad?")] * 5
    questions += [UnansweredQuestion("2026-W41", "fi", "hur  söker jag BOSTAD")]
    questions += [UnansweredQuestion("2026-W41", "rom", "Sar te rodav buti?")] * 3
    questions += [UnansweredQuestion("2026-W41", "sv", "Arbete?")]
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
