"""/export and /report for staff: the anonymous feedback as files, and a summary with a chart.

Only user ids in BOT_STAFF_IDS (Settings.staff_ids), only in a private chat. Anyone else gets
exactly what an unknown command gets (the main menu), so the commands do not reveal that they
exist. What the files contain, and the small-cell suppression, is decided in bot/exports; this
module only builds the files off the event loop and sends them.

    /export [FROM] [TO]   XLSX workbook, CSV files (zipped) and JSON
    /report [FROM] [TO]   a short summary message and the HTML report with its chart

FROM and TO are dates (2026-01-31); the export widens them to whole ISO weeks.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from telegram import Update
from telegram.constants import ChatType

from bot.exports.data import (
    SKIPPED,
    ExportData,
    build_export,
    rating_label,
    respect_label,
)
from bot.exports.report import write_report_html
from bot.exports.suppression import Shown
from bot.exports.writers import write_csv, write_json, write_xlsx
from bot.feedback.survey import RATINGS, RESPECT
from bot.handlers.navigation import menu_command
from bot.i18n import Translator
from bot.plumbing.context import BotContext
from bot.ui.render import bold, escape

log = logging.getLogger(__name__)

#: A file to send: its name and its bytes (the temporary files are gone by then).
Document = tuple[str, bytes]


def is_staff(update: Update, context: BotContext) -> bool:
    """A staff member in their own private chat: a forged update pairing a staff id with another
    chat gets nothing (review F11). The one check for every staff command."""
    user = update.effective_user
    chat = update.effective_chat
    return (
        user is not None
        and chat is not None
        and chat.type == ChatType.PRIVATE
        and chat.id == user.id
        and user.id in context.services.settings.staff_ids
    )


def parse_period(args: Sequence[str] | None) -> tuple[dt.date | None, dt.date | None] | None:
    """`[FROM] [TO]` as ISO dates; None when the arguments are not that."""
    values = list(args or ())
    if len(values) > 2:
        return None
    try:
        dates = [dt.date.fromisoformat(value) for value in values]
    except ValueError:
        return None
    since = dates[0] if dates else None
    until = dates[1] if len(dates) > 1 else None
    if since is not None and until is not None and since > until:
        return None
    return since, until


def file_stem(data: ExportData) -> str:
    if data.since_week is None and data.until_week is None:
        return f"feedback-{data.generated_on.isoformat()}"
    return f"feedback-{data.since_week or 'start'}-{data.until_week or 'end'}"


def export_documents(data: ExportData) -> list[Document]:
    """Blocking: write the export in a temporary directory, read it back, delete the directory."""
    stem = file_stem(data)
    with tempfile.TemporaryDirectory(prefix="bot-export-") as tmp:
        directory = Path(tmp)
        xlsx = write_xlsx(data, directory / f"{stem}.xlsx")
        csv_files = write_csv(data, directory / "csv")
        archive = directory / f"{stem}-csv.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            for path in csv_files:
                zipped.write(path, arcname=path.name)
        json_file = write_json(data, directory / f"{stem}.json")
        return [(path.name, path.read_bytes()) for path in (xlsx, archive, json_file)]


async def _period_or_usage(
    update: Update, context: BotContext, t: Translator, command: str
) -> tuple[dt.date | None, dt.date | None] | None:
    period = parse_period(context.args)
    if period is None:
        chat = update.effective_chat
        assert chat is not None
        usage = t._("Usage: /%(command)s [from] [to], with dates like %(example)s.") % {
            "command": command,
            "example": "2026-01-31",
        }
        await context.bot.send_message(chat.id, escape(usage))
    return period


async def _load(context: BotContext, since: dt.date | None, until: dt.date | None) -> ExportData:
    services = context.services
    names = {m.id: m.name for m in services.library.municipalities}
    return await build_export(
        services.db,
        since=since,
        until=until,
        municipality_names=names,
        today=services.today(),
    )


async def _send_documents(
    update: Update, context: BotContext, documents: Sequence[Document], caption: str
) -> None:
    chat = update.effective_chat
    assert chat is not None
    for index, (name, content) in enumerate(documents):
        await context.bot.send_document(
            chat.id,
            document=content,
            filename=name,
            caption=caption if index == 0 else None,
        )


async def _staff_request(
    update: Update, context: BotContext, command: str
) -> tuple[Translator, ExportData] | None:
    """The data a staff command asked for; anyone else gets the unknown-command reply (None)."""
    if not is_staff(update, context):
        await menu_command(update, context)
        return None
    t = await context.translator(update)
    period = await _period_or_usage(update, context, t, command)
    if period is None:
        return None
    return t, await _load(context, *period)


async def export_command(update: Update, context: BotContext) -> None:
    request = await _staff_request(update, context, "export")
    if request is None:
        return
    t, data = request
    documents = await asyncio.to_thread(export_documents, data)
    caption = t._(
        "Feedback export: %(period)s. For staff only: store the files safely and delete them "
        "when you are done."
    ) % {"period": _period_words(t, data)}
    await _send_documents(update, context, documents, escape(caption))
    log.info("staff export sent: %d files", len(documents))


async def report_command(update: Update, context: BotContext) -> None:
    request = await _staff_request(update, context, "report")
    if request is None:
        return
    t, data = request
    document = await asyncio.to_thread(report_document, data)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, summary_text(t, data))
    caption = t._("The full report with charts by week and by service. No comments in it.")
    await _send_documents(update, context, [document], escape(caption))
    log.info("staff report sent")


def report_document(data: ExportData) -> Document:
    """Blocking: the HTML report (inline SVG charts), written to a temporary file and read back."""
    with tempfile.TemporaryDirectory(prefix="bot-report-") as tmp:
        path = write_report_html(data, Path(tmp) / f"{file_stem(data)}-report.html")
        return path.name, path.read_bytes()


# --- the summary message ------------------------------------------------------------------------

BAR = "▇"
BAR_WIDTH = 10


def bar_chart(items: Sequence[tuple[str, Shown]]) -> list[str]:
    """One line per item: a bar scaled to the largest visible count, the count, the label.

    A hidden count ("<5", "x") gets no bar: drawing it would give its size away.
    """
    visible = [value for _, value in items if isinstance(value, int)]
    largest = max(visible, default=0)
    lines = []
    for label, value in items:
        if isinstance(value, int) and largest > 0:
            length = max(1, round(BAR_WIDTH * value / largest)) if value > 0 else 0
            bar = BAR * length
        else:
            bar = ""
        lines.append(f"{bar} {escape(str(value))} · {escape(label)}".lstrip())
    return lines


def _period_words(t: Translator, data: ExportData) -> str:
    if data.since_week is None and data.until_week is None:
        return t._("all weeks")
    return f"{data.since_week or '…'} – {data.until_week or '…'}"


def _rating_items(t: Translator, data: ExportData) -> list[tuple[str, Shown]]:
    table = data.service_rating
    totals = table.values.column_totals
    if totals is None or table.is_empty:
        return []
    labels = {rating_label(int(code)): t._(label) for code, label in RATINGS}
    labels[SKIPPED] = t._("(skipped)")
    items = [
        (labels.get(label, label), total)
        for label, total in zip(table.column_labels, totals, strict=True)
    ]
    return items[::-1]  # best first, as in the survey


def _respect_items(t: Translator, data: ExportData) -> list[tuple[str, Shown]]:
    table = data.respect
    labels = {respect_label(code): t._(label) for code, label in RESPECT}
    labels[SKIPPED] = t._("(skipped)")
    return [
        (labels.get(row[0], row[0]), cells[0])
        for row, cells in zip(table.row_labels, table.values.cells, strict=True)
        if cells
    ]


def summary_text(t: Translator, data: ExportData) -> str:
    """The report in a few lines for a phone, by the same suppression rules as the files."""
    lines = [
        bold(t._("Feedback report")),
        escape(t._("Weeks: %(period)s") % {"period": _period_words(t, data)}),
        escape(t._("Submissions: %(count)s") % {"count": data.submission_count}),
    ]
    for title, items in (
        (t._("How it went"), _rating_items(t, data)),
        (t._("Treated with respect"), _respect_items(t, data)),
    ):
        if items:
            lines += ["", bold(title), *bar_chart(items)]
    lines += [
        "",
        escape(
            t._(
                "%(small)s means fewer than %(threshold)s; x means hidden so that it cannot be "
                "worked out."
            )
            % {"small": f"<{data.threshold}", "threshold": data.threshold}
        ),
    ]
    return "\n".join(lines)
