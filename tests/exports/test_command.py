"""`python -m bot export|report|exportlog` through the real CLI entry point, in Swedish."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import cli
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
    return tmp_path / "data"


def test_export_xlsx(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "export.xlsx"
    assert cli.main(["export", "--period", "2026-Q3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"skrev {out}: kvartal 3 2026, Alla kommuner: ")
    assert printed.count("\n") == 1
    workbook = load_workbook(out)
    assert "Betyg per verksamhet och kommun" in workbook.sheetnames
    rows = workbook["Betyg per verksamhet och kommun"].iter_rows(values_only=True)
    assert "Haninge" in {r[0] for r in rows}


def test_export_of_one_municipality(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "csv"
    args = ["--period", "2026-08", "--municipality", "haninge"]
    assert cli.main(["export", "--format", "csv", "--out", str(directory), *args]) == 0
    assert "CSV-filer till" in capsys.readouterr().out
    assert (directory / "comments.csv").is_file()
    out = tmp_path / "e.json"
    assert cli.main(["export", "--format", "json", "--out", str(out), *args]) == 0
    loaded = json.loads(out.read_text(encoding="utf-8"))
    assert loaded["period"] == "2026-08" and loaded["scope"] == ["haninge"]
    assert {c["municipality"] for c in loaded["comments"]} <= {"haninge"}
    assert {c["month"] for c in loaded["comments"]} <= {"2026-08"}


def test_report_and_the_export_log(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r" / "report.html"
    assert cli.main(["report", "--period", "2026-T2", "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"skrev {out}")
    document = out.read_text(encoding="utf-8")
    assert '<html lang="sv">' in document and "<h2>Betyg per verksamhet</h2>" in document
    fi = tmp_path / "fi.html"
    assert cli.main(["report", "--period", "2026-09", "--lang", "fi", "--out", str(fi)]) == 0
    assert '<html lang="fi">' in fi.read_text(encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["exportlog"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("Exporter, senaste först")
    assert " · servern · report · 2026-09 · Alla kommuner" in printed[1]
    assert " · servern · report · 2026-T2 · Alla kommuner" in printed[2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13"], "ingen period: 2026-13 (t.ex. 2026-03"),
        (["--period", "2099-01"], "2099-01 har inte tagit slut än"),
        (["--period", "2026-08-01"], "ingen period: 2026-08-01"),
        (["--period", "2026-08", "--municipality", "atlantis"], "okänd kommun: atlantis"),
    ],
)
def test_bad_periods_are_one_line_errors(
    data_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    for command in (["export"], ["report"]):
        assert cli.main([*command, *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"fel: {message}"), err
        assert err.count("\n") == 1


def test_arbitrary_ranges_are_gone(data_dir: Path) -> None:
    with pytest.raises(SystemExit):
        cli.main(["export", "--since", "2026-08-01"])


def test_missing_database_is_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "nowhere"))
    monkeypatch.delenv("BOT_CONFIG", raising=False)
    assert cli.main(["report", "--period", "2026-08", "--out", str(tmp_path / "r.html")]) == 2
    assert "fel: ingen databas i" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists()
    assert not (tmp_path / "r.html").exists()
