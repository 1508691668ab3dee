"""Writing feedback, unanswered questions and search misses: anonymous, scrubbed, durable.

A feedback row holds a random id, the answers, the scrubbed free text, the language, the ISO week
and its month (the month of the week's Thursday, so nothing finer than the week): no user
identifier of any kind (not even the HMAC key), no message id and no time. Each
write is one `BEGIN IMMEDIATE ... COMMIT` on the WAL database with synchronous=FULL, so when a
function here returns, the row is on disk; callers acknowledge to the resident only then.

The table's hidden rowid is set at random as well: SQLite would otherwise number rows in the
order they arrive, which would tell anyone holding the file who answered before whom.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import uuid

from bot.content.model import LANGUAGES
from bot.feedback.survey import Draft, clean_comment, validate
from bot.privacy.scrubber import MARKER
from bot.storage.database import Database, iso_week
from bot.storage.exports import week_month

#: Longest unanswered question kept (after scrubbing); longer ones are cut.
MAX_QUESTION_CHARS = 500
_ROWID_ATTEMPTS = 5


class InvalidFeedback(ValueError):
    """The draft has answers outside the allow-lists; nothing was stored."""


def _random_rowid() -> int:
    return secrets.randbits(62) + 1


async def save_feedback(
    db: Database,
    draft: Draft,
    lang: str,
    today: dt.date,
    *,
    municipalities: frozenset[str] | None = None,
    marker: str = MARKER,
) -> str:
    """Store one submission; return its random id once the commit is durable.

    The comment is scrubbed again here, so nothing unscrubbed can be stored by any caller.
    `municipalities` restricts the municipality answer (default: any id is accepted).
    """
    comment = clean_comment(draft.comment, marker) if draft.comment else None
    draft = Draft(
        service=draft.service,
        rating=draft.rating,
        respect=draft.respect,
        comment=comment,
        age_band=draft.age_band,
        municipality=draft.municipality,
    )
    if municipalities is None:
        municipalities = frozenset({draft.municipality} if draft.municipality else ())
    problems = validate(draft, municipalities)
    if lang not in LANGUAGES:
        problems += ("unknown language",)
    if problems:
        raise InvalidFeedback(", ".join(problems))
    feedback_id = uuid.uuid4().hex
    async with db.transaction():
        for attempt in range(_ROWID_ATTEMPTS):
            try:
                await db.connection.execute(
                    "INSERT INTO feedback (rowid, id, week, month, lang, service, rating, "
                    "respect, comment, age_band, municipality, commented) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        _random_rowid(),
                        feedback_id,
                        iso_week(today),
                        week_month(iso_week(today)),
                        lang,
                        draft.service,
                        draft.rating,
                        draft.respect,
                        draft.comment,
                        draft.age_band,
                        draft.municipality,
                        int(draft.comment is not None),
                    ),
                )
                break
            except sqlite3.IntegrityError:  # a rowid collision: about 1 in 2**62 per row
                if attempt == _ROWID_ATTEMPTS - 1:
                    raise
    await db.checkpoint()  # the WAL must not keep this row next to the sender's preference (F7)
    return feedback_id


def retention_cutoff(today: dt.date, months: int) -> str:
    """The newest ISO week whose free text is past retention on `today`.

    The whole week of the date `months` calendar months ago is included, so no text is kept
    longer than `months` months (some is deleted up to six days early, never late).
    """
    if months <= 0:
        raise ValueError("retention must be at least one month")
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(today.day, _days_in_month(year, month))
    return iso_week(dt.date(year, month, day))


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


async def purge_old_comments(db: Database, today: dt.date, months: int) -> int:
    """Delete free text past retention; return how many texts were removed.

    Feedback keeps its row (the counts stay) with the comment set to NULL; unanswered questions
    are nothing but free text, so their rows go. Search-miss counts are kept.
    """
    cutoff = retention_cutoff(today, months)
    # Whatever set it meanwhile, deleted text is overwritten with zeros (review F6).
    await db.connection.execute("PRAGMA secure_delete=ON")
    async with db.transaction():
        comments = await db.connection.execute(
            "UPDATE feedback SET comment = NULL WHERE comment IS NOT NULL AND week <= ?",
            (cutoff,),
        )
        questions = await db.connection.execute(
            "DELETE FROM unanswered_questions WHERE week <= ?", (cutoff,)
        )
        removed = comments.rowcount + questions.rowcount
    if removed:
        await db.checkpoint()  # deleted text out of the WAL and, zeroed, out of the file (F6)
    return removed


def scrub_question(question: str, marker: str = MARKER) -> str | None:
    """The question exactly as it would be stored (scrubbed, cut), or None if nothing is left:
    what the resident is shown before anything is saved."""
    text = clean_comment(question, marker)
    return None if text is None else text[:MAX_QUESTION_CHARS]


async def save_unanswered(
    db: Database, question: str, lang: str, today: dt.date, *, marker: str = MARKER
) -> str | None:
    """Keep a question the bot could not answer, scrubbed, under a random id and the ISO week.

    Returns the id, or None when nothing is left after scrubbing. ``marker`` replaces what is
    removed, in the asker's language.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    text = scrub_question(question, marker)
    if text is None:
        return None
    question_id = uuid.uuid4().hex
    async with db.transaction():
        for attempt in range(_ROWID_ATTEMPTS):
            try:
                await db.connection.execute(
                    "INSERT INTO unanswered_questions (rowid, id, week, lang, question) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (_random_rowid(), question_id, iso_week(today), lang, text),
                )
                break
            except sqlite3.IntegrityError:
                if attempt == _ROWID_ATTEMPTS - 1:
                    raise
    await db.checkpoint()
    return question_id


async def count_search_miss(db: Database, lang: str, today: dt.date) -> None:
    """Count one search without an answer, per language and ISO week."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    async with db.transaction():
        await db.connection.execute(
            "INSERT INTO search_misses (week, lang, count) VALUES (?, ?, 1) "
            "ON CONFLICT(week, lang) DO UPDATE SET count = count + 1",
            (iso_week(today), lang),
        )
