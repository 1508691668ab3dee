"""Wiring: the one place where services, handlers and the Telegram Application meet."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Literal

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.cases.groups import BridgeGroups
from bot.cases.seal import CaseSeal
from bot.config import Settings
from bot.content import ContentError, Library
from bot.content.addons import Addons, load_addons
from bot.content.model import Lang
from bot.feedback.helpful import HelpfulVotes
from bot.feedback.limits import SubmissionLimiter
from bot.handlers import (
    bridge,
    buttons,
    cases,
    feedback,
    info,
    language,
    messages,
    navigation,
    staff,
    staff_reload,
)
from bot.handlers.common import note_incoming
from bot.i18n import Translator, load_translators
from bot.plumbing.concurrency import DEFAULT_WORKERS, PerUserUpdateProcessor
from bot.plumbing.context import BotApplication, BotContext, UserData
from bot.plumbing.errors import on_error
from bot.plumbing.flood import FloodControl
from bot.plumbing.flood_gate import FloodGate
from bot.plumbing.ratelimit import ChatRateLimiter, RateLimits
from bot.plumbing.updates import SkipUnparseable
from bot.plumbing.webhook import ALLOWED_UPDATES, cap_body_size, webhook_config
from bot.prebuilt import library_and_search
from bot.privacy.keys import SECRET_FILE, UserKeys, load_or_create_secret
from bot.privacy.trust import FILE as TRUST_FILE
from bot.privacy.trust import TrustQuestions
from bot.search.engine import SearchEngine
from bot.search.vocabulary import load_vocabulary
from bot.services import Commit, Services
from bot.storage.database import Database
from bot.storage.feedback import purge_old_comments
from bot.ui import privacy as privacy_ui
from bot.ui.commands import COMMANDS

log = logging.getLogger(__name__)

#: Telegram client languages with their own command list; the default list is Swedish.
COMMAND_LANGUAGES: tuple[Lang, ...] = ("sv", "fi")

PRIVATE = filters.ChatType.PRIVATE
#: Only new messages: edits of old messages are ignored so a command never runs twice.
NEW_PRIVATE_MESSAGE = PRIVATE & filters.UpdateType.MESSAGE
#: Outgoing limits in production and in the end-to-end tests (see bot/plumbing/ratelimit.py).
RATE_LIMITS = RateLimits()


async def create_services(
    settings: Settings,
    *,
    library: Library | None = None,
    translators: dict[Lang, Translator] | None = None,
    search: SearchEngine | None = None,
) -> Services:
    """Load content and catalogs, open the database: everything slow happens here, once.

    `library`, `translators` and `search` are immutable once built: a caller that already has
    them for the same content and locale directories (the test session) passes them in.
    """
    if library is None:
        if search is not None:
            raise ValueError("a prebuilt search engine needs the library it was built from")
        library, search = library_and_search(
            settings.content_dir,
            settings.content_cache_dir,
            lambda library: build_search(library, settings),
        )
    if translators is None:
        translators = load_translators(settings.locale_dir)
    secret = load_or_create_secret(
        settings.secret_path, settings.secret, legacy=settings.data_dir / SECRET_FILE
    )
    db = await Database.open(settings.database_path)
    await db.expire_preferences(dt.date.today(), settings.preference_ttl_days)
    await purge_old_comments(db, dt.date.today(), settings.feedback_retention_months)
    addons = load_checked_addons(settings.content_dir, library)
    services = Services(
        settings=settings,
        library=library,
        translators=translators,
        db=db,
        keys=UserKeys(secret),
        search=search if search is not None else build_search(library, settings),
        bridge=BridgeGroups(settings.bridge_builder_chats),
        case_seal=CaseSeal(load_or_create_secret(settings.case_key_path, settings.case_key)),
        flood=FloodControl(),
        feedback_limiter=SubmissionLimiter(),
        reload_hooks=[],
        reload_lock=asyncio.Lock(),
        addons=addons,
        voice_ids={},
        helpful_votes=HelpfulVotes(),
        trust=TrustQuestions.load(settings.content_dir / TRUST_FILE),
    )
    services.reload_hooks.append(_reload_search(services))
    services.reload_hooks.append(_reload_addons(services))
    return services


def load_checked_addons(content_dir: Path, library: Library) -> Addons:
    """Control words, source tags and audio; ContentError if any has an error."""
    addons, problems = load_addons(content_dir, library)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise ContentError(errors)
    return addons


def _reload_addons(services: Services) -> Callable[[Library], Commit]:
    """/reload hook: control words, source tags and audio are content too."""

    def prepare(library: Library) -> Commit:
        addons = load_checked_addons(services.settings.content_dir, library)

        def commit() -> None:
            services.addons = addons

        return commit

    return prepare


def build_search(library: Library, settings: Settings) -> SearchEngine:
    vocabulary = load_vocabulary(settings.content_dir / "synonyms.yaml")
    return SearchEngine.from_content(library.topics.values(), vocabulary)


def build_application(
    services: Services,
    *,
    workers: int = DEFAULT_WORKERS,
    rate_limits: RateLimits | None = RATE_LIMITS,
    transport: Callable[[], BaseRequest] | None = None,
) -> BotApplication:
    """`workers`: updates processed at once, one user's in order (bot/plumbing/concurrency.py);
    `rate_limits`: outgoing throttling, None for none (benchmarks only); `transport`: makes the
    request objects for Bot API calls and for getUpdates instead of HTTP to the API base URL
    (tests: the fake Bot API in process)."""
    settings = services.settings
    # Screens every update on arrival (charging the sender) and answers the refused ones first.
    gate = FloodGate(services)
    processor = PerUserUpdateProcessor(workers, screen=gate.screen)
    gate.backlog = processor.backlog
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_base_url.replace("/bot", "/file/bot"))
        .context_types(ContextTypes(context=BotContext, user_data=UserData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .concurrent_updates(processor)
    )
    if rate_limits is not None:
        builder = builder.rate_limiter(ChatRateLimiter(rate_limits))
    # One update the library cannot parse must not stall polling for everyone (review F10).
    updates = transport() if transport is not None else HTTPXRequest(connection_pool_size=1)
    builder = builder.get_updates_request(SkipUnparseable(updates))
    if transport is not None:
        builder = builder.request(transport())
    application: BotApplication = builder.build()
    application.bot_data["services"] = services
    register_handlers(application, gate)
    return application


def _reload_search(services: Services) -> Callable[[Library], Commit]:
    """/reload hook: build the new search index off the loop, swap it with the library."""

    def prepare(library: Library) -> Commit:
        engine = build_search(library, services.settings)

        def commit() -> None:
            services.search = engine

        return commit

    return prepare


def register_handlers(application: BotApplication, gate: FloodGate) -> None:
    # Group -1 runs first: flood-controlled updates stop there (ApplicationHandlerStop).
    application.add_handler(TypeHandler(Update, gate.handle), group=-1)
    application.add_handler(feedback.conversation())
    register_bridge_handlers(application)
    commands = {
        "start": staff.start_command,
        "language": language.send_greeting,
        "menu": navigation.menu_command,
        "help": staff.help_command,
        "privacy": info.privacy_command,
        "forget": info.forget,
        "export": staff.export_command,
        "report": staff.report_command,
        "handled": staff.handled_command,
        "unhandled": staff.unhandled_command,
        "quote": staff.quote_command,
        "unquote": staff.unquote_command,
        "exportlog": staff.export_log_command,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=NEW_PRIVATE_MESSAGE))
    application.add_handler(
        CommandHandler("reload", staff_reload.reload_command, filters=NEW_PRIVATE_MESSAGE)
    )
    application.add_handler(CallbackQueryHandler(cases.on_button, pattern=r"^cs:"))
    application.add_handler(CallbackQueryHandler(bridge.on_button, pattern=r"^bb:"))
    application.add_handler(CallbackQueryHandler(buttons.on_button))
    application.add_handler(
        MessageHandler(NEW_PRIVATE_MESSAGE & filters.TEXT & ~filters.COMMAND, messages.free_text)
    )
    application.add_handler(
        MessageHandler(NEW_PRIVATE_MESSAGE & filters.COMMAND, navigation.menu_command)
    )
    application.add_handler(MessageHandler(NEW_PRIVATE_MESSAGE & ~filters.TEXT, messages.not_text))
    # After every handler: remember incoming message ids (memory only) for /forget's clearing.
    application.add_handler(TypeHandler(Update, note_incoming), group=1)
    application.add_error_handler(on_error)


def register_bridge_handlers(application: BotApplication) -> None:
    """Bridge-builders' commands (their user ids only; everyone else falls through to the
    ordinary handlers), and messages in the configured bridge-builder groups."""
    settings: Settings = application.bot_data["services"].settings
    builders = [builder.user_id for builder in settings.bridge_builders]
    only_builders = NEW_PRIVATE_MESSAGE & filters.User(user_id=builders)
    builders_and_staff = NEW_PRIVATE_MESSAGE & filters.User(
        user_id=[*builders, *settings.staff_ids]
    )
    application.add_handler(CommandHandler("help", bridge.help_command, filters=only_builders))
    application.add_handler(CommandHandler("links", bridge.links_command, filters=only_builders))
    application.add_handler(
        CommandHandler("reach", bridge.reach_command, filters=builders_and_staff)
    )
    groups = list(settings.bridge_builder_chats.values())
    if groups:
        in_groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & filters.Chat(groups)
        application.add_handler(MessageHandler(in_groups, cases.group_message))


async def set_commands(application: BotApplication) -> None:
    services: Services = application.bot_data["services"]
    for lang in (None, *COMMAND_LANGUAGES):
        t = services.translators["sv" if lang is None else lang]
        commands = [BotCommand(name, t._(description)) for name, description in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=lang)
    await bridge.set_bridge_commands(
        application.bot, services, [(n, d) for n, d in COMMANDS], COMMAND_LANGUAGES
    )


async def set_descriptions(application: BotApplication) -> None:
    """Say who runs the bot before anyone writes (issue 10): the description an empty chat shows
    and the profile's short description, for Swedish and Finnish clients and, in all three
    languages, for everyone else (Romani readers). Set on every start, from the catalogs."""
    services: Services = application.bot_data["services"]
    settings = services.settings
    operator = settings.operator_name
    if not operator:
        # Not a warning: development and benchmark runs have no operator. Production sets it.
        log.info("BOT_OPERATOR_NAME is not set: the description names no operator")
    translators = services.translators
    ttl, months = settings.preference_ttl_days, settings.feedback_retention_months
    bot = application.bot
    for lang in COMMAND_LANGUAGES:
        t = translators[lang]
        await bot.set_my_description(
            privacy_ui.description(t, operator, ttl, months), language_code=lang
        )
        await bot.set_my_short_description(
            privacy_ui.short_description(t, operator), language_code=lang
        )
    await bot.set_my_description(privacy_ui.default_description(translators, operator, ttl))
    await bot.set_my_short_description(privacy_ui.default_short_description(translators, operator))


async def _post_init(application: BotApplication) -> None:
    await set_commands(application)
    await set_descriptions(application)
    services: Services = application.bot_data["services"]
    await cases.check_groups(application.bot, services)
    # Cases inactive while the bot was down, or whose seal no longer opens (a replaced case
    # key), close now.
    await cases.close_inactive(application.bot, services)
    task = asyncio.create_task(_housekeeping(services, application), name="housekeeping")
    application.bot_data["housekeeping"] = task


async def _post_shutdown(application: BotApplication) -> None:
    task: asyncio.Task[None] | None = application.bot_data.pop("housekeeping", None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    services: Services = application.bot_data["services"]
    await services.db.close()
    log.info("counters flushed, database closed")


async def _housekeeping(
    services: Services, application: BotApplication, interval: float = 300.0
) -> None:
    """Flush buffered counters, expire unused preferences and inactive cases, every few minutes;
    check that the bridge-builder groups are still reachable."""
    while True:
        await asyncio.sleep(interval)
        try:
            await services.db.flush_counters()
            await services.db.expire_preferences(
                services.today(), services.settings.preference_ttl_days
            )
            await purge_old_comments(
                services.db, services.today(), services.settings.feedback_retention_months
            )
            await cases.check_groups(application.bot, services)
            await cases.close_inactive(application.bot, services)
        except Exception as exc:  # keep housekeeping alive; the next round retries
            log.error("housekeeping failed: %s: %s", type(exc).__name__, exc)


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    mode: Literal["polling", "webhook"] = "polling",
    poll_timeout: float = 1.0,
    library: Library | None = None,
    translators: dict[Lang, Translator] | None = None,
    search: SearchEngine | None = None,
    **build_options: Any,
) -> AsyncIterator[BotApplication]:
    """Run the real Application until the block exits: for `run`, `chat`, tests, benchmarks.

    This does by hand what `run_polling`/`run_webhook` do, minus signal handling, so callers keep
    the loop. "webhook" listens on BOT_WEBHOOK_LISTEN:BOT_WEBHOOK_PORT and registers
    BOT_WEBHOOK_URL with the secret token (settings checked first, see bot/plumbing/webhook.py).
    Leaving the block stops fetching, finishes every update already received, then closes the
    database (counters flushed). `library`, `translators`, `search`: prebuilt, see
    `create_services`; `build_options` go to `build_application`.
    """
    hook = webhook_config(settings) if mode == "webhook" else None
    services = await create_services(
        settings, library=library, translators=translators, search=search
    )
    try:
        application = build_application(services, **build_options)
        async with application:
            await _post_init(application)
            await application.start()
            assert application.updater is not None
            if hook is None:
                await application.updater.start_polling(
                    poll_interval=0.0, timeout=int(poll_timeout), allowed_updates=ALLOWED_UPDATES
                )
            else:
                await application.updater.start_webhook(
                    listen=hook.listen,
                    port=hook.port,
                    url_path=hook.url_path,
                    webhook_url=hook.url,
                    secret_token=hook.secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
                if not cap_body_size(application.updater):
                    log.warning("webhook body size not capped: rely on the proxy's limit")
            try:
                yield application
            finally:
                await application.updater.stop()
                await application.stop()
                await _post_shutdown(application)
    finally:
        # A start-up failure (revoked token, wrong API URL, network down) must not leave the
        # database thread running: the process would never exit (review F9).
        await services.db.close()
