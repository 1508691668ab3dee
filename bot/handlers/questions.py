"""Typed questions: search the content in every language and answer in the user's language."""

from __future__ import annotations

import secrets

from telegram import Update

from bot.handlers.asking import ask_rows
from bot.handlers.common import show, translator
from bot.handlers.navigation import open_topic
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
    icons = services.library.pictograms
    if result.kind == "match":
        # Answer first, as from the menu: the short answer, what to do, places near you.
        best, *others = result.topic_ids
        await open_topic(
            update,
            context,
            best,
            ui_lang=who.lang,
            preference=who.preference,
            edit=False,
            alternatives=others[:2],
        )
    elif result.kind == "choices":
        await show(
            update, context, views.search_choices(t, services.library, who.lang, result.topic_ids)
        )
    elif result.kind in {"greeting", "thanks"}:
        await show(update, context, views.small_talk(t, result.kind, icons=icons))
    else:
        await count_search_miss(services.db, who.lang, services.today())
        token = secrets.token_hex(4)
        # Held in memory only (`UserData`) until the person chooses to send it to the editors.
        if context.user_data is not None:
            context.user_data.pending_question = PendingQuestion(token, message.text)
        extra = ask_rows(services, who, t, token)
        await show(update, context, views.search_miss(t, token, extra, icons=icons))


async def submit_question(update: Update, context: BotContext, who: Visitor, token: str) -> None:
    """Store the pending question, scrubbed and without any identifier, if the token matches."""
    services = context.services
    t = translator(services, who.lang)
    data = context.user_data
    pending = data.pending_question if data is not None else None
    if data is not None:
        data.pending_question = None
    if pending is None or pending.token != token:
        screen = views.stale_button_screen(t, icons=services.library.pictograms)
        await show(update, context, screen, edit=True)
        return
    saved = await save_unanswered(
        services.db, pending.text, who.lang or "sv", services.today(), marker=removed_marker(t)
    )
    await show(update, context, views.question_sent(t, saved is not None), edit=True)
