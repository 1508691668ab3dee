"""Staff commands: exports and reports of their municipalities, comment marks, the export log.

Only user ids in BOT_STAFF_IDS or BOT_STAFF (Settings.staff_ids), only in a private chat. Anyone
else gets exactly what an unknown command gets (the main menu), so the commands do not reveal
that they exist. What the files contain, and the suppression, is decided in bot/exports; this
module only checks who asks, builds the files off the event loop and sends them.

    /export [PERIOD] [MUNICIPALITY...]   XLSX workbook, CSV files (zipped) and JSON
    /report [PERIOD] [MUNICIPALITY...]   a summary message and the HTML report
    /handled REF, /unhandled REF         mark a comment handled (kept across exports)
    /quote REF, /unquote REF             approve a comment for the report's quotes
    /exportlog                           who exported what, and when

PERIOD is a whole, ended period (2026-03, 2026-T1, 2026-Q1, 2026, 2026-W05); the default is the
last month. A staff member mapped to municipalities (BOT_STAFF) gets only theirs. Every export
and report is recorded in the export log under the staff member's HMAC key, never the id.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.exports.build import build_export
from bot.exports.command import SERVER, log_lines
from bot.exports.data import ExportData
from bot.exports.labels import Labels, staff_language
from bot.exports.periods import PeriodError, ended_period
from bot.exports.report import write_report_html
from bot.handlers import info, start
from bot.handlers.navigation import menu_command
from bot.plumbing.context import BotContext
from bot.services import Services
from bot.storage import exports as store
from bot.ui import staff as ui
from bot.ui.commands import COMMANDS
from bot.ui.render import escape

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


def _scope(update: Update, context: BotContext) -> frozenset[str] | None:
    user = update.effective_user
    assert user is not None
    return context.services.settings.staff_scope(user.id)


async def _labels(update: Update, context: BotContext) -> Labels:
    services = context.services
    who = await context.visitor(update)
    t = services.translators[staff_language(who.lang if who else None)]
    library = services.library
    names = {m.id: m.name for m in library.municipalities}
    titles = {tid: library.topic("sv", tid).title for tid in library.topic_ids}
    return Labels(t, names, titles)


def parse_arguments(
    args: Sequence[str] | None,
    allowed: frozenset[str] | None,
    known: frozenset[str],
    today_period: str | None = None,
) -> tuple[str | None, tuple[str, ...] | None] | None:
    """`[PERIOD] [MUNICIPALITY...]`: the period text and the municipalities asked for.

    None when the arguments are not that, or name a municipality the staff member may not see.
    """
    values = list(args or ())
    period: str | None = today_period
    if values and values[0].lower() not in known:
        period = values.pop(0)
    wanted = tuple(sorted({v.lower() for v in values}))
    if any(w not in known for w in wanted):
        return None
    if allowed is not None:
        if any(w not in allowed for w in wanted):
            return None
        return period, wanted or tuple(sorted(allowed))
    return period, wanted or None


def file_stem(data: ExportData) -> str:
    scope = "alla" if data.scope is None else "-".join(data.scope)
    return f"aterkoppling-{data.period}-{scope}"


def export_documents(data: ExportData) -> list[Document]:
    """Blocking: write the export in a temporary directory, read it back, delete the directory."""
    # openpyxl takes a sixth of the bot's import time; only /export needs it.
    from bot.exports.writers import write_csv, write_json, write_xlsx

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


def report_document(data: ExportData) -> Document:
    """Blocking: the HTML report, written to a temporary file and read back."""
    with tempfile.TemporaryDirectory(prefix="bot-report-") as tmp:
        path = write_report_html(data, Path(tmp) / f"{file_stem(data)}-rapport.html")
        return path.name, path.read_bytes()


async def _send(update: Update, context: BotContext, text: str) -> None:
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text)


async def _send_documents(
    update: Update, context: BotContext, documents: Sequence[Document], caption: str
) -> None:
    chat = update.effective_chat
    assert chat is not None
    for index, (name, content) in enumerate(documents):
        await context.bot.send_document(
            chat.id, document=content, filename=name, caption=caption if index == 0 else None
        )


async def _staff_request(
    update: Update, context: BotContext, command: str
) -> tuple[Labels, ExportData] | None:
    """The data a staff command asked for; anyone else gets the unknown-command reply (None)."""
    if not is_staff(update, context):
        await menu_command(update, context)
        return None
    services = context.services
    await ensure_staff_menu(context, update)
    labels = await _labels(update, context)
    known = frozenset(labels.municipality_names)
    parsed = parse_arguments(context.args, _scope(update, context), known)
    try:
        period = ended_period(parsed[0] if parsed else None, services.today())
    except PeriodError:
        parsed = None
    if parsed is None:
        await _send(update, context, ui.usage(labels.t, command))
        return None
    data = await build_export(
        services.db,
        period=period,
        scope=parsed[1],
        labels=labels,
        today=services.today(),
        topic_ids=services.library.topic_ids,
    )
    user = update.effective_user
    assert user is not None
    await store.log_export(
        services.db,
        staff=services.keys.key(user.id),
        kind=command,
        period=str(period),
        scope=store.scope_words(parsed[1]),
        day=services.today(),
    )
    return labels, data


async def export_command(update: Update, context: BotContext) -> None:
    request = await _staff_request(update, context, "export")
    if request is None:
        return
    labels, data = request
    documents = await asyncio.to_thread(export_documents, data)
    caption = labels._(
        "Feedback export: %(period)s, %(scope)s. For staff only: store the files safely and "
        "delete them when you are done."
    ) % {"period": data.period_words, "scope": data.scope_words}
    await _send_documents(update, context, documents, escape(caption))
    log.info("staff export sent: %d files", len(documents))


async def report_command(update: Update, context: BotContext) -> None:
    request = await _staff_request(update, context, "report")
    if request is None:
        return
    labels, data = request
    document = await asyncio.to_thread(report_document, data)
    await _send(update, context, ui.summary_text(data))
    caption = labels._("The full report with charts. No comments in it, only approved quotes.")
    await _send_documents(update, context, [document], escape(caption))
    log.info("staff report sent")


async def _flag(update: Update, context: BotContext, command: str, flag: str, on: bool) -> None:
    if not is_staff(update, context):
        await menu_command(update, context)
        return
    labels = await _labels(update, context)
    args = list(context.args or ())
    if len(args) != 1:
        await _send(update, context, ui.usage(labels.t, command))
        return
    matched = await store.set_flag(context.services.db, args[0], flag, on, _scope(update, context))
    await _send(update, context, ui.flag_result(labels.t, command, matched))


async def handled_command(update: Update, context: BotContext) -> None:
    await _flag(update, context, "handled", "handled", True)


async def unhandled_command(update: Update, context: BotContext) -> None:
    await _flag(update, context, "unhandled", "handled", False)


async def quote_command(update: Update, context: BotContext) -> None:
    await _flag(update, context, "quote", "quotable", True)


async def unquote_command(update: Update, context: BotContext) -> None:
    await _flag(update, context, "unquote", "quotable", False)


async def export_log_command(update: Update, context: BotContext) -> None:
    if not is_staff(update, context):
        await menu_command(update, context)
        return
    services = context.services
    labels = await _labels(update, context)
    scope = _scope(update, context)
    entries = await store.export_log(services.db, limit=30)
    if scope is not None:
        entries = [e for e in entries if e.scope != "all" and set(e.scope.split("|")) <= scope]
    names = staff_names(services)
    await _send(update, context, ui.log_text(labels.t, log_lines(entries, labels, names)))


def staff_names(services: Services) -> dict[str, str]:
    """HMAC key -> the configured staff id, for the log; former staff stay pseudonymous."""
    names = {services.keys.key(staff_id): str(staff_id) for staff_id in services.settings.staff_ids}
    names[SERVER] = SERVER
    return names


async def help_command(update: Update, context: BotContext) -> None:
    """/help; staff also get the staff commands (nobody else learns they exist)."""
    await info.help_command(update, context)
    if is_staff(update, context):
        await ensure_staff_menu(context, update)
        labels = await _labels(update, context)
        await _send(update, context, ui.staff_help(labels.t))


# --- the command menu of staff chats -----------------------------------------------------------
#
# Telegram knows a private chat only once the person has written to the bot, so a staff chat's
# menu is set at the staff member's /start (or first /help or staff command), not at start-up.
# Telegram keeps it; the in-memory set only saves repeating the call.


async def start_command(update: Update, context: BotContext) -> None:
    """/start; a staff member's chat also gets the staff commands in its menu."""
    await start.start(update, context)
    if is_staff(update, context):
        await ensure_staff_menu(context, update)


async def _set_menu(
    bot: object, services: Services, chat_id: int, resident: Sequence[tuple[str, str]]
) -> bool:
    assert isinstance(bot, Bot)
    try:
        for lang in (None, "fi"):
            t = services.translators["fi" if lang else "sv"]
            commands = [BotCommand(n, t._(d)) for n, d in (*resident, *ui.STAFF_COMMANDS)]
            await bot.set_my_commands(
                commands, scope=BotCommandScopeChat(chat_id), language_code=lang
            )
    except TelegramError as exc:
        log.info("staff command menu not set: %s", type(exc).__name__)
        return False
    services.staff_menus.add(services.keys.key(chat_id))
    return True


async def ensure_staff_menu(context: BotContext, update: Update) -> None:
    user = update.effective_user
    if user is None:
        return
    services = context.services
    if services.keys.key(user.id) in services.staff_menus:
        return
    await _set_menu(context.bot, services, user.id, COMMANDS)
