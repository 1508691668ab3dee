"""Anything typed that is not a command, and what the bot does not read (media)."""

from __future__ import annotations

from telegram import Update

from bot.handlers import bridge, cases
from bot.handlers.common import show, translator
from bot.handlers.controls import run_control
from bot.handlers.language import send_greeting
from bot.handlers.questions import answer_question
from bot.handlers.trust import answer_trust_question
from bot.handlers.voice import send_welcome
from bot.plumbing.context import BotContext
from bot.ui import screens as views


async def free_text(update: Update, context: BotContext) -> None:
    who = await context.visitor(update)
    if who is None:
        return
    message = update.effective_message
    text = message.text if message is not None else None
    control = context.services.addons.control_words.match(text) if text else None
    if control is not None:
        await run_control(update, context, who, control)
        return
    # A bridge-builder's new tag (their screens are Swedish until they choose a language).
    if await bridge.take_text(update, context, who):
        return
    if who.lang is None:
        await send_greeting(update, context)
        return
    # A question to bridge-builders being written.
    if await cases.take_text(update, context, who):
        return
    # Who runs the bot, who reads this, how to delete: the privacy screen, not a search.
    if await answer_trust_question(update, context):
        return
    await answer_question(update, context, who)


async def not_text(update: Update, context: BotContext) -> None:
    """Voice, photos, files, stickers: a short reply with big buttons, never a dead end.

    Nothing of what was sent is downloaded, stored or logged.
    """
    who = await context.visitor(update)
    services = context.services
    message = update.effective_message
    photo = message is not None and bool(message.photo)
    lang = who.lang if who else None
    if lang is not None:
        await send_welcome(update, context, [lang])
    screen = views.media_screen(translator(services, lang), services.library, photo=photo)
    await show(update, context, screen)
