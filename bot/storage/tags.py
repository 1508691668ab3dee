"""SQL for registered source tags and their weekly reach (scans and people, counts only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.links.tags import SourceTag
from bot.storage.database import Database, iso_week


class TagTaken(ValueError):
    """The tag is registered to another municipality."""


@dataclass(frozen=True, slots=True)
class ReachRow:
    tag: str
    week: str
    scans: int
    people: int


async def get_tag(db: Database, tag: str) -> SourceTag | None:
    async with db.connection.execute(
        "SELECT tag, municipality, place FROM source_tags WHERE tag = ?", (tag,)
    ) as cursor:
        row = await cursor.fetchone()
    return (
        SourceTag(str(row[0]), str(row[1]), None if row[2] is None else str(row[2]))
        if row
        else None
    )


async def register_tag(
    db: Database, tag: str, municipality: str, place: str | None, today: dt.date
) -> SourceTag:
    """Register (or re-use) a tag for a municipality; a new place name replaces the old one.

    TagTaken when another municipality holds it: tags are global because deep links are.
    """
    existing = await get_tag(db, tag)
    if existing is not None and existing.municipality != municipality:
        raise TagTaken(tag)
    if existing is not None and (place is None or place == existing.place):
        return existing
    async with db.transaction():
        await db.connection.execute(
            "INSERT INTO source_tags (tag, municipality, place, registered_week) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(tag) DO UPDATE SET place = excluded.place",
            (tag, municipality, place, iso_week(today)),
        )
    return SourceTag(tag, municipality, place)


async def tags_of(db: Database, municipality: str | None = None) -> list[SourceTag]:
    """Registered tags of one municipality, or of all (staff), sorted."""
    query = "SELECT tag, municipality, place FROM source_tags"
    params: tuple[str, ...] = ()
    if municipality is not None:
        query += " WHERE municipality = ?"
        params = (municipality,)
    async with db.connection.execute(query + " ORDER BY municipality, tag", params) as cursor:
        return [
            SourceTag(str(r[0]), str(r[1]), None if r[2] is None else str(r[2]))
            for r in await cursor.fetchall()
        ]


async def count_reach(db: Database, tag: str, today: dt.date, *, new_person: bool) -> None:
    async with db.transaction():
        await db.connection.execute(
            "INSERT INTO tag_reach (tag, week, scans, people) VALUES (?, ?, 1, ?) "
            "ON CONFLICT(tag, week) DO UPDATE SET scans = scans + 1, "
            "people = people + excluded.people",
            (tag, iso_week(today), int(new_person)),
        )


async def reach(db: Database, tags: list[str], weeks: list[str]) -> list[ReachRow]:
    """One row per tag and week asked for, zeros included (a listed tag can be 0)."""
    found: dict[tuple[str, str], tuple[int, int]] = {}
    if tags and weeks:
        marks_t = ",".join("?" * len(tags))
        marks_w = ",".join("?" * len(weeks))
        async with db.connection.execute(
            f"SELECT tag, week, scans, people FROM tag_reach "
            f"WHERE tag IN ({marks_t}) AND week IN ({marks_w})",
            (*tags, *weeks),
        ) as cursor:
            for row in await cursor.fetchall():
                found[(str(row[0]), str(row[1]))] = (int(row[2]), int(row[3]))
    return [ReachRow(tag, week, *found.get((tag, week), (0, 0))) for tag in tags for week in weeks]
