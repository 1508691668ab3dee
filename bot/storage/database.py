"""SQLite storage: one long-lived aiosqlite connection, versioned migrations, durable writes.

What is stored, and nothing more (see /privacy in the bot):
- preferences: HMAC user key -> chosen language and municipality, and the day last seen, so that
  unused preferences expire;
- anonymous counters: deep-link source tags per day, topic views per language and ISO week.
Feedback tables are added by later migrations; they carry no user identifier at all.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

# Each entry migrates the schema from version i to i + 1. Never edit a released entry: append.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE preferences (
        user_key TEXT PRIMARY KEY,
        lang TEXT,
        municipality TEXT,
        last_seen TEXT NOT NULL
    );
    CREATE TABLE deeplink_counts (
        tag TEXT NOT NULL,
        day TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (tag, day)
    );
    CREATE TABLE topic_views (
        topic_id TEXT NOT NULL,
        lang TEXT NOT NULL,
        week TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (topic_id, lang, week)
    );
    """,
    # Feedback and unanswered questions carry no user identifier of any kind, not even hashed,
    # and only the ISO week, never a time (cf. LimeSurvey's anonymised mode).
    """
    CREATE TABLE feedback (
        id TEXT PRIMARY KEY,
        week TEXT NOT NULL,
        lang TEXT NOT NULL,
        service TEXT,
        rating INTEGER CHECK (rating BETWEEN 1 AND 5),
        respect TEXT CHECK (respect IN ('yes', 'partly', 'no')),
        comment TEXT,
        age_band TEXT,
        municipality TEXT
    );
    CREATE INDEX feedback_week ON feedback (week);
    CREATE TABLE unanswered_questions (
        id TEXT PRIMARY KEY,
        week TEXT NOT NULL,
        lang TEXT NOT NULL,
        question TEXT NOT NULL
    );
    CREATE TABLE search_misses (
        week TEXT NOT NULL,
        lang TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (week, lang)
    );
    """,
    # Anonymous questions to bridge-builders (bot/cases): the only link to a chat is `seal`,
    # AES-GCM under a key outside the data dir, deleted when the case closes. No text, no time
    # finer than the hour, and the hour only while the case is open.
    """
    CREATE TABLE cases (
        number INTEGER PRIMARY KEY AUTOINCREMENT,
        municipality TEXT NOT NULL,
        lang TEXT,
        opened_month TEXT NOT NULL,
        opened_hour TEXT,
        answer_hours INTEGER,
        last_active TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
        seal BLOB,
        group_message INTEGER,
        thread INTEGER
    );
    CREATE INDEX cases_open ON cases (status, last_active);
    CREATE TABLE case_messages (
        municipality TEXT NOT NULL,
        message_id INTEGER NOT NULL,
        number INTEGER NOT NULL REFERENCES cases (number),
        PRIMARY KEY (municipality, message_id)
    );
    CREATE TABLE source_tags (
        tag TEXT PRIMARY KEY,
        municipality TEXT NOT NULL,
        place TEXT,
        registered_week TEXT NOT NULL
    );
    CREATE TABLE tag_reach (
        tag TEXT NOT NULL,
        week TEXT NOT NULL,
        scans INTEGER NOT NULL,
        people INTEGER NOT NULL,
        PRIMARY KEY (tag, week)
    );
    """,
    # Staff exports by calendar month (a month is no finer than a week: it is stored beside the
    # ISO week, never a day). Old rows get the month of their week's Thursday, where most of the
    # week lies. 'school' then meant "school or mother-tongue tuition": renamed, kept readable.
    # Staff may mark a comment handled, or approve it for the report's quotes; the export log
    # records who exported what (the staff member's HMAC key, never the Telegram id).
    """
    ALTER TABLE feedback ADD COLUMN month TEXT;
    UPDATE feedback SET month = strftime('%Y-%m', date(substr(week, 1, 4) || '-01-04',
        '-' || ((CAST(strftime('%w', substr(week, 1, 4) || '-01-04') AS INTEGER) + 6) % 7)
        || ' days',
        '+' || ((CAST(substr(week, 7, 2) AS INTEGER) - 1) * 7 + 3) || ' days'));
    UPDATE feedback SET service = 'school-mt' WHERE service = 'school';
    ALTER TABLE feedback ADD COLUMN handled INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE feedback ADD COLUMN quotable INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX feedback_month ON feedback (month);
    CREATE TABLE export_log (
        staff TEXT NOT NULL,
        kind TEXT NOT NULL,
        period TEXT NOT NULL,
        scope TEXT NOT NULL,
        day TEXT NOT NULL
    );
    """,
    # "Was this helpful?": anonymous counters per topic, language and ISO week (issue 11).
    """
    CREATE TABLE helpful_votes (
        topic_id TEXT NOT NULL,
        lang TEXT NOT NULL,
        week TEXT NOT NULL,
        yes INTEGER NOT NULL DEFAULT 0,
        no INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (topic_id, lang, week)
    );
    """,
    # Whether a submission came with a comment, kept when retention deletes the text: staff
    # tables treat listed comments as known, and must stay the same table after the purge (two
    # exports of one period suppressed differently could be differenced).
    """
    ALTER TABLE feedback ADD COLUMN commented INTEGER NOT NULL DEFAULT 0;
    UPDATE feedback SET commented = 1 WHERE comment IS NOT NULL;
    """,
]


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class Preference:
    lang: str | None
    municipality: str | None


class Database:
    """The bot's only connection to SQLite. Open once at start-up, close at shutdown."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self._write_lock = asyncio.Lock()
        self._preferences: dict[str, tuple[Preference, str]] = {}
        self._pending_views: Counter[tuple[str, str, str]] = Counter()
        self.closed = False

    @classmethod
    async def open(cls, path: Path) -> Database:
        _private_files(path)
        connection = await aiosqlite.connect(path, isolation_level=None)
        database = cls(connection, path)
        await database._configure()
        await database.migrate()
        return database

    async def _configure(self) -> None:
        # WAL lets readers run beside a writer; synchronous=FULL makes commits survive power loss.
        await self._db.execute("PRAGMA journal_mode=WAL")
        await self._db.execute("PRAGMA synchronous=FULL")
        await self._db.execute("PRAGMA foreign_keys=ON")
        await self._db.execute("PRAGMA busy_timeout=5000")
        # Deleted rows are overwritten with zeros, whatever SQLite's build default (review F6).
        await self._db.execute("PRAGMA secure_delete=ON")
        async with self._db.execute("PRAGMA secure_delete") as cursor:
            row = await cursor.fetchone()
        if not row or int(row[0]) != 1:
            raise RuntimeError("this SQLite cannot turn secure_delete on")
        # A checkpointed WAL is cut back to this size rather than left full of old page images.
        await self._db.execute("PRAGMA journal_size_limit=0")

    async def checkpoint(self) -> None:
        """Copy the WAL into the database file and truncate it to zero bytes.

        Called after every deletion (purges, /forget) so that deleted text does not linger in
        the WAL or in the main file's old pages, and after every feedback or question, so that
        the WAL never holds a submission next to the preference row written just before it
        (review F6, F7). The write lock keeps other writers out meanwhile.
        """
        async with self._write_lock:
            await self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        """Flush counters and close; closing twice is harmless (start-up failures, F9)."""
        if self.closed:
            return
        self.closed = True
        await self.flush_counters()
        await self._db.close()

    # --- schema ----------------------------------------------------------------------------------

    async def schema_version(self) -> int:
        await self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
        )
        async with self._db.execute("SELECT MAX(version) FROM schema_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    async def migrate(self, migrations: Sequence[str] = MIGRATIONS) -> int:
        """Apply pending migrations, each in its own transaction; return the new version."""
        version = await self.schema_version()
        for number, script in enumerate(migrations[version:], start=version + 1):
            async with self.transaction():
                for statement in _statements(script):
                    await self._db.execute(statement)
                await self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
        return max(version, len(migrations))

    # --- transactions ----------------------------------------------------------------------------

    def transaction(self) -> _Transaction:
        """`async with db.transaction():` runs BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error."""
        return _Transaction(self)

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._db

    # --- preferences -----------------------------------------------------------------------------

    async def get_preference(self, user_key: str, today: dt.date) -> Preference:
        cached = self._preferences.get(user_key)
        if cached is not None and cached[1] == today.isoformat():
            return cached[0]
        async with self._db.execute(
            "SELECT lang, municipality FROM preferences WHERE user_key = ?", (user_key,)
        ) as cursor:
            row = await cursor.fetchone()
        preference = Preference(row[0], row[1]) if row else Preference(None, None)
        if row:
            # Record the day only (not the time) so that expiry works and use cannot be traced.
            async with self.transaction():
                await self._db.execute(
                    "UPDATE preferences SET last_seen = ? WHERE user_key = ?",
                    (today.isoformat(), user_key),
                )
        self._preferences[user_key] = (preference, today.isoformat())
        return preference

    async def set_preference(
        self,
        user_key: str,
        today: dt.date,
        *,
        lang: str | None = None,
        municipality: str | None = None,
    ) -> Preference:
        current = await self.get_preference(user_key, today)
        updated = Preference(lang or current.lang, municipality or current.municipality)
        async with self.transaction():
            await self._db.execute(
                "INSERT INTO preferences (user_key, lang, municipality, last_seen) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(user_key) DO UPDATE SET "
                "lang = excluded.lang, municipality = excluded.municipality, "
                "last_seen = excluded.last_seen",
                (user_key, updated.lang, updated.municipality, today.isoformat()),
            )
        self._preferences[user_key] = (updated, today.isoformat())
        return updated

    async def forget(self, user_key: str) -> bool:
        """Delete everything stored under this user's key. True if there was something."""
        self._preferences.pop(user_key, None)
        async with self.transaction():
            cursor = await self._db.execute(
                "DELETE FROM preferences WHERE user_key = ?", (user_key,)
            )
            deleted = cursor.rowcount > 0
        await self.checkpoint()
        return deleted

    async def expire_preferences(self, today: dt.date, ttl_days: int) -> int:
        cutoff = (today - dt.timedelta(days=ttl_days)).isoformat()
        self._preferences.clear()
        async with self.transaction():
            cursor = await self._db.execute(
                "DELETE FROM preferences WHERE last_seen < ?", (cutoff,)
            )
            expired = cursor.rowcount
        if expired:
            await self.checkpoint()
        return expired

    # --- anonymous counters ----------------------------------------------------------------------

    async def count_deeplink(self, tag: str, today: dt.date) -> None:
        async with self.transaction():
            await self._db.execute(
                "INSERT INTO deeplink_counts (tag, day, count) VALUES (?, ?, 1) "
                "ON CONFLICT(tag, day) DO UPDATE SET count = count + 1",
                (tag, today.isoformat()),
            )

    def count_topic_view(self, topic_id: str, lang: str, today: dt.date) -> None:
        """Buffered in memory and written by `flush_counters`: a view is not worth an fsync."""
        self._pending_views[(topic_id, lang, iso_week(today))] += 1

    async def flush_counters(self) -> None:
        if not self._pending_views:
            return
        pending, self._pending_views = self._pending_views, Counter()
        async with self.transaction():
            await self._db.executemany(
                "INSERT INTO topic_views (topic_id, lang, week, count) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(topic_id, lang, week) DO UPDATE SET count = count + excluded.count",
                [(*key, count) for key, count in pending.items()],
            )

    async def deeplink_counts(self) -> list[tuple[str, str, int]]:
        async with self._db.execute(
            "SELECT tag, day, count FROM deeplink_counts ORDER BY day, tag"
        ) as cursor:
            return [(str(r[0]), str(r[1]), int(r[2])) for r in await cursor.fetchall()]

    async def topic_views(self) -> list[tuple[str, str, str, int]]:
        await self.flush_counters()
        async with self._db.execute(
            "SELECT topic_id, lang, week, count FROM topic_views ORDER BY week, topic_id, lang"
        ) as cursor:
            return [(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in await cursor.fetchall()]


class _Transaction:
    """Serialises writers on the one connection and makes each write block atomic and durable."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def __aenter__(self) -> None:
        await self._database._write_lock.acquire()
        try:
            await self._database.connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._database._write_lock.release()
            raise

    async def __aexit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                await self._database.connection.execute("COMMIT")
            else:
                await self._database.connection.execute("ROLLBACK")
        finally:
            self._database._write_lock.release()


def _private_files(path: Path) -> None:
    """The data directory 0700 and the database files 0600, whatever the umask (review F14).

    SQLite creates the -wal and -shm files with the main file's permissions, so creating the main
    file owner-only first is enough for all three.
    """
    from bot.privacy.keys import make_private_dir

    make_private_dir(path.parent)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and file.stat().st_mode & 0o077:
            os.chmod(file, 0o600)


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
