"""SQL for anonymous cases (bot/cases): the record, its group messages, and staff counts.

A row holds the case number, municipality, language, month opened, the hour opened and the day
last active (both only while open), the hours to the first answer, the status, the sealed chat
link (only while open) and the group-side message and topic ids. Never the text, never a chat
id in clear, never a user key. Closing a case deletes the seal, the language and the times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.storage.database import Database

Status = Literal["open", "closed"]

_COLUMNS = "number, municipality, lang, status, seal, group_message, thread, last_active"


@dataclass(frozen=True, slots=True)
class CaseRecord:
    number: int
    municipality: str
    lang: str | None
    status: Status
    seal: bytes | None
    group_message: int | None
    thread: int | None
    last_active: str | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True, slots=True)
class CaseMonth:
    """Anonymous counts for one municipality and month (before suppression)."""

    municipality: str
    month: str
    opened: int
    answered: int
    #: Hours from opening to the first answer, one per answered case, sorted.
    answer_hours: tuple[int, ...]


def _record(row: tuple[object, ...]) -> CaseRecord:
    number, municipality, lang, status, seal, message, thread, last_active = row
    return CaseRecord(
        number=int(str(number)),
        municipality=str(municipality),
        lang=None if lang is None else str(lang),
        status="open" if status == "open" else "closed",
        seal=bytes(seal) if isinstance(seal, bytes | bytearray | memoryview) else None,
        group_message=None if message is None else int(str(message)),
        thread=None if thread is None else int(str(thread)),
        last_active=None if last_active is None else str(last_active),
    )


def _hour(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H")


async def open_case(
    db: Database, municipality: str, lang: str, now: dt.datetime, seal: Callable[[int], bytes]
) -> int:
    """A new open case; `seal(number)` makes the sealed chat link once the number is known."""
    async with db.transaction():
        cursor = await db.connection.execute(
            "INSERT INTO cases (municipality, lang, opened_month, opened_hour, last_active, "
            "status) VALUES (?, ?, ?, ?, ?, 'open')",
            (municipality, lang, now.strftime("%Y-%m"), _hour(now), now.date().isoformat()),
        )
        number = cursor.lastrowid
        assert number is not None
        await db.connection.execute(
            "UPDATE cases SET seal = ? WHERE number = ?", (seal(number), number)
        )
    return int(number)


async def set_case_post(db: Database, number: int, group_message: int, thread: int | None) -> None:
    async with db.transaction():
        await db.connection.execute(
            "UPDATE cases SET group_message = ?, thread = ? WHERE number = ?",
            (group_message, thread, number),
        )
        await db.connection.execute(
            "INSERT OR IGNORE INTO case_messages (municipality, message_id, number) "
            "SELECT municipality, ?, number FROM cases WHERE number = ?",
            (group_message, number),
        )


async def add_case_message(db: Database, number: int, message_id: int) -> None:
    """A later bot message in the group that belongs to the case (a resident's follow-up)."""
    async with db.transaction():
        await db.connection.execute(
            "INSERT OR IGNORE INTO case_messages (municipality, message_id, number) "
            "SELECT municipality, ?, number FROM cases WHERE number = ?",
            (message_id, number),
        )


async def get_case(db: Database, number: int) -> CaseRecord | None:
    async with db.connection.execute(
        f"SELECT {_COLUMNS} FROM cases WHERE number = ?", (number,)
    ) as cursor:
        row = await cursor.fetchone()
    return _record(tuple(row)) if row else None


async def case_for_message(db: Database, municipality: str, message_id: int) -> CaseRecord | None:
    async with db.connection.execute(
        "SELECT number FROM case_messages WHERE municipality = ? AND message_id = ?",
        (municipality, message_id),
    ) as cursor:
        row = await cursor.fetchone()
    return await get_case(db, int(row[0])) if row else None


async def case_for_thread(db: Database, municipality: str, thread: int) -> CaseRecord | None:
    async with db.connection.execute(
        f"SELECT {_COLUMNS} FROM cases WHERE municipality = ? AND thread = ?",
        (municipality, thread),
    ) as cursor:
        row = await cursor.fetchone()
    return _record(tuple(row)) if row else None


async def open_cases(db: Database) -> list[CaseRecord]:
    async with db.connection.execute(
        f"SELECT {_COLUMNS} FROM cases WHERE status = 'open' ORDER BY number"
    ) as cursor:
        return [_record(tuple(row)) for row in await cursor.fetchall()]


async def touch_case(db: Database, number: int, today: dt.date) -> None:
    async with db.transaction():
        await db.connection.execute(
            "UPDATE cases SET last_active = ? WHERE number = ? AND status = 'open'",
            (today.isoformat(), number),
        )


async def record_answer(db: Database, number: int, now: dt.datetime) -> None:
    """The first answer sets the hours since opening (for staff); later answers change nothing."""
    case = await get_case(db, number)
    if case is None or not case.is_open:
        return
    async with db.connection.execute(
        "SELECT opened_hour FROM cases WHERE number = ?", (number,)
    ) as cursor:
        row = await cursor.fetchone()
    if not row or row[0] is None:
        return
    opened = dt.datetime.strptime(str(row[0]), "%Y-%m-%dT%H").replace(tzinfo=dt.UTC)
    hours = max(0, int((now.astimezone(dt.UTC) - opened).total_seconds() // 3600))
    async with db.transaction():
        await db.connection.execute(
            "UPDATE cases SET answer_hours = ?, last_active = ? "
            "WHERE number = ? AND answer_hours IS NULL",
            (hours, now.date().isoformat(), number),
        )
        await db.connection.execute(
            "UPDATE cases SET last_active = ? WHERE number = ?", (now.date().isoformat(), number)
        )


async def close_case(db: Database, number: int) -> bool:
    """Close and forget the link: seal, language and times go; True if it was open."""
    async with db.transaction():
        cursor = await db.connection.execute(
            "UPDATE cases SET status = 'closed', seal = NULL, lang = NULL, opened_hour = NULL, "
            "last_active = NULL WHERE number = ? AND status = 'open'",
            (number,),
        )
        return cursor.rowcount > 0


async def inactive_cases(db: Database, today: dt.date, days: int) -> list[CaseRecord]:
    cutoff = (today - dt.timedelta(days=days)).isoformat()
    async with db.connection.execute(
        f"SELECT {_COLUMNS} FROM cases WHERE status = 'open' AND last_active <= ? ORDER BY number",
        (cutoff,),
    ) as cursor:
        return [_record(tuple(row)) for row in await cursor.fetchall()]


async def case_months(db: Database) -> list[CaseMonth]:
    """Cases opened, answered and hours to first answer per municipality and month."""
    async with db.connection.execute(
        "SELECT municipality, opened_month, answer_hours FROM cases "
        "ORDER BY municipality, opened_month"
    ) as cursor:
        rows = await cursor.fetchall()
    grouped: dict[tuple[str, str], list[int | None]] = {}
    for municipality, month, hours in rows:
        grouped.setdefault((str(municipality), str(month)), []).append(
            None if hours is None else int(hours)
        )
    return [
        CaseMonth(
            municipality=municipality,
            month=month,
            opened=len(values),
            answered=sum(1 for value in values if value is not None),
            answer_hours=tuple(sorted(value for value in values if value is not None)),
        )
        for (municipality, month), values in grouped.items()
    ]
