"""Typed control words ("meny", "apua", "radera mina uppgifter"): they do what they say.

The words are content (content/control-words.yaml), matched before the search."""

from __future__ import annotations

from telegram import Update

from bot.content.control_words import Control
from bot.handlers.asking import ask_rows
from bot.handlers.common import show, translator
from bot.handlers.info import forget, help_command, privacy_command
from bot.handlers.language import send_greeting
from bot.plumbing.context import BotContext, Visitor
from bot.ui import screens as views


async def run_control(update: Update, context: BotContext, who: Visitor, control: Control) -> None:
    services = context.services
    if control == "forget":
        await forget(update, context)
        return
    if control == "privacy":
        await privacy_command(update, context)
        return
    if control == "language" or who.lang is None:
        await send_greeting(update, context)
        return
    if control == "help":
        await help_command(update, context)
        return
    t = translator(services, who.lang)
    icons = services.library.pictograms
    if control == "stop":
        if context.user_data is not None:
            context.user_data.clear()  # a pending question is not sent after "stop"
        await show(update, context, views.stopped_screen(t, icons=icons))
    elif control == "feedback":
        await show(update, context, views.feedback_offer(t, icons=icons))
    else:  # menu, back
        menu = views.main_menu(t, extra=ask_rows(services, who, t), icons=icons)
        await show(update, context, menu)
