"""`python -m bot export|report|exportlog`: the staff exports on the server.

bot/cli.py parses the arguments and prints; this module checks them, opens the database, builds
the export, writes it and records it in the export log. Messages are in Swedish (or Finnish with
`--lang fi`), from the catalogs. Errors are `CommandError` with one line for the operator.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.exports.build import build_export
from bot.exports.data import ExportData
from bot.exports.labels import Labels
from bot.exports.periods import Period, PeriodError, ended_period
from bot.exports.report import write_report_html
from bot.exports.writers import write_csv, write_json, write_xlsx
from bot.storage import exports as store
from bot.storage.database import Database

Format = Literal["xlsx", "csv", "json"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv", "json")
#: Who exported, in the export log, when it was done on the server's command line.
SERVER = "server"


class CommandError(Exception):
    """Bad input or a missing database; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class Request:
    """One export: period, municipalities (None: all), labels, and who asked."""

    period: str | None
    municipalities: Sequence[str] | None
    labels: Labels
    topic_ids: Sequence[str] = ()
    staff: str = SERVER
    today: dt.date | None = None


def default_export_path(fmt: Format, data: ExportData) -> Path:
    scope = "alla" if data.scope is None else "-".join(data.scope)
    stem = f"aterkoppling-{data.period}-{scope}"
    return Path(stem) if fmt == "csv" else Path(f"{stem}.{fmt}")


async def load_export(database_path: Path, request: Request, kind: str) -> ExportData:
    """Build the export and record it in the export log."""
    today = request.today or dt.date.today()
    period = checked_period(request.period, today, request.labels)
    db = await Database.open(database_path)
    try:
        data = await build_export(
            db,
            period=period,
            scope=request.municipalities,
            labels=request.labels,
            today=today,
            topic_ids=request.topic_ids,
        )
        await store.log_export(
            db,
            staff=request.staff,
            kind=kind,
            period=str(period),
            scope=store.scope_words(request.municipalities),
            day=today,
        )
        return data
    finally:
        await db.close()


def checked_period(text: str | None, today: dt.date, labels: Labels) -> Period:
    """The period asked for, or a CommandError in the staff language."""
    try:
        period = ended_period(None, today) if text is None else Period.parse(text)
    except PeriodError:
        raise CommandError(
            labels._("not a period: %(text)s (e.g. 2026-03, 2026-T1, 2026-Q1, 2026, 2026-W05)")
            % {"text": text}
        ) from None
    if not period.has_ended(today):
        raise CommandError(
            labels._("%(period)s has not ended yet: only whole, ended periods are exported")
            % {"period": period}
        )
    return period


def check_municipalities(wanted: Sequence[str] | None, labels: Labels) -> Sequence[str] | None:
    if wanted is None:
        return None
    known = labels.municipality_names
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise CommandError(
            labels._("unknown municipality: %(unknown)s (known: %(known)s)")
            % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
        )
    return tuple(sorted(set(wanted)))


def run_export(database_path: Path, request: Request, *, fmt: Format, out: Path | None) -> str:
    """Write the export; return the line to print."""
    _check_database(database_path, request.labels)
    data = asyncio.run(load_export(database_path, request, f"export-{fmt}"))
    target = out or default_export_path(fmt, data)
    _ = request.labels._
    if fmt == "xlsx":
        write_xlsx(data, target)
        written = _("wrote %(path)s") % {"path": target}
    elif fmt == "json":
        write_json(data, target)
        written = _("wrote %(path)s") % {"path": target}
    else:
        files = write_csv(data, target)
        written = _("wrote %(count)s CSV files to %(path)s") % {"count": len(files), "path": target}
    return f"{written}: {summary_line(data)}"


def run_report(database_path: Path, request: Request, *, out: Path) -> str:
    _check_database(database_path, request.labels)
    data = asyncio.run(load_export(database_path, request, "report"))
    write_report_html(data, out)
    return f"{request.labels._('wrote %(path)s') % {'path': out}}: {summary_line(data)}"


def run_export_log(database_path: Path, labels: Labels, names: Mapping[str, str]) -> str:
    """The export log as lines of text; `names` turns staff keys into readable names."""
    _check_database(database_path, labels)
    entries = asyncio.run(_read_log(database_path))
    return "\n".join(log_lines(entries, labels, names))


async def _read_log(database_path: Path) -> list[store.ExportLogEntry]:
    db = await Database.open(database_path)
    try:
        return await store.export_log(db, limit=200)
    finally:
        await db.close()


def log_lines(
    entries: Sequence[store.ExportLogEntry], labels: Labels, names: Mapping[str, str]
) -> list[str]:
    _ = labels._
    if not entries:
        return [_("Nothing has been exported yet.")]
    lines = [_("Exports, newest first (day, who, what, period, municipalities):")]
    for e in entries:
        who = names.get(e.staff, _("server") if e.staff == SERVER else _("former staff member"))
        scope = labels.scope(None if e.scope == "all" else e.scope.split("|"))
        lines.append(f"{e.day} · {who} · {e.kind} · {e.period} · {scope}")
    return lines


def _check_database(path: Path, labels: Labels) -> None:
    # Database.open would create an empty database: an export of nothing helps nobody.
    if not path.is_file():
        raise CommandError(
            labels._("no database at %(path)s (set BOT_DATA_DIR to the bot's data directory)")
            % {"path": path}
        )


def summary_line(data: ExportData) -> str:
    _ = data.labels._
    withheld = [t.title for t in data.tables if t.values.withheld]
    text = _("%(period)s, %(scope)s: %(count)s submissions, %(comments)s comments") % {
        "period": data.period_words,
        "scope": data.scope_words,
        "count": data.submission_count,
        "comments": len(data.comments),
    }
    if withheld:
        text += "; " + _("withheld (too few answers): %(tables)s") % {"tables": ", ".join(withheld)}
    return text
