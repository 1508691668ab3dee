"""The December 2026 privacy review (../shared/reviews/privacy-review-2026-12.md): each finding's
attack, reproduced against the code, must now fail. End-to-end findings (F4/F5, F11, F15, F17)
are in tests/handlers/test_privacy_e2e.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import multiprocessing as mp
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import REPO_ROOT, Settings
from bot.feedback.survey import Draft
from bot.privacy.keys import SECRET_FILE, UserKeys, load_or_create_secret
from bot.privacy.logs import configure_logging
from bot.storage.backup import backup_database
from bot.storage.database import Database
from bot.storage.feedback import purge_old_comments, save_feedback, save_unanswered

TODAY = dt.date(2026, 12, 3)


def _bytes(path: Path) -> bytes:
    return b"".join(f.read_bytes() for f in path.parent.iterdir() if f.name.startswith(path.name))


# --- F1: DEBUG logging writes comments, questions and pseudonyms --------------------------------


async def test_f1_library_debug_lines_never_reach_the_log(tmp_path: Path) -> None:
    out = io.StringIO()
    configure_logging("DEBUG", "123:tok", out)
    key = UserKeys(b"k" * 32).key(5550001)
    db = await Database.open(tmp_path / "bot.sqlite3")
    await db.set_preference(key, TODAY, lang="rom", municipality="haninge")
    draft = Draft(rating=1, comment="Rektorn kallade oss zqxwords", age_band="u18")
    await save_feedback(db, draft, "rom", TODAY)
    await save_unanswered(db, "hur söker jag qzxquestion", "sv", TODAY)
    await db.forget(key)
    await db.close()
    logging.getLogger("bot.test").debug("own debug line")
    logging.getLogger("some.future.library").debug("SELECT qzx secret values")
    log = out.getvalue()
    assert key not in log
    assert "zqxwords" not in log and "qzxquestion" not in log and "qzx secret" not in log
    assert "own debug line" in log  # the bot's own DEBUG lines still come through
    logging.getLogger().handlers.clear()


# --- F6: purged and forgotten data stays in the database files ----------------------------------


async def test_f6_purged_comments_and_forgotten_keys_leave_no_bytes_while_running(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    for i in range(60):
        draft = Draft(comment=f"old{i:03d}x Skolan ringde socialtjänsten om oss.")
        await save_feedback(db, draft, "sv", dt.date(2024, 1, 10))
        await save_unanswered(db, f"oldq{i:03d}x var finns hjälp", "sv", dt.date(2024, 1, 10))
    key = UserKeys(b"s" * 32).key(777)
    await db.set_preference(key, TODAY, lang="fi")
    assert await purge_old_comments(db, TODAY, 24) == 120
    assert await db.forget(key)
    raw = _bytes(path)  # main file, -wal and -shm while the bot still runs
    assert re.findall(rb"old\d{3}x|oldq\d{3}x", raw) == []
    assert key.encode() not in raw
    await db.close()
    assert re.findall(rb"old\d{3}x|oldq\d{3}x", _bytes(path)) == []


def test_f6_backup_copies_nothing_deleted(tmp_path: Path) -> None:
    source = tmp_path / "bot.sqlite3"
    with sqlite3.connect(source) as live:  # a file written without secure delete (old SQLite)
        live.execute("PRAGMA secure_delete=OFF")
        live.execute("CREATE TABLE t (x TEXT)")
        live.executemany("INSERT INTO t VALUES (?)", [(f"gone{i:03d}x" * 20,) for i in range(200)])
        live.commit()
        live.execute("DELETE FROM t WHERE rowid > 5")
        live.commit()
    assert re.findall(rb"gone\d{3}x", source.read_bytes())  # the attack's premise holds
    copy = tmp_path / "backup.sqlite3"
    assert backup_database(source, copy) == {"t": 5}
    left = set(re.findall(rb"gone\d{3}x", copy.read_bytes()))
    assert left <= {f"gone{i:03d}x".encode() for i in range(5)}
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


# --- F7: WAL frame order and the co-located secret -----------------------------------------------


async def test_f7_the_wal_never_holds_a_submission_beside_a_pseudonym(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    wal = path.with_name(path.name + "-wal")
    for i in range(10):
        key = UserKeys(b"w" * 32).key(1000 + i)
        await db.set_preference(key, TODAY, lang="sv", municipality="haninge")
        await save_feedback(db, Draft(rating=2, comment=f"cmt{i:03d}x otrevligt"), "sv", TODAY)
        frames = wal.read_bytes() if wal.exists() else b""
        assert frames == b""  # checkpointed and truncated after each submission
    await db.close()


def test_f7_the_generated_secret_lives_outside_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(token="x", data_dir=tmp_path / "data")
    assert not settings.secret_path.is_relative_to(settings.data_dir)
    secret = load_or_create_secret(
        settings.secret_path, None, legacy=settings.data_dir / SECRET_FILE
    )
    assert settings.secret_path.read_bytes().strip() == secret
    assert not (settings.data_dir / SECRET_FILE).exists()


def test_f7_an_old_secret_in_the_data_directory_is_moved_out_and_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = load_or_create_secret(data)  # where older versions wrote it
    settings = Settings(token="x", data_dir=data)
    moved = load_or_create_secret(settings.secret_path, None, legacy=data / SECRET_FILE)
    assert moved == old
    assert not (data / SECRET_FILE).exists()


# --- F9: a start-up failure prints the token and hangs -------------------------------------------

TOKEN = "7123456789:AAHq3kX9vT2mPzR8wYcL5nB1dF6gJ0sUeQo"


async def _run_bot(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            env={**os.environ, **env},
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,  # a hang fails the test (TimeoutExpired), it does not time it
        )

    return await asyncio.to_thread(run)


@pytest.mark.parametrize("failure", ["revoked token", "wrong base URL"])
async def test_f9_start_up_failure_exits_with_one_redacted_line(
    tmp_path: Path, failure: str
) -> None:
    from devtools.fake_telegram import FakeBotApi

    async with FakeBotApi(token=TOKEN if failure == "wrong base URL" else "1:other") as api:
        base = api.base_url
        if failure == "wrong base URL":
            base = base.replace("/bot", "/api/bot")
        result = await _run_bot(
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": base,
                "BOT_DATA_DIR": str(tmp_path / "data"),
            }
        )
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    # Nothing printed outside the redacting log handler (a library's own error line is logged).
    assert all(line.startswith(("ts=", "error:")) for line in output.splitlines() if line)


async def test_f9_unreachable_api_exits_non_zero(tmp_path: Path) -> None:
    result = await _run_bot(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
            "BOT_DATA_DIR": str(tmp_path / "data"),
        }
    )
    assert result.returncode == 1
    assert TOKEN not in result.stdout + result.stderr


# --- F13: secret.key creation race and no fsync ---------------------------------------------------


def _start(directory: str, results: mp.Queue[object]) -> None:
    try:
        results.put(load_or_create_secret(Path(directory) / SECRET_FILE))
    except ValueError as exc:
        results.put(f"ValueError: {exc}")


def test_f13_racing_processes_all_get_the_same_secret(tmp_path: Path) -> None:
    context = mp.get_context("fork")
    for race in range(25):
        directory = tmp_path / f"race{race}"
        results: mp.Queue[object] = context.Queue()
        processes = [
            context.Process(target=_start, args=(str(directory), results)) for _ in range(4)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        got = [results.get() for _ in processes]
        assert all(isinstance(value, bytes) for value in got), got
        assert len(set(got)) == 1


def test_f13_an_empty_secret_left_by_a_crash_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "key" / SECRET_FILE
    path.parent.mkdir()
    path.touch()
    secret = load_or_create_secret(path)
    assert len(secret) >= 32 and path.read_bytes().strip() == secret


# --- F14: file modes depend on the umask ----------------------------------------------------------


async def test_f14_data_directory_and_files_are_owner_only_under_umask_022(
    tmp_path: Path,
) -> None:
    old = os.umask(0o022)
    try:
        settings = Settings(token="x", data_dir=tmp_path / "fresh" / "data")
        load_or_create_secret(settings.secret_path)
        db = await Database.open(settings.database_path)
        await db.set_preference("k" * 32, TODAY, lang="sv")
        modes = {
            p.name: stat.S_IMODE(p.stat().st_mode)
            for p in (settings.data_dir, *settings.data_dir.iterdir())
        }
        await db.close()
    finally:
        os.umask(old)
    assert modes["data"] == 0o700
    assert {name: mode for name, mode in modes.items() if name != "data"} == {
        "bot.sqlite3": 0o600,
        "bot.sqlite3-wal": 0o600,
        "bot.sqlite3-shm": 0o600,
    }
    assert stat.S_IMODE(settings.secret_path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(settings.secret_path.stat().st_mode) == 0o600


# --- F8: deep-link tags are free text past the scrubber ----------------------------------------


def test_f8_a_tag_that_names_someone_is_counted_as_other() -> None:
    from bot.privacy.tags import OTHER, countable_tag

    for personal in ("198501011234", "Dragan_Taikon_Rinkeby", "Maria_Stanescu", "0701234567"):
        assert countable_tag(personal) == OTHER, personal
    for place in ("haninge1", "poster7", "malmo_rikc", "rinkeby-bibliotek"):
        assert countable_tag(place) == place
