"""Case records: opened sealed, closed without the link, counted for staff without anyone."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cases.seal import CaseSeal
from bot.storage import cases as store
from bot.storage.database import Database

NOW = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)
CHAT = 987_654_321


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


async def test_open_post_answer_close(db: Database) -> None:
    seal = CaseSeal(b"k" * 40)
    number = await store.open_case(db, "haninge", "rom", NOW, lambda n: seal.seal(n, CHAT))
    await store.set_case_post(db, number, 17, 5)
    case = await store.get_case(db, number)
    assert case is not None and case.is_open and case.seal is not None
    assert seal.open(number, case.seal) == CHAT
    assert await store.case_for_message(db, "haninge", 17) == case
    assert await store.case_for_message(db, "huddinge", 17) is None
    assert await store.case_for_thread(db, "haninge", 5) == case
    await store.add_case_message(db, number, 23)
    assert await store.case_for_message(db, "haninge", 23) == case

    await store.record_answer(db, number, NOW + dt.timedelta(hours=5, minutes=10))
    await store.record_answer(db, number, NOW + dt.timedelta(hours=50))  # only the first counts
    assert await store.close_case(db, number)
    assert not await store.close_case(db, number)
    closed = await store.get_case(db, number)
    assert closed is not None and not closed.is_open
    assert (closed.seal, closed.lang, closed.last_active) == (None, None, None)
    # A reply to a closed case's message still finds it (so the bridge-builder can be told).
    assert await store.case_for_message(db, "haninge", 17) == closed
    [month] = await store.case_months(db)
    assert (month.municipality, month.month, month.opened, month.answered) == (
        "haninge",
        "2026-12",
        1,
        1,
    )
    assert month.answer_hours == (5,)


async def test_inactive_cases_after_the_configured_days(db: Database) -> None:
    seal = CaseSeal(b"k" * 40)
    old = await store.open_case(db, "haninge", "sv", NOW, lambda n: seal.seal(n, 1))
    fresh = await store.open_case(
        db, "haninge", "sv", NOW + dt.timedelta(days=5), lambda n: seal.seal(n, 2)
    )
    day = NOW.date() + dt.timedelta(days=14)
    assert [c.number for c in await store.inactive_cases(db, day, 14)] == [old]
    await store.touch_case(db, old, day)
    assert await store.inactive_cases(db, day, 14) == []
    later = day + dt.timedelta(days=14)
    assert [c.number for c in await store.inactive_cases(db, later, 14)] == [old, fresh]


def _all_bytes(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in directory.iterdir() if p.is_file())


async def test_the_file_holds_no_chat_id(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    seal = CaseSeal(b"k" * 40)
    for offset in range(20):
        await store.open_case(db, "malmo", "fi", NOW, lambda n, o=offset: seal.seal(n, CHAT + o))
    await db.close()
    raw = _all_bytes(tmp_path)
    for offset in range(20):
        assert str(CHAT + offset).encode() not in raw
        assert (CHAT + offset).to_bytes(8, "big", signed=True) not in raw
        assert (CHAT + offset).to_bytes(8, "little", signed=True) not in raw
