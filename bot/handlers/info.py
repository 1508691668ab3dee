"""/help, /privacy and /forget: plain words about the bot and what it keeps."""

from __future__ import annotations

from telegram import Update

from bot.handlers.cases import forget_cases
from bot.handlers.common import show, translator
from bot.plumbing.context import BotContext
from bot.storage.database import Preference
from bot.ui import screens as views


async def help_command(update: Update, context: BotContext) -> None:
    await show(update, context, views.help_screen(await context.translator(update)))


async def privacy_command(update: Update, context: BotContext) -> None:
    services = context.services
    t = await context.translator(update)
    settings = services.settings
    case_days = settings.case_inactivity_days if services.bridge.all() else None
    screen = views.privacy_screen(
        t, settings.preference_ttl_days, settings.feedback_retention_months, case_days
    )
    await show(update, context, screen)


async def forget(update: Update, context: BotContext) -> None:
    """Delete the preference row; the reply uses the language that was just forgotten."""
    services = context.services
    who = await context.visitor(update)
    if who is None:
        return
    had_data = await services.db.forget(who.key)
    chat = update.effective_chat
    if chat is not None and await forget_cases(context.bot, services, chat.id):
        had_data = True
    context.remember(Preference(None, None))
    if context.user_data is not None:
        context.user_data.clear()  # in-memory only, but /forget means everything
    await show(update, context, views.forgotten_screen(translator(services, who.lang), had_data))
