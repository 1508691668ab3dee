"""Durability: SIGKILL the real bot process while people send feedback, restart it, lose nothing.

The short version of `python -m devtools durability --runs 50` (devtools/durability.py), plus the
checks it relies on, shown to fail on a database that lost or doubled a submission or is corrupt.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage.database import Database
from devtools import cli
from devtools.durability import (
    DatabaseState,
    Options,
    RunResult,
    Summary,
    inspect_database,
    missing,
    run_session,
    stored_twice,
)


@pytest.mark.slow
async def test_sigkill_while_feedback_is_sent_loses_nothing_acknowledged(tmp_path: Path) -> None:
    lines: list[str] = []
    options = Options(runs=3, users=6, kill_within=1.5, seed=20251229, work_dir=tmp_path)
    summary = await run_session(options, out=lines.append)

    assert summary.kills == 3
    assert all(run.acknowledged >= 1 for run in summary.runs)  # every kill had something to lose
    assert summary.lost == 0, [run.lost for run in summary.runs]
    assert summary.duplicates == 0
    assert summary.integrity_ok == 3 and summary.final_integrity == "ok"
    assert summary.ok
    assert lines[-1] == "RESULT: PASS"
    # The database holds every acknowledged submission, read once more after the clean stop.
    state = inspect_database(tmp_path / "data" / "bot.sqlite3")
    assert sum(state.markers.values()) >= summary.acknowledged


async def _database_with(path: Path, comments: list[str]) -> None:
    db = await Database.open(path)
    try:
        async with db.transaction():
            for number, comment in enumerate(comments):
                await db.connection.execute(
                    "INSERT INTO feedback (id, week, lang, comment) VALUES (?, ?, 'sv', ?)",
                    (f"id{number}", "2025-W52", comment),
                )
    finally:
        await db.close()


async def test_the_check_finds_lost_and_doubled_submissions(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    await _database_with(path, ["marker1x1 bra", "marker1x2 hyra", "marker1x2 hyra", "inget"])
    state = inspect_database(path)
    assert state.ok
    assert state.markers == {"marker1x1": 1, "marker1x2": 2}
    assert missing({"marker1x1", "marker1x3"}, state) == ("marker1x3",)
    assert stored_twice(state) == ("marker1x2",)


async def test_the_check_reports_a_corrupt_or_missing_database(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    await _database_with(path, [f"marker2x{n} " + "ord " * 200 for n in range(50)])
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for start in range(page, len(data), page):
        data[start : start + 8] = b"\xff" * 8  # every b-tree page header after the first
    path.write_bytes(bytes(data))
    assert not inspect_database(path).ok
    assert inspect_database(tmp_path / "nothing.sqlite3").integrity == "missing"


def test_one_lost_submission_fails_the_session() -> None:
    good = RunResult(1, 0.5, 10, 9, 1, 1.5, 9, (), (), 1, "ok")
    assert Summary(runs=[good], final_integrity="ok").ok
    lost = RunResult(2, 0.5, 10, 9, 1, 1.5, 17, ("marker2x3",), (), 0, "ok")
    summary = Summary(runs=[good, lost], final_integrity="ok")
    assert not summary.ok and summary.lost == 1
    assert summary.lines()[-1] == "RESULT: FAIL"
    assert not Summary(runs=[good], final_integrity="database disk image is malformed").ok
    assert not Summary(runs=[], final_integrity="ok").ok
    assert DatabaseState("ok", {}).ok and not DatabaseState("missing", {}).ok


def test_the_command_is_registered(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["durability", "--help"])
    assert exit_info.value.code == 0
    assert "--runs" in capsys.readouterr().out
