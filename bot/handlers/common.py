"""Shared plumbing for handlers: translators by language and how a Screen becomes Telegram
messages. Who is asking (pseudonymously) is `context.visitor(update)` (bot/plumbing/context.py),
resolved once per update."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.content.model import Lang
from bot.i18n import Translator
from bot.plumbing.context import BotContext
from bot.services import Services
from bot.ui.screens import Keyboard, Screen

log = logging.getLogger(__name__)


def translator(services: Services, lang: Lang | None) -> Translator:
    return services.translators[lang or "sv"]


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.data, url=b.url) for b in row]
            for row in keyboard
        ]
    )


async def show(update: Update, context: BotContext, screen: Screen, *, edit: bool = False) -> None:
    """Show a screen: edit the pressed message in place when it is one message, else send anew."""
    query = update.callback_query
    if (
        edit
        and query is not None
        and isinstance(query.message, Message)
        and len(screen.messages) == 1
    ):
        try:
            await query.message.edit_text(screen.text, reply_markup=markup(screen.keyboard))
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            # Old messages cannot always be edited; a fresh message serves the person anyway.
            log.info("edit failed, sending a new message instead: %s", exc)
    chat = update.effective_chat
    if chat is None:
        return
    *first, last = screen.messages
    for text in first:
        await context.bot.send_message(chat.id, text)
    await context.bot.send_message(chat.id, last, reply_markup=markup(screen.keyboard))
