"""Shared plumbing for handlers: translators by language and how a Screen becomes Telegram
messages. Who is asking (pseudonymously) is `context.visitor(update)` (bot/plumbing/context.py),
resolved once per update."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden

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
        sent = await context.bot.send_message(chat.id, text)
        context.note_message(sent)
    sent = await context.bot.send_message(chat.id, last, reply_markup=markup(screen.keyboard))
    context.note_message(sent)


async def note_incoming(update: Update, context: BotContext) -> None:
    """Group 1, after every handler: remember the id of a message the person sent (memory only),
    so that /forget can offer to delete it (bot/handlers/info.py)."""
    message = update.message
    if message is not None:
        context.note_message(message)


async def delete_messages(context: BotContext, chat_id: int, message_ids: Iterable[int]) -> int:
    """Delete messages in a private chat (both sides, under 48 hours); return how many went.

    A message already gone or too old is skipped: the person is told the number deleted.
    """
    deleted = 0
    for message_id in message_ids:
        try:
            if await context.bot.delete_message(chat_id, message_id):
                deleted += 1
        except (BadRequest, Forbidden) as exc:
            log.info("message not deleted: %s", type(exc).__name__)
    return deleted
