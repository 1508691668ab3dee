"""bot.storage.exports: the staff queries, marks and the export log; migration 3 on old rows."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from bot.feedback.survey import Draft
from bot.storage.database import MIGRATIONS, Database, iso_week
from bot.storage.exports import (
    Selection,
    export_log,
    feedback_rows,
    log_export,
    set_flag,
    week_month,
)
from bot.storage.feedback import save_feedback

#: Migration 4 (index 3) added the month, the flags and the export log.
MONTHS_MIGRATION = 3


def _old_database(path: Path, rows: list[tuple[str, str, str | None]]) -> None:
    """A database as the bot left it before migration 3, with (id, week, service) rows."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for number, script in enumerate(MIGRATIONS[:MONTHS_MIGRATION], start=1):
            connection.executescript(script)
            connection.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
        connection.executemany(
            "INSERT INTO feedback (id, week, lang, service, rating, comment) "
            "VALUES (?, ?, 'sv', ?, 4, 'text')",
            rows,
        )


async def test_old_submissions_stay_readable_after_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    _old_database(
        path,
        [
            ("a" * 32, "2026-W14", "school"),  # then: school or mother-tongue tuition
            ("b" * 32, "2026-W13", "place"),
            ("c" * 32, "2025-W01", None),  # 2024-12-30 .. 2025-01-05, Thursday 2 January 2025
        ],
    )
    db = await Database.open(path)
    try:
        rows = await feedback_rows(db, Selection(months=("2025-01", "2026-03", "2026-04")))
    finally:
        await db.close()
    found = {r.ref[0].lower(): (r.month, r.service, r.handled, r.quotable) for r in rows}
    assert found == {
        "a": ("2026-04", "school-mt", False, False),
        "b": ("2026-03", "place", False, False),
        "c": ("2025-01", None, False, False),
    }


def test_every_week_belongs_to_the_month_of_its_thursday() -> None:
    day = dt.date(2024, 1, 1)
    while day < dt.date(2028, 1, 1):
        week = iso_week(day)
        thursday = dt.date.fromisocalendar(int(week[:4]), int(week[6:]), 4)
        assert week_month(week) == f"{thursday.year}-{thursday.month:02d}"
        day += dt.timedelta(days=1)


async def test_rows_are_selected_by_month_or_week_and_municipality(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        for day, municipality in (
            (dt.date(2026, 3, 3), "haninge"),
            (dt.date(2026, 3, 31), "malmo"),  # week 14: April
            (dt.date(2026, 4, 8), None),
        ):
            draft = Draft(rating=3, municipality=municipality)
            await save_feedback(db, draft, "sv", day)
        march = await feedback_rows(db, Selection(months=("2026-03",)))
        april = await feedback_rows(db, Selection(months=("2026-04",)))
        scoped = await feedback_rows(
            db, Selection(months=("2026-03", "2026-04"), municipalities=frozenset({"malmo"}))
        )
        week = await feedback_rows(db, Selection(week="2026-W14"))
    finally:
        await db.close()
    assert [r.municipality for r in march] == ["haninge"]
    assert sorted(str(r.municipality) for r in april) == ["None", "malmo"]
    assert [r.municipality for r in scoped] == ["malmo"]  # nor answers without a municipality
    assert [r.week for r in week] == ["2026-W14"]


async def test_flags_need_a_unique_reference_within_the_staff_members_municipalities(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        day = dt.date(2026, 3, 3)
        await save_feedback(db, Draft(comment="Bra", municipality="haninge"), "sv", day)
        await save_feedback(db, Draft(comment="Dåligt", municipality="malmo"), "sv", day)
        rows = await feedback_rows(db, Selection(months=("2026-03",)))
        haninge = next(r for r in rows if r.municipality == "haninge")
        assert await set_flag(db, haninge.ref, "handled", True, frozenset({"malmo"})) == 0
        assert await set_flag(db, "", "handled", True, None) == 0
        assert await set_flag(db, haninge.ref, "handled", True, frozenset({"haninge"})) == 1
        assert await set_flag(db, haninge.ref.lower(), "quotable", True, None) == 1
        again = await feedback_rows(db, Selection(months=("2026-03",)))
    finally:
        await db.close()
    flags = {r.comment: (r.handled, r.quotable) for r in again}
    assert flags == {"Bra": (True, True), "Dåligt": (False, False)}


async def test_the_export_log_keeps_who_what_and_when(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        await log_export(
            db,
            staff="k" * 32,
            kind="report",
            period="2026-Q1",
            scope="haninge",
            day=dt.date(2026, 4, 7),
        )
        await log_export(
            db,
            staff="server",
            kind="export-xlsx",
            period="2026-03",
            scope="all",
            day=dt.date(2026, 4, 8),
        )
        entries = await export_log(db)
    finally:
        await db.close()
    assert [(e.staff, e.kind, e.period, e.scope, e.day) for e in entries] == [
        ("server", "export-xlsx", "2026-03", "all", "2026-04-08"),
        ("k" * 32, "report", "2026-Q1", "haninge", "2026-04-07"),
    ]
