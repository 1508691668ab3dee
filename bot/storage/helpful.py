"""Anonymous "Was this helpful?" counters: per topic, language and ISO week, nothing else.

No user key, no day, no time: a row says only that in week W, N readers of topic T in language L
found it helpful and M did not. Staff see these with small-cell suppression (bot/exports).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.storage.database import Database, iso_week


@dataclass(frozen=True, slots=True)
class HelpfulCount:
    topic_id: str
    lang: str
    week: str
    yes: int
    no: int


async def count_helpful(db: Database, topic_id: str, lang: str, today: dt.date, yes: bool) -> None:
    column = "yes" if yes else "no"
    async with db.transaction():
        await db.connection.execute(
            f"INSERT INTO helpful_votes (topic_id, lang, week, yes, no) VALUES (?, ?, ?, ?, ?) "
            f"ON CONFLICT(topic_id, lang, week) DO UPDATE SET {column} = {column} + 1",
            (topic_id, lang, iso_week(today), int(yes), int(not yes)),
        )


async def helpful_counts(
    db: Database, since_week: str | None = None, until_week: str | None = None
) -> list[HelpfulCount]:
    """Counters within [since_week, until_week] (ISO weeks like 2026-W49; None: open end)."""
    async with db.connection.execute(
        "SELECT topic_id, lang, week, yes, no FROM helpful_votes "
        "WHERE (? IS NULL OR week >= ?) AND (? IS NULL OR week <= ?) "
        "ORDER BY week, topic_id, lang",
        (since_week, since_week, until_week, until_week),
    ) as cursor:
        rows = await cursor.fetchall()
    return [HelpfulCount(str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4])) for r in rows]
