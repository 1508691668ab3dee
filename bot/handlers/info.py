"""/help, /privacy and /forget: plain words about the bot and what it keeps."""

from __future__ import annotations

from telegram import Update

from bot.handlers.cases import forget_cases
from bot.handlers.common import show, translator, visitor
from bot.plumbing.context import BotContext
from bot.ui import screens as views


async def help_command(update: Update, context: BotContext) -> None:
    who = await visitor(update, context)
    lang = who.lang if who else None
    await show(update, context, views.help_screen(translator(context.services, lang)))


async def privacy_command(update: Update, context: BotContext) -> None:
    services = context.services
    who = await visitor(update, context)
    t = translator(services, who.lang if who else None)
    settings = services.settings
    screen = views.privacy_screen(
        t, settings.preference_ttl_days, settings.feedback_retention_months
    )
    await show(update, context, screen)


async def forget(update: Update, context: BotContext) -> None:
    """Delete the preference row; the reply uses the language that was just forgotten."""
    services = context.services
    who = await visitor(update, context)
    if who is None:
        return
    had_data = await services.db.forget(who.key)
    chat = update.effective_chat
    if chat is not None and await forget_cases(context.bot, services, chat.id):
        had_data = True
    if context.user_data:
        context.user_data.clear()  # in-memory only, but /forget means everything
    await show(update, context, views.forgotten_screen(translator(services, who.lang), had_data))
