"""Helpful counters: anonymous per topic, language and week; shown to staff suppressed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.exports.suppression import THRESHOLD
from bot.storage.database import Database
from bot.storage.helpful import HelpfulCount, count_helpful, helpful_counts
from tests.exports.conftest import build

DAY = dt.date(2026, 9, 2)  # 2026-W36


async def test_votes_are_counted_per_topic_language_and_week_without_anyone(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        for yes in (True, True, False):
            await count_helpful(db, "housing", "fi", DAY, yes)
        await count_helpful(db, "housing", "sv", DAY + dt.timedelta(days=7), True)
        assert await helpful_counts(db) == [
            HelpfulCount("housing", "fi", "2026-W36", 2, 1),
            HelpfulCount("housing", "sv", "2026-W37", 1, 0),
        ]
        assert await helpful_counts(db, since_week="2026-W37") == [
            HelpfulCount("housing", "sv", "2026-W37", 1, 0)
        ]
        async with db.connection.execute("PRAGMA table_info(helpful_votes)") as cursor:
            columns = {row[1] for row in await cursor.fetchall()}
        assert columns == {"topic_id", "lang", "week", "yes", "no"}
    finally:
        await db.close()


async def test_staff_export_shows_the_votes_with_small_cells_hidden(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        for _ in range(THRESHOLD + 2):
            await count_helpful(db, "housing", "sv", DAY, True)
        for _ in range(THRESHOLD + 1):
            await count_helpful(db, "housing", "rom", DAY, False)
        await count_helpful(db, "health-care", "fi", DAY, True)
        data = await build(db, "2026-09")
        table = data.table("helpful")
        assert table is not None
        rows = {
            labels[0]: cells
            for labels, cells in zip(table.row_labels, table.values.cells, strict=True)
        }
        assert rows["Bostad"] == (THRESHOLD + 2, THRESHOLD + 1)
        assert 1 not in rows["Vård"]  # one vote is a small cell: hidden, never shown as 1
    finally:
        await db.close()
