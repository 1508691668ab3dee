"""`python -m bot backup FILE`: a consistent copy of the live database via the online backup API."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.cli import main
from bot.feedback.survey import Draft
from bot.storage.database import Database
from bot.storage.feedback import save_feedback

DAY = dt.date(2026, 11, 19)


def _check_copy(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        return list(copy.execute("SELECT comment FROM feedback ORDER BY comment"))


async def test_backup_while_a_write_is_under_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    data_dir = tmp_path / "data"
    monkeypatch.setenv("BOT_DATA_DIR", str(data_dir))
    monkeypatch.delenv("BOT_CONFIG", raising=False)
    db = await Database.open(data_dir / "bot.sqlite3")
    for n in range(50):
        await save_feedback(db, Draft(rating=3, comment=f"committed {n:02d}"), "sv", DAY)
    first = tmp_path / "backups" / "during.sqlite3"
    async with db.transaction():
        await db.connection.execute(
            "INSERT INTO feedback (id, week, lang, comment) VALUES ('x', '2026-W47', 'sv', 'open')"
        )
        # The bot's connection holds the write lock with an uncommitted row; back up now.
        assert await asyncio.to_thread(main, ["backup", str(first)]) == 0
    second = tmp_path / "backups" / "after.sqlite3"
    assert await asyncio.to_thread(main, ["backup", str(second)]) == 0
    await db.close()

    during = _check_copy(first)
    assert during == [(f"committed {n:02d}",) for n in range(50)]  # all committed, none open
    after = _check_copy(second)
    assert len(after) == 51 and ("open",) in after
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600
    assert not list(first.parent.glob("*.partial"))
    assert "integrity ok" in capsys.readouterr().out


def test_backup_refuses_to_overwrite_or_invent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "nothing-here"))
    monkeypatch.delenv("BOT_CONFIG", raising=False)
    assert main(["backup", str(tmp_path / "copy.sqlite3")]) == 1
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "nothing-here" / "bot.sqlite3").exists()  # not created by looking

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    sqlite3.connect(data_dir / "bot.sqlite3").close()
    monkeypatch.setenv("BOT_DATA_DIR", str(data_dir))
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"keep me")
    assert main(["backup", str(existing)]) == 1
    assert existing.read_bytes() == b"keep me"
