"""/help, /privacy and /forget: plain words about the bot and what it keeps."""

from __future__ import annotations

import time

from telegram import Message, Update

from bot.content.model import LANGUAGES
from bot.handlers.cases import forget_cases
from bot.handlers.common import delete_messages, show, translator
from bot.plumbing.context import BotContext
from bot.plumbing.ratelimit import ChatRateLimiter
from bot.storage.database import Preference
from bot.ui import privacy as privacy_ui
from bot.ui import screens as views


async def help_command(update: Update, context: BotContext) -> None:
    await show(update, context, views.help_screen(await context.translator(update)))


async def privacy_command(update: Update, context: BotContext) -> None:
    services = context.services
    t = await context.translator(update)
    settings = services.settings
    case_days = settings.case_inactivity_days if services.bridge.all() else None
    screen = privacy_ui.privacy_screen(
        t,
        settings.preference_ttl_days,
        settings.feedback_retention_months,
        settings.operator_name,
        case_days=case_days,
    )
    await show(update, context, screen)


async def forget(update: Update, context: BotContext) -> None:
    """Delete the preference row and every in-memory trace of the person (review F15), and offer
    to clear the chat; the reply uses the language that was just forgotten."""
    services = context.services
    who = await context.visitor(update)
    user = update.effective_user
    chat = update.effective_chat
    if who is None or user is None or chat is None:
        return
    had_data = await services.db.forget(who.key)
    if await forget_cases(context.bot, services, chat.id):
        had_data = True
    context.remember(Preference(None, None))
    now = time.time()
    recent = context.user_data.deletable(now) if context.user_data is not None else []
    if update.message is not None:  # the /forget message itself
        recent.append(update.message.message_id)
    token = services.clear_offers.offer(recent, now, who.lang) if recent else None
    if context.user_data is not None:
        context.user_data.clear()
    context.forgotten = True
    # python-telegram-bot keeps user_data under the raw id: drop the entry, not just its content.
    context.application.drop_user_data(user.id)
    context.application.drop_chat_data(chat.id)
    screen = privacy_ui.forgotten_screen(translator(services, who.lang), had_data, token)
    await show(update, context, screen)
    limiter = context.bot.rate_limiter
    if isinstance(limiter, ChatRateLimiter):
        limiter.forget_chat(chat.id)


async def clear_chat(update: Update, context: BotContext, token: str) -> None:
    """Delete the messages /forget offered to clear (private chat, under 48 hours)."""
    services = context.services
    chat = update.effective_chat
    query = update.callback_query
    who = await context.visitor(update)
    if chat is None or who is None:
        return
    offer = services.clear_offers.take(token, time.time())
    if offer is None:
        t = translator(services, who.lang)
        await show(update, context, views.stale_button_screen(t), edit=True)
        return
    lang = offer.lang if offer.lang in LANGUAGES else who.lang
    t = translator(services, lang)
    context.forgotten = True  # nothing of this exchange is remembered either
    pressed = query.message if query is not None and isinstance(query.message, Message) else None
    ids = [i for i in offer.message_ids if pressed is None or i != pressed.message_id]
    deleted = await delete_messages(context, chat.id, ids)
    await show(update, context, privacy_ui.cleared_screen(t, deleted), edit=True)
