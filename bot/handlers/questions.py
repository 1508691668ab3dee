"""Typed questions: search the content in every language and answer in the user's language."""

from __future__ import annotations

import secrets

from telegram import Update

from bot.handlers.asking import ask_rows
from bot.handlers.common import show, translator
from bot.plumbing.context import BotContext, PendingQuestion, Visitor
from bot.storage.feedback import count_search_miss, save_unanswered
from bot.ui import screens as views
from bot.ui.survey import removed_marker


async def answer_question(update: Update, context: BotContext, who: Visitor) -> None:
    message = update.effective_message
    if message is None or message.text is None or who.lang is None:
        return
    services = context.services
    t = translator(services, who.lang)
    result = services.search.search(message.text)
    if result.kind == "match":
        best, *others = result.topic_ids
        screen = views.topic_preview(
            t, services.library, best, ui_lang=who.lang, alternatives=others[:2]
        )
        services.db.count_topic_view(best, who.lang, services.today())
        await show(update, context, screen)
    elif result.kind == "choices":
        await show(
            update, context, views.search_choices(t, services.library, who.lang, result.topic_ids)
        )
    elif result.kind in {"greeting", "thanks"}:
        await show(update, context, views.small_talk(t, result.kind))
    else:
        await count_search_miss(services.db, who.lang, services.today())
        token = secrets.token_hex(4)
        # Held in memory only (`UserData`) until the person chooses to send it to the editors.
        if context.user_data is not None:
            context.user_data.pending_question = PendingQuestion(token, message.text)
        extra = ask_rows(services, who, t, token)
        await show(update, context, views.search_miss(t, token, extra))


async def submit_question(update: Update, context: BotContext, who: Visitor, token: str) -> None:
    """Store the pending question, scrubbed and without any identifier, if the token matches."""
    services = context.services
    t = translator(services, who.lang)
    data = context.user_data
    pending = data.pending_question if data is not None else None
    if data is not None:
        data.pending_question = None
    if pending is None or pending.token != token:
        await show(update, context, views.stale_button_screen(t), edit=True)
        return
    saved = await save_unanswered(
        services.db, pending.text, who.lang or "sv", services.today(), marker=removed_marker(t)
    )
    await show(update, context, views.question_sent(t, saved is not None), edit=True)
