"""What staff exports read, and what staff write back: all the SQL, behind typed functions.

Reads are by month or by ISO week. A week belongs to the month of its Thursday, where most of the
week lies (as ISO 8601 gives a week to the year of its Thursday), so every week belongs to exactly
one month and nothing finer than the week is ever stored: feedback keeps that month beside its
week, the other tables (questions, misses, topic views, deep links) are counted the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.storage.database import Database, iso_week

#: A comment reference shown to staff: the start of the random id, enough to be unique.
REF_LENGTH = 8


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    ref: str
    week: str
    month: str
    lang: str
    service: str | None
    rating: int | None
    respect: str | None
    comment: str | None
    age_band: str | None
    municipality: str | None
    handled: bool
    quotable: bool
    #: Came with a comment, even if retention has deleted the text since.
    commented: bool = False


@dataclass(frozen=True, slots=True)
class Selection:
    """Which rows: whole months, or one ISO week; `municipalities` None means all (and none)."""

    months: tuple[str, ...] = ()
    week: str | None = None
    municipalities: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class ExportLogEntry:
    staff: str
    kind: str
    period: str
    scope: str
    day: str


def week_month(week: str) -> str:
    """The month ('YYYY-MM') of an ISO week's Thursday."""
    thursday = dt.date.fromisocalendar(int(week[:4]), int(week[6:8]), 4)
    return f"{thursday.year}-{thursday.month:02d}"


def _weeks_of(selection: Selection) -> set[str] | None:
    """Weeks counted in the selection, or None for a week selection (the week itself)."""
    if selection.week is not None:
        return {selection.week}
    if not selection.months:
        return set()
    first = dt.date(int(selection.months[0][:4]), int(selection.months[0][5:]), 1)
    weeks: set[str] = set()
    day = first - dt.timedelta(days=7)
    while day.strftime("%Y-%m") <= selection.months[-1]:
        week = iso_week(day)
        if week_month(week) in selection.months:
            weeks.add(week)
        day += dt.timedelta(days=7)
    return weeks


async def feedback_rows(db: Database, selection: Selection) -> list[FeedbackRow]:
    if selection.week is not None:
        where, params = "week = ?", [selection.week]
    else:
        marks = ", ".join("?" for _ in selection.months)
        where, params = f"month IN ({marks})", list(selection.months)
    if selection.municipalities is not None:
        marks = ", ".join("?" for _ in selection.municipalities)
        where += f" AND municipality IN ({marks})"
        params += sorted(selection.municipalities)
    sql = (
        "SELECT id, week, month, lang, service, rating, respect, comment, age_band, "
        f"municipality, handled, quotable, commented FROM feedback WHERE {where}"
    )
    async with db.connection.execute(sql, params) as cursor:
        rows = await cursor.fetchall()
    return [
        FeedbackRow(
            ref=str(r[0])[:REF_LENGTH].upper(),
            week=str(r[1]),
            month=str(r[2]),
            lang=str(r[3]),
            service=_text(r[4]),
            rating=None if r[5] is None else int(r[5]),
            respect=_text(r[6]),
            comment=_text(r[7]),
            age_band=_text(r[8]),
            municipality=_text(r[9]),
            handled=bool(r[10]),
            quotable=bool(r[11]),
            commented=bool(r[12]) or r[7] is not None,
        )
        for r in rows
    ]


async def unanswered_questions(db: Database, selection: Selection) -> list[tuple[str, str]]:
    """(language, question) of the questions asked in the selection's weeks."""
    weeks = _weeks_of(selection) or set()
    async with db.connection.execute("SELECT week, lang, question FROM unanswered_questions") as c:
        rows = await c.fetchall()
    return [(str(lang), str(q)) for week, lang, q in rows if str(week) in weeks]


async def search_misses(db: Database, selection: Selection) -> dict[str, int]:
    """Searches without an answer per language."""
    weeks = _weeks_of(selection) or set()
    totals: dict[str, int] = {}
    async with db.connection.execute("SELECT week, lang, count FROM search_misses") as cursor:
        for week, lang, count in await cursor.fetchall():
            if str(week) in weeks:
                totals[str(lang)] = totals.get(str(lang), 0) + int(count)
    return totals


async def topic_views(db: Database, selection: Selection) -> dict[tuple[str, str], int]:
    """Topic views per (topic id, language)."""
    await db.flush_counters()
    weeks = _weeks_of(selection) or set()
    totals: dict[tuple[str, str], int] = {}
    async with db.connection.execute("SELECT week, topic_id, lang, count FROM topic_views") as c:
        for week, topic, lang, count in await c.fetchall():
            if str(week) in weeks:
                key = (str(topic), str(lang))
                totals[key] = totals.get(key, 0) + int(count)
    return totals


async def deeplink_starts(db: Database, selection: Selection) -> dict[str, int]:
    """Starts from deep links per source tag, by the day's month (or week)."""
    totals: dict[str, int] = {}
    async with db.connection.execute("SELECT tag, day, count FROM deeplink_counts") as cursor:
        for tag, day, count in await cursor.fetchall():
            try:
                date = dt.date.fromisoformat(str(day))
            except ValueError:
                continue
            week = iso_week(date)
            inside = (
                week == selection.week
                if selection.week is not None
                else week_month(week) in selection.months
            )
            if inside:
                totals[str(tag)] = totals.get(str(tag), 0) + int(count)
    return totals


async def helpful_votes(db: Database, selection: Selection) -> dict[tuple[str, str], int]:
    """ "Was this helpful?" votes per (topic id, "yes" or "no") in the selection's weeks."""
    weeks = _weeks_of(selection) or set()
    totals: dict[tuple[str, str], int] = {}
    async with db.connection.execute("SELECT topic_id, week, yes, no FROM helpful_votes") as c:
        for topic, week, yes, no in await c.fetchall():
            if str(week) in weeks:
                for answer, count in (("yes", yes), ("no", no)):
                    key = (str(topic), answer)
                    totals[key] = totals.get(key, 0) + int(count)
    return totals


@dataclass(frozen=True, slots=True)
class TagReach:
    tag: str
    municipality: str
    place: str | None
    people: int
    scans: int


async def tag_reach(db: Database, selection: Selection) -> list[TagReach]:
    """Every registered source tag of the selection's municipalities, with its reach in the
    selection's weeks (zeros included: a tag is listed because it is registered, not because
    someone used it)."""
    weeks = _weeks_of(selection) or set()
    where, params = "", []
    if selection.municipalities is not None:
        marks = ", ".join("?" for _ in selection.municipalities)
        where, params = f" WHERE municipality IN ({marks})", sorted(selection.municipalities)
    async with db.connection.execute(
        f"SELECT tag, municipality, place FROM source_tags{where}", params
    ) as cursor:
        tags = [
            (str(r[0]), str(r[1]), None if r[2] is None else str(r[2]))
            for r in await cursor.fetchall()
        ]
    reach: dict[str, tuple[int, int]] = {}
    async with db.connection.execute("SELECT tag, week, people, scans FROM tag_reach") as cursor:
        for tag, week, people, scans in await cursor.fetchall():
            if str(week) in weeks:
                before = reach.get(str(tag), (0, 0))
                reach[str(tag)] = (before[0] + int(people), before[1] + int(scans))
    return [
        TagReach(tag, municipality, place, *reach.get(tag, (0, 0)))
        for tag, municipality, place in sorted(tags, key=lambda t: (t[1], t[0]))
    ]


# --- what staff write --------------------------------------------------------------------------


async def set_flag(
    db: Database,
    ref: str,
    flag: str,
    value: bool,
    municipalities: Collection[str] | None,
) -> int:
    """Mark the comment whose reference starts with `ref` (handled or quotable).

    Returns how many comments matched; nothing is changed unless exactly one did. A staff member
    scoped to municipalities can only mark comments from those.
    """
    if flag not in {"handled", "quotable"}:
        raise ValueError(f"unknown flag {flag}")
    prefix = ref.strip().lower()
    if not prefix.isalnum() or len(prefix) < 4:
        return 0
    where = "id LIKE ? AND comment IS NOT NULL"
    params: list[object] = [prefix + "%"]
    if municipalities is not None:
        marks = ", ".join("?" for _ in municipalities)
        where += f" AND municipality IN ({marks})"
        params += sorted(municipalities)
    async with db.transaction():
        async with db.connection.execute(f"SELECT id FROM feedback WHERE {where}", params) as c:
            found = [str(r[0]) for r in await c.fetchall()]
        if len(found) == 1:
            await db.connection.execute(
                f"UPDATE feedback SET {flag} = ? WHERE id = ?", (int(value), found[0])
            )
    return len(found)


async def log_export(
    db: Database, *, staff: str, kind: str, period: str, scope: str, day: dt.date
) -> None:
    async with db.transaction():
        await db.connection.execute(
            "INSERT INTO export_log (staff, kind, period, scope, day) VALUES (?, ?, ?, ?, ?)",
            (staff, kind, period, scope, day.isoformat()),
        )


async def export_log(db: Database, limit: int = 30) -> list[ExportLogEntry]:
    """The newest entries first."""
    async with db.connection.execute(
        "SELECT staff, kind, period, scope, day FROM export_log ORDER BY rowid DESC LIMIT ?",
        (limit,),
    ) as cursor:
        rows = await cursor.fetchall()
    return [ExportLogEntry(*(str(v) for v in row)) for row in rows]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def scope_words(municipalities: Sequence[str] | None) -> str:
    return "all" if municipalities is None else "|".join(sorted(municipalities))
