"""The language choice: the greeting with its language buttons, and remembering the choice."""

from __future__ import annotations

from telegram import Update

from bot.content.model import Lang
from bot.handlers.common import show, translator
from bot.handlers.voice import send_welcome
from bot.plumbing.context import BotContext
from bot.ui import screens as views
from bot.ui.privacy import greeting_card, with_card


async def send_greeting(update: Update, context: BotContext, *, edit: bool = False) -> None:
    """The language choice; a new greeting also says welcome aloud where it is recorded; to
    someone with nothing stored yet, with the first-contact card (who runs the bot, no name
    needed, /privacy) in all three languages above it."""
    services = context.services
    user = update.effective_user
    telegram_language = user.language_code if user else None
    screen = views.greeting(services.translators, telegram_language)
    who = await context.visitor(update)
    if who is not None and who.lang is None and not edit:
        order = views.language_order(telegram_language)
        card = greeting_card(services.translators, order, services.settings.operator_name)
        screen, _ = with_card(screen, card)  # the greeting is short: the card always fits
    await show(update, context, screen, edit=edit)
    if not edit:
        await send_welcome(update, context, views.language_order(telegram_language))


async def choose_language(update: Update, context: BotContext, lang: Lang) -> None:
    services = context.services
    who = await context.visitor(update)
    if who is None:
        return
    context.remember(await services.db.set_preference(who.key, services.today(), lang=lang))
    screen = views.main_menu(translator(services, lang), icons=services.library.pictograms)
    await show(update, context, screen, edit=True)
