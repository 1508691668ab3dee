"""Anything typed that is not a command, and what the bot does not read (media)."""

from __future__ import annotations

from telegram import Update

from bot.handlers import bridge, cases
from bot.handlers.common import show
from bot.handlers.language import send_greeting
from bot.handlers.questions import answer_question
from bot.handlers.trust import answer_trust_question
from bot.plumbing.context import BotContext
from bot.ui import screens as views


async def free_text(update: Update, context: BotContext) -> None:
    who = await context.visitor(update)
    if who is None:
        return
    if who.lang is None:
        await send_greeting(update, context)
        return
    # A question to bridge-builders being written, or a bridge-builder's new tag.
    if await cases.take_text(update, context, who) or await bridge.take_text(update, context, who):
        return
    # Who runs the bot, who reads this, how to delete: the privacy screen, not a search.
    if await answer_trust_question(update, context):
        return
    await answer_question(update, context, who)


async def not_text(update: Update, context: BotContext) -> None:
    await show(update, context, views.only_text_screen(await context.translator(update)))
