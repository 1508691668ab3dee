"""A consistent, self-contained copy of the live database, for `python -m bot backup`."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path


def backup_database(source: Path, target: Path) -> dict[str, int]:
    """Copy a live SQLite database with VACUUM INTO; return the rows per table.

    VACUUM INTO is one read transaction: it sees the last commit before it began and nothing of
    writes under way, while the bot keeps writing (WAL). Unlike the page-by-page backup API it
    rebuilds the database from its live rows, so nothing deleted (purged comments, forgotten
    preferences, free pages) is carried into the copy (review F6). Copying the file instead could
    catch a half-written page or miss the -wal file. The copy is checked with PRAGMA
    integrity_check, made a single self-contained file (no WAL), written with mode 0600 and
    renamed into place only when complete. The HMAC secret is not in the database and is never
    copied (review F7).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with (
            contextlib.closing(sqlite3.connect(source)) as live,
        ):
            live.execute("VACUUM INTO ?", (str(partial),))
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise sqlite3.DatabaseError(f"integrity check of the copy failed: {check}")
            tables = [
                str(row[0])
                for row in copy.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            counts = {
                table: int(copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])
                for table in tables
            }
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return counts
