"""Typed questions: search the content in every language and answer in the user's language.

A question the search cannot answer may go to the editors, but only as the person saw it: the
scrubbed text is shown first and saved only on "Send" (review F4, F5). Once saved, the message
the person typed and the bot's copy of it are deleted from the chat.
"""

from __future__ import annotations

import secrets
from typing import Literal

from telegram import Message, Update

from bot.handlers.asking import ask_rows
from bot.handlers.common import delete_messages, show, translator
from bot.handlers.navigation import open_topic
from bot.plumbing.context import BotContext, PendingQuestion, Visitor
from bot.storage.feedback import count_search_miss, save_unanswered, scrub_question
from bot.ui import privacy as privacy_ui
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
            context.user_data.pending_question = PendingQuestion(
                token, message.text, message.message_id
            )
        extra = ask_rows(services, who, t, token)
        await show(update, context, views.search_miss(t, token, extra, icons=icons))


async def submit_question(
    update: Update,
    context: BotContext,
    who: Visitor,
    token: str,
    step: Literal["ask", "send", "cancel"] = "ask",
) -> None:
    """ "ask": show the scrubbed question; "send": store it without any identifier and delete it
    from the chat; "cancel": drop it. A token that does not match the pending one is stale."""
    services = context.services
    t = translator(services, who.lang)
    data = context.user_data
    pending = data.pending_question if data is not None else None
    if pending is None or pending.token != token:
        screen = views.stale_button_screen(t, icons=services.library.pictograms)
        await show(update, context, screen, edit=True)
        return
    marker = removed_marker(t)
    if step == "ask":
        scrubbed = scrub_question(pending.text, marker)
        if scrubbed is None:
            if data is not None:
                data.pending_question = None
            await show(update, context, privacy_ui.question_saved(t, False, False), edit=True)
            return
        await show(update, context, privacy_ui.question_confirm(t, scrubbed, token), edit=True)
        return
    if data is not None:
        data.pending_question = None
    if step == "cancel":
        await show(update, context, privacy_ui.question_cancelled(t), edit=True)
        return
    saved = await save_unanswered(
        services.db, pending.text, who.lang or "sv", services.today(), marker=marker
    )
    deleted = False
    chat = update.effective_chat
    query = update.callback_query
    if saved is not None and chat is not None:
        echo = query.message if query is not None and isinstance(query.message, Message) else None
        ids = [i for i in (pending.message_id, echo.message_id if echo else None) if i]
        deleted = bool(ids) and await delete_messages(context, chat.id, ids) == len(ids)
    await show(update, context, privacy_ui.question_saved(t, saved is not None, deleted))
