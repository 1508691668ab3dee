from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from bot.storage.database import MIGRATIONS, Database, iso_week

DAY = dt.date(2026, 11, 21)


async def test_migrations_run_once_and_record_the_version(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    assert await db.schema_version() == len(MIGRATIONS)
    await db.close()
    db = await Database.open(tmp_path / "bot.sqlite3")  # reopening applies nothing twice
    assert await db.schema_version() == len(MIGRATIONS)
    await db.close()


async def test_pragmas_make_writes_durable(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    async with db.connection.execute("PRAGMA journal_mode") as cursor:
        assert (await cursor.fetchone())[0] == "wal"  # type: ignore[index]
    async with db.connection.execute("PRAGMA synchronous") as cursor:
        assert (await cursor.fetchone())[0] == 2  # type: ignore[index]  # FULL
    await db.close()


async def test_preferences_round_trip_forget_and_expire(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    await db.set_preference("k1", DAY, lang="rom")
    await db.set_preference("k1", DAY, municipality="malmo")
    pref = await db.get_preference("k1", DAY)
    assert (pref.lang, pref.municipality) == ("rom", "malmo")
    assert await db.forget("k1") is True
    assert (await db.get_preference("k1", DAY)).lang is None
    assert await db.forget("k1") is False

    await db.set_preference("old", DAY - dt.timedelta(days=200), lang="fi")
    await db.set_preference("new", DAY, lang="sv")
    assert await db.expire_preferences(DAY, ttl_days=180) == 1
    assert (await db.get_preference("old", DAY)).lang is None
    assert (await db.get_preference("new", DAY)).lang == "sv"
    await db.close()


async def test_counters_are_anonymous_and_buffered(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    for _ in range(3):
        db.count_topic_view("housing", "fi", DAY)
        await db.count_deeplink("haninge1", DAY)
    assert await db.topic_views() == [("housing", "fi", iso_week(DAY), 3)]
    assert await db.deeplink_counts() == [("haninge1", DAY.isoformat(), 3)]
    await db.close()


async def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        async with db.transaction():
            await db.connection.execute(
                "INSERT INTO deeplink_counts (tag, day, count) VALUES ('t', 'd', 1)"
            )
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert await db.deeplink_counts() == []
    await db.close()


async def test_buffered_views_survive_close(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    db.count_topic_view("work", "sv", DAY)
    await db.close()
    with sqlite3.connect(tmp_path / "bot.sqlite3") as raw:
        assert raw.execute("SELECT count FROM topic_views").fetchall() == [(1,)]
    assert (tmp_path / "bot.sqlite3").exists()


def test_iso_week() -> None:
    assert iso_week(dt.date(2026, 1, 1)) == "2026-W01"
    assert iso_week(dt.date(2027, 1, 1)) == "2026-W53"
