"""`python -m bot export` and `python -m bot report`: the staff exports on the server.

bot/cli.py parses the arguments and prints; this module checks them, opens the database, builds
the export and writes it. Errors are `CommandError` with a one-line message for the operator.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from bot.exports.data import ExportData, build_export
from bot.exports.report import write_report_html
from bot.exports.writers import write_csv, write_json, write_xlsx
from bot.storage.database import Database

Format = Literal["xlsx", "csv", "json"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv", "json")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CommandError(Exception):
    """Bad input or a missing database; the message is one line for the operator."""


def parse_day(value: str | None, flag: str) -> dt.date | None:
    """A YYYY-MM-DD argument, or None when it was not given."""
    if value is None:
        return None
    if not _DAY.fullmatch(value):
        raise CommandError(f"{flag} must be a date written YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{flag} {value!r} is not a date in the calendar") from None


def parse_period(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    if first is not None and last is not None and first > last:
        raise CommandError(f"--since {since} is after --until {until}")
    return first, last


def default_export_path(fmt: Format, today: dt.date) -> Path:
    stem = f"bot-export-{today.isoformat()}"
    return Path(stem) if fmt == "csv" else Path(f"{stem}.{fmt}")


async def load_export(
    database_path: Path,
    since: dt.date | None,
    until: dt.date | None,
    municipality_names: Mapping[str, str],
) -> ExportData:
    db = await Database.open(database_path)
    try:
        return await build_export(
            db, since=since, until=until, municipality_names=municipality_names
        )
    finally:
        await db.close()


def run_export(
    database_path: Path,
    *,
    fmt: Format,
    since: str | None,
    until: str | None,
    out: Path | None,
    municipality_names: Mapping[str, str],
) -> str:
    """Write the export; return the line to print."""
    first, last = parse_period(since, until)
    _check_database(database_path)
    data = asyncio.run(load_export(database_path, first, last, municipality_names))
    target = out or default_export_path(fmt, data.generated_on)
    if fmt == "xlsx":
        write_xlsx(data, target)
        written = f"wrote {target}"
    elif fmt == "json":
        write_json(data, target)
        written = f"wrote {target}"
    else:
        files = write_csv(data, target)
        written = f"wrote {len(files)} CSV files to {target}"
    return f"{written}: {_summary(data)}"


def run_report(
    database_path: Path,
    *,
    since: str | None,
    until: str | None,
    out: Path,
    municipality_names: Mapping[str, str],
) -> str:
    first, last = parse_period(since, until)
    _check_database(database_path)
    data = asyncio.run(load_export(database_path, first, last, municipality_names))
    write_report_html(data, out)
    return f"wrote {out}: {_summary(data)}"


def _check_database(path: Path) -> None:
    # Database.open would create an empty database: an export of nothing helps nobody.
    if not path.is_file():
        raise CommandError(f"no database at {path} (set BOT_DATA_DIR to the bot's data directory)")


def _summary(data: ExportData) -> str:
    withheld = [t.title for t in data.tables if t.values.withheld]
    text = (
        f"{data.period}, {data.submission_count} submissions, "
        f"{len(data.unanswered)} unanswered questions"
    )
    if withheld:
        text += f"; withheld (too few answers): {', '.join(withheld)}"
    return text
