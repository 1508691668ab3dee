"""`python -m bot export` and `python -m bot report` through the real CLI entry point."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import cli
from bot.exports.command import CommandError, default_export_path, parse_day, parse_period
from bot.storage.database import Database

from .conftest import seed


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A seeded database in BOT_DATA_DIR (made synchronously: the CLI runs its own loop)."""

    async def create() -> None:
        db = await Database.open(tmp_path / "data" / "bot.sqlite3")
        try:
            await seed(db, random.Random(3))
        finally:
            await db.close()

    asyncio.run(create())
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BOT_CONFIG", raising=False)
    monkeypatch.setattr(cli, "_municipality_names", lambda settings: {"haninge": "Haninge"})
    return tmp_path / "data"


def test_export_xlsx(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "export.xlsx"
    assert cli.main(["export", "--format", "xlsx", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"wrote {out}: all weeks, ")
    assert printed.count("\n") == 1
    workbook = load_workbook(out)
    assert "Ratings by municipality" in workbook.sheetnames
    municipalities = [r[0] for r in workbook["Ratings by municipality"].iter_rows(values_only=True)]
    assert "Haninge" in municipalities


def test_export_csv_and_json_with_a_period(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "csv"
    args = ["--since", "2026-08-10", "--until", "2026-08-23"]
    assert cli.main(["export", "--format", "csv", "--out", str(directory), *args]) == 0
    assert "CSV files to" in capsys.readouterr().out
    assert (directory / "submissions.csv").is_file()
    out = tmp_path / "e.json"
    assert cli.main(["export", "--format", "json", "--out", str(out), *args]) == 0
    loaded = json.loads(out.read_text(encoding="utf-8"))
    assert loaded["since_week"] == "2026-W33" and loaded["until_week"] == "2026-W34"
    assert {s["week"] for s in loaded["submissions"]} <= {"2026-W33", "2026-W34"}


def test_report(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r" / "report.html"
    assert cli.main(["report", "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {out}")
    assert "<h2>Ratings by service</h2>" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-13-01"], "--since '2026-13-01' is not a date in the calendar"),
        (["--until", "01/02/2026"], "--until must be a date written YYYY-MM-DD, got '01/02/2026'"),
        (["--since", "2026-09-02", "--until", "2026-09-01"], "--since 2026-09-02 is after"),
    ],
)
def test_bad_dates_are_one_line_errors(
    data_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    for command in (["export"], ["report"]):
        assert cli.main([*command, *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {message}")
        assert err.count("\n") == 1


def test_missing_database_is_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "nowhere"))
    monkeypatch.delenv("BOT_CONFIG", raising=False)
    assert cli.main(["report", "--out", str(tmp_path / "r.html")]) == 2
    assert "error: no database at" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists()
    assert not (tmp_path / "r.html").exists()


def test_parse_helpers() -> None:
    assert parse_day(None, "--since") is None
    assert parse_day("2026-02-28", "--since") == dt.date(2026, 2, 28)
    with pytest.raises(CommandError):
        parse_day("2026-2-28", "--since")
    with pytest.raises(CommandError):
        parse_period("2026-03-01", "2026-02-28")
    assert default_export_path("csv", dt.date(2026, 1, 2)) == Path("bot-export-2026-01-02")
    assert default_export_path("xlsx", dt.date(2026, 1, 2)) == Path("bot-export-2026-01-02.xlsx")


def test_municipality_names_from_the_content() -> None:
    from bot.config import load_settings

    names = cli._municipality_names(load_settings({}, require_token=False))
    assert names.get("malmo") == "Malmö"
