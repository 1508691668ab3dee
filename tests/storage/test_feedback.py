"""Storing feedback, unanswered questions and search misses; retention of free text."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.feedback.survey import Draft
from bot.privacy.scrubber import MARKER
from bot.storage.database import Database, iso_week
from bot.storage.feedback import (
    MAX_QUESTION_CHARS,
    InvalidFeedback,
    count_search_miss,
    purge_old_comments,
    retention_cutoff,
    save_feedback,
    save_unanswered,
)

DAY = dt.date(2026, 11, 19)
PERSONNUMMER = "19811218-9876"
PHONE = "0701234567"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Read through a second connection: it only sees what is committed."""
    with sqlite3.connect(path) as other:
        return list(other.execute(sql))


async def test_a_submission_is_committed_with_only_the_answers_and_the_week(db: Database) -> None:
    draft = Draft("housing", 2, "partly", "Lång väntan", "18-30", "malmo")
    feedback_id = await save_feedback(db, draft, "fi", DAY, municipalities=frozenset({"malmo"}))
    assert len(feedback_id) == 32 and int(feedback_id, 16) >= 0
    rows = _rows(db.path, "SELECT * FROM feedback")
    # The month is the month of the week's Thursday: a function of the week, nothing finer.
    # handled and quotable are set by staff later, never by the resident's submission.
    assert rows == [
        (
            feedback_id,
            "2026-W47",
            "fi",
            "housing",
            2,
            "partly",
            "Lång väntan",
            "18-30",
            "malmo",
            "2026-11",
            0,
            0,
            1,  # came with a comment (kept when retention deletes the text)
        )
    ]
    columns = [row[1] for row in _rows(db.path, "PRAGMA table_info(feedback)")]
    assert columns == [
        "id",
        "week",
        "lang",
        "service",
        "rating",
        "respect",
        "comment",
        "age_band",
        "municipality",
        "month",
        "handled",
        "quotable",
        "commented",
    ]


async def test_the_month_stored_is_a_function_of_the_week(db: Database) -> None:
    """Storing the month beside the week must not narrow a submission to part of a week."""
    first = dt.date(2026, 3, 23)  # weeks 13-15 cross the end of March
    for offset in range(21):
        await save_feedback(db, Draft(), "sv", first + dt.timedelta(days=offset))
    months_per_week = _rows(
        db.path, "SELECT week, COUNT(DISTINCT month), MIN(month) FROM feedback GROUP BY week"
    )
    assert months_per_week == [
        ("2026-W13", 1, "2026-03"),
        ("2026-W14", 1, "2026-04"),  # Monday 30 March to Sunday 5 April: its Thursday is 2 April
        ("2026-W15", 1, "2026-04"),
    ]


async def test_everything_skipped_is_a_valid_submission(db: Database) -> None:
    await save_feedback(db, Draft(), "rom", DAY)
    assert _rows(db.path, "SELECT lang, week, service, comment FROM feedback") == [
        ("rom", "2026-W47", None, None)
    ]


async def test_the_store_scrubs_again_whatever_the_caller_passes(db: Database) -> None:
    raw = Draft(comment=f"pnr {PERSONNUMMER} tel {PHONE}")  # built without with_comment
    await save_feedback(db, raw, "sv", DAY)
    [(comment,)] = _rows(db.path, "SELECT comment FROM feedback")
    assert comment == f"pnr {MARKER} tel {MARKER}"


@pytest.mark.parametrize(
    ("draft", "lang", "problem"),
    [
        (Draft(service="bank"), "sv", "unknown service"),
        (Draft(rating=9), "sv", "rating out of range"),
        (Draft(municipality="stockholm"), "sv", "unknown municipality"),
        (Draft(), "en", "unknown language"),
    ],
)
async def test_invalid_drafts_store_nothing(
    db: Database, draft: Draft, lang: str, problem: str
) -> None:
    with pytest.raises(InvalidFeedback, match=problem):
        await save_feedback(db, draft, lang, DAY, municipalities=frozenset({"malmo"}))
    assert _rows(db.path, "SELECT COUNT(*) FROM feedback") == [(0,)]


async def test_row_order_does_not_reveal_the_order_of_submissions(db: Database) -> None:
    ids = [await save_feedback(db, Draft(rating=3), "sv", DAY) for _ in range(8)]
    rowids = [row[0] for row in _rows(db.path, "SELECT rowid FROM feedback ORDER BY rowid")]
    assert rowids != list(range(1, 9))  # SQLite's default would number them 1..8
    assert len(set(ids)) == 8


def test_retention_cutoff_counts_calendar_months() -> None:
    assert retention_cutoff(dt.date(2026, 11, 19), 24) == iso_week(dt.date(2024, 11, 19))
    assert retention_cutoff(dt.date(2026, 3, 31), 1) == iso_week(dt.date(2026, 2, 28))
    assert retention_cutoff(dt.date(2028, 3, 31), 1) == iso_week(dt.date(2028, 2, 29))
    assert retention_cutoff(dt.date(2026, 1, 15), 1) == iso_week(dt.date(2025, 12, 15))
    assert retention_cutoff(dt.date(2028, 1, 2), 12) == "2026-W53"  # 2027-01-02: ISO 2026
    with pytest.raises(ValueError):
        retention_cutoff(DAY, 0)


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.dates(min_value=dt.date(1000, 1, 1)))
def test_iso_week_strings_sort_like_dates(a: dt.date, b: dt.date) -> None:
    """Purging compares week strings: that is only right if they sort like the dates."""
    if a <= b:
        assert iso_week(a) <= iso_week(b)


@given(st.dates(min_value=dt.date(2001, 1, 1)), st.integers(1, 120), st.integers(0, 4000))
def test_text_goes_after_its_retention_and_not_much_earlier(
    today: dt.date, months: int, age_days: int
) -> None:
    """Bounds that do not depend on the implementation: a month has 28 to 31 days, and the
    cutoff's whole week goes, so text may go up to 6 days early, never late."""
    written = today - dt.timedelta(days=age_days)
    purged = iso_week(written) <= retention_cutoff(today, months)
    if age_days > months * 31:
        assert purged
    if age_days < months * 28 - 6:
        assert not purged


async def test_purge_clears_old_free_text_and_keeps_counts(db: Database) -> None:
    today = dt.date(2026, 11, 19)
    old = dt.date(2024, 11, 1)  # more than 24 months ago
    edge = dt.date(2024, 11, 20)  # 24 months minus a day, but in the cutoff week: goes early
    recent = dt.date(2024, 12, 2)
    for day in (old, edge, recent):
        await save_feedback(db, Draft(rating=4, comment=f"text {day}"), "sv", day)
        await save_unanswered(db, f"question {day}", "sv", day)
    assert await purge_old_comments(db, today, 24) == 4
    rows = _rows(db.path, "SELECT week, rating, comment FROM feedback ORDER BY week")
    assert rows == [
        (iso_week(old), 4, None),
        (iso_week(edge), 4, None),
        (iso_week(recent), 4, f"text {recent}"),
    ]
    questions = _rows(db.path, "SELECT question FROM unanswered_questions")
    assert questions == [(f"question {recent}",)]
    assert await purge_old_comments(db, today, 24) == 0  # nothing left to purge


async def test_purge_respects_a_shorter_setting(db: Database) -> None:
    await save_feedback(db, Draft(comment="hej"), "sv", dt.date(2026, 5, 4))
    assert await purge_old_comments(db, DAY, 24) == 0
    assert await purge_old_comments(db, DAY, 6) == 1


async def test_unanswered_questions_are_scrubbed_and_capped(db: Database) -> None:
    question_id = await save_unanswered(db, f"Mitt pnr är {PERSONNUMMER}, vad gäller?", "sv", DAY)
    assert question_id is not None
    long_id = await save_unanswered(db, "x" * 2000, "fi", DAY)
    assert long_id is not None
    assert await save_unanswered(db, "   ", "sv", DAY) is None
    rows = dict(_rows(db.path, "SELECT id, question FROM unanswered_questions"))
    assert rows[question_id] == f"Mitt pnr är {MARKER}, vad gäller?"
    assert len(str(rows[long_id])) == MAX_QUESTION_CHARS
    assert _rows(db.path, "SELECT DISTINCT week FROM unanswered_questions") == [("2026-W47",)]
    with pytest.raises(ValueError):
        await save_unanswered(db, "hej", "de", DAY)


async def test_search_misses_are_counted_per_language_and_week(db: Database) -> None:
    for _ in range(3):
        await count_search_miss(db, "rom", DAY)
    await count_search_miss(db, "sv", DAY)
    await count_search_miss(db, "rom", DAY + dt.timedelta(days=7))
    rows = _rows(db.path, "SELECT week, lang, count FROM search_misses ORDER BY week, lang")
    assert rows == [("2026-W47", "rom", 3), ("2026-W47", "sv", 1), ("2026-W48", "rom", 1)]
    with pytest.raises(ValueError):
        await count_search_miss(db, "xx", DAY)
