"""The error handler: one log line per failed update, with the traceback, never the update.

The traceback goes through the root handlers, whose filter redacts anything shaped like the bot
token (bot/privacy/logs.py). The update itself (names, message text) is never logged.
"""

from __future__ import annotations

import logging

from telegram.error import BadRequest, Forbidden

from bot.plumbing.context import BotContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if isinstance(error, Forbidden):
        # The person blocked the bot or deleted their account: routine, nothing to alert on.
        log.info("update not answered: %s", type(error).__name__)
        return
    if isinstance(error, BadRequest) and "query is too old" in str(error).lower():
        # After a restart Telegram redelivers presses the old process had already answered.
        log.warning("update not answered: %s: %s", type(error).__name__, error)
        return
    # exc_info: a bug report needs the file and the line. Exception messages of this code never
    # quote what a person wrote; Telegram's own errors describe the request, not its text.
    log.error("update failed: %s", type(error).__name__, exc_info=error)
