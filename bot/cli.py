"""Command line of the server: `python -m bot run|check|export|report|exportlog|backup|links`.

Each command imports what it needs; development tools live in `devtools` (`python -m devtools`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from bot.config import ConfigError, Settings, load_settings
from bot.links.command import add_links_parser, run_links

if TYPE_CHECKING:
    from bot.exports.labels import Labels

log = logging.getLogger("bot")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the bot for real (long polling, or --webhook)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates by webhook behind a reverse proxy: listen on BOT_WEBHOOK_LISTEN:"
        "BOT_WEBHOOK_PORT, register BOT_WEBHOOK_URL with TELEGRAM_WEBHOOK_SECRET",
    )
    commands.add_parser("check", help="validate content and catalogs, print a status table")
    kit = commands.add_parser("review-kit", help="printable side-by-side sheets for reviewers")
    kit.add_argument("--lang", required=True, choices=["rom", "fi", "sv"])
    kit.add_argument("--topic", action="append", default=[], metavar="ID", help="repeatable")
    kit.add_argument("--out", metavar="DIR", type=Path, default=Path("review-kit"))
    kit.add_argument("--no-pdf", action="store_true", help="HTML only, even with Chromium")
    review = commands.add_parser(
        "review", help="record a domain expert's or native speaker's review"
    )
    review.add_argument("action", choices=["record"])
    review.add_argument("--lang", required=True, choices=["rom", "fi", "sv"])
    review.add_argument("--topic", required=True, metavar="ID")
    review.add_argument("--role", required=True, help="e.g. 'modersmålstalare (kelderash)'")
    review.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    review.add_argument("--by", help="optional: the reviewer's organisation or initials")
    backup = commands.add_parser("backup", help="copy the live database safely, bot running or not")
    backup.add_argument("file", type=Path, help="the copy to write (must not exist yet)")
    add_links_parser(commands)
    export = commands.add_parser("export", help="anonymous feedback and counts for staff")
    export.add_argument("--format", choices=["xlsx", "csv", "json"], default="xlsx")
    export.add_argument("--out", metavar="PATH", type=Path, help="file, or directory for csv")
    report = commands.add_parser("report", help="staff report: one HTML file with charts")
    report.add_argument("--out", metavar="PATH", type=Path, default=Path("report.html"))
    for staff_command in (export, report):
        staff_command.add_argument(
            "--period",
            metavar="PERIOD",
            help="a whole, ended period: 2026-W05, 2026-03, 2026-T1, 2026-Q1 or 2026 "
            "(default: last month)",
        )
        staff_command.add_argument(
            "--municipality",
            metavar="ID",
            action="append",
            help="only this municipality's answers (repeat for several; default: all)",
        )
        staff_command.add_argument("--lang", choices=["sv", "fi"], default="sv")
    exportlog = commands.add_parser("exportlog", help="who exported what, and when")
    exportlog.add_argument("--lang", choices=["sv", "fi"], default="sv")

    args = parser.parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": _run,
        "check": _check,
        "review-kit": _review_kit,
        "review": _review,
        "backup": _backup,
        "links": _links,
        "export": _export,
        "report": _report,
        "exportlog": _exportlog,
    }
    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _settings(require_token: bool = True) -> Settings:
    return load_settings(require_token=require_token)


# --- run ----------------------------------------------------------------------------------------


def _run(args: argparse.Namespace) -> int:
    from bot.privacy.logs import configure_logging

    settings = _settings()
    mode: Literal["polling", "webhook"] = "webhook" if args.webhook else "polling"
    if mode == "webhook":
        from bot.plumbing.webhook import webhook_config

        webhook_config(settings)  # ConfigError: one line on stderr, exit code 2, nothing started
    os.umask(0o077)  # everything the bot creates is owner-only (review F14)
    configure_logging(settings.log_level, settings.token)
    guard_library_logs()
    try:
        asyncio.run(_serve(settings, mode))
    except Exception as exc:
        return _start_failure(exc, settings.token)
    return 0


def _start_failure(exc: Exception, token: str) -> int:
    """One redacted line for a failure the operator must fix, exit code 1 (review F9).

    PTB puts the token in InvalidToken's message; nothing here goes to stderr unredacted.
    """
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.privacy.logs import RedactTokens

    redact = RedactTokens(token).redact
    if isinstance(exc, InvalidToken):
        reason = "the Bot API rejected the token (revoked?) or TELEGRAM_API_BASE_URL is wrong"
    elif isinstance(exc, NetworkError):
        reason = f"cannot reach the Bot API at TELEGRAM_API_BASE_URL: {redact(str(exc))}"
    elif isinstance(exc, TelegramError):
        reason = f"the Bot API refused to start the bot: {redact(str(exc))}"
    else:
        log.exception("start-up failed")  # through the redacting log handler
        return 1
    print(f"error: {redact(reason)}", file=sys.stderr)
    return 1


#: Where python-telegram-bot and tornado put a whole update (names, message text) in a log line.
_UPDATE_CONTENT = re.compile(
    r"(Received data was|Webhook received data:|Processing update|Dropping pending update:)"
    r"[^\n]*"
)


class _WithoutUpdateContent(logging.Filter):
    """Cut update content out of library log lines: PTB logs whole updates when it cannot parse
    one (CRITICAL) and for every update at DEBUG; names and messages must not reach the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(("telegram", "tornado")):
            message = record.getMessage()
            cleaned = _UPDATE_CONTENT.sub(r"\1 [update content not logged]", message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        return True


def guard_library_logs() -> None:
    """python-telegram-bot and tornado stay at INFO or above whatever BOT_LOG_LEVEL says (their
    DEBUG lines carry whole updates), and update content is cut from their lines at any level.
    Python warnings become log lines too (one line each, level WARNING)."""
    import warnings

    from telegram.warnings import PTBUserWarning

    # Expected: the feedback survey's ConversationHandler tracks buttons per chat on purpose.
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    logging.captureWarnings(True)
    root = logging.getLogger()
    for name in ("telegram", "tornado"):
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
    for handler in root.handlers:
        handler.addFilter(_WithoutUpdateContent())


async def _serve(settings: Settings, mode: Literal["polling", "webhook"] = "polling") -> None:
    """Run until SIGTERM or SIGINT, then finish the updates in hand and close the database.
    SIGHUP reloads content and catalogs (like /reload) and logs the result."""
    from bot.app import running_bot
    from bot.reload import reload_content_async
    from bot.services import Services

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    reloads: set[asyncio.Task[object]] = set()

    def on_stop(signum: signal.Signals) -> None:
        if not stop.is_set():
            log.info("%s received: stopping, finishing updates in hand", signum.name)
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_stop, signum)
    async with running_bot(settings, mode=mode, poll_timeout=30) as application:
        services: Services = application.bot_data["services"]

        def on_hangup() -> None:
            if reloads:
                log.info("SIGHUP received: a reload is already running")
                return
            log.info("SIGHUP received: reloading content")
            task: asyncio.Task[object] = loop.create_task(reload_content_async(services))
            reloads.add(task)
            task.add_done_callback(reloads.discard)

        loop.add_signal_handler(signal.SIGHUP, on_hangup)
        if mode == "webhook":
            log.info(
                "bot started: webhook on %s:%d",
                settings.webhook_listen,
                settings.webhook_port,
            )
        else:
            log.info("bot started: polling")
        await stop.wait()
        loop.remove_signal_handler(signal.SIGHUP)
        for task in list(reloads):
            await asyncio.gather(task, return_exceptions=True)
    log.info("stopped cleanly")


# --- check --------------------------------------------------------------------------------------


def _review_kit(args: argparse.Namespace) -> int:
    from bot.content import load_library
    from bot.content.reviewkit import write_review_kit

    settings = _settings(require_token=False)
    library = load_library(settings.content_dir)
    try:
        written = write_review_kit(library, args.lang, args.out, args.topic, pdf=not args.no_pdf)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    pdfs = sum(1 for path in written if path.suffix == ".pdf")
    print(f"{len(written) - pdfs} HTML file(s), {pdfs} PDF(s) in {args.out}")
    return 0


def _review(args: argparse.Namespace) -> int:
    import datetime as dt

    from bot.content import load_library
    from bot.content.reviewkit import record_review

    settings = _settings(require_token=False)
    library = load_library(settings.content_dir)
    topic_id = library.resolve_id(args.topic)
    if topic_id is None or (args.lang, topic_id) not in library.topics:
        print(f"error: no topic '{args.topic}' in '{args.lang}'", file=sys.stderr)
        return 2
    try:
        date = dt.date.fromisoformat(args.date)
    except ValueError:
        print(f"error: --date {args.date!r} is not YYYY-MM-DD", file=sys.stderr)
        return 2
    path = settings.content_dir / args.lang / f"{topic_id}.yaml"
    digest = record_review(
        path, library.topics[(args.lang, topic_id)], role=args.role, date=date, by=args.by
    )
    print(f"recorded review of {args.lang}/{topic_id} ({digest[:19]}...) in {path}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from bot.content.checker import check

    settings = _settings(require_token=False)
    report = check(
        settings.content_dir, settings.locale_dir, max_source_age_days=settings.source_max_age_days
    )
    print(report.format())
    return 0 if report.ok else 1


# --- links --------------------------------------------------------------------------------------


def _links(args: argparse.Namespace) -> int:
    return run_links(args, _settings(require_token=False))


# --- staff exports ------------------------------------------------------------------------------


def _export(args: argparse.Namespace) -> int:
    from bot.exports.command import run_export

    return _staff_output(run_export, args, fmt=args.format, out=args.out)


def _report(args: argparse.Namespace) -> int:
    from bot.exports.command import run_report

    return _staff_output(run_report, args, out=args.out)


def _staff_output(run: Callable[..., str], args: argparse.Namespace, **options: object) -> int:
    """Run an export or report on the server's database; bad input is one line, exit 2."""
    from bot.exports.command import CommandError, Request, check_municipalities

    settings = _settings(require_token=False)
    labels = _staff_labels(settings, args.lang)
    try:
        wanted = None
        if args.municipality:
            wanted = [m.strip() for item in args.municipality for m in item.split(",") if m]
        request = Request(
            period=args.period,
            municipalities=check_municipalities(wanted, labels),
            labels=labels,
            topic_ids=tuple(labels.topic_titles),
        )
        print(run(settings.database_path, request, **options))
    except CommandError as exc:
        print(labels._("error: %(message)s") % {"message": exc}, file=sys.stderr)
        return 2
    return 0


def _exportlog(args: argparse.Namespace) -> int:
    from bot.exports.command import CommandError, run_export_log
    from bot.privacy.keys import UserKeys, load_or_create_secret

    settings = _settings(require_token=False)
    labels = _staff_labels(settings, args.lang)
    keys = UserKeys(load_or_create_secret(settings.data_dir, settings.secret))
    names = {keys.key(staff_id): str(staff_id) for staff_id in settings.staff_ids}
    try:
        print(run_export_log(settings.database_path, labels, names))
    except CommandError as exc:
        print(labels._("error: %(message)s") % {"message": exc}, file=sys.stderr)
        return 2
    return 0


def _staff_labels(settings: Settings, lang: str) -> Labels:
    """Staff words from the catalogs, with municipality names and topic titles from content."""
    from bot.content import ContentError, load_library
    from bot.exports.labels import Labels
    from bot.i18n import load_translators

    translators = load_translators(settings.locale_dir)
    try:
        library = load_library(settings.content_dir)
    except ContentError:
        return Labels(translators["fi" if lang == "fi" else "sv"])
    names = {m.id: m.name for m in library.municipalities}
    titles = {tid: library.topic("sv", tid).title for tid in library.topic_ids}
    return Labels(translators["fi" if lang == "fi" else "sv"], names, titles)


# --- backup -------------------------------------------------------------------------------------


def _backup(args: argparse.Namespace) -> int:
    import sqlite3

    settings = _settings(require_token=False)
    source: Path = settings.database_path
    target: Path = args.file
    if not source.is_file():
        print(f"error: no database at {source} (set BOT_DATA_DIR)", file=sys.stderr)
        return 1
    if target.exists():
        print(f"error: {target} exists; choose a new file name", file=sys.stderr)
        return 1
    try:
        from bot.storage.backup import backup_database

        counts = backup_database(source, target)
    except (sqlite3.Error, OSError) as exc:
        print(f"error: backup failed: {exc}", file=sys.stderr)
        return 1
    rows = ", ".join(f"{table} {count}" for table, count in counts.items())
    print(f"backup written to {target} (integrity ok): {rows}")
    return 0


with contextlib.suppress(Exception):  # pragma: no cover - only affects interactive terminals
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
