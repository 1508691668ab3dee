"""The one router for inline buttons: decodes the data against an allow-list and hands the
action to its journey. It imports the journeys; no journey imports it."""

from __future__ import annotations

import logging

from telegram import Update

from bot.handlers.asking import ask_rows
from bot.handlers.common import show, translator
from bot.handlers.helpful import record_vote
from bot.handlers.info import clear_chat, forget, privacy_command
from bot.handlers.language import choose_language, send_greeting
from bot.handlers.navigation import open_topic
from bot.handlers.questions import submit_question
from bot.handlers.voice import send_topic_recording
from bot.plumbing.context import BotContext, Visitor
from bot.ui import callbacks as cb
from bot.ui import screens as views

log = logging.getLogger(__name__)


async def on_button(update: Update, context: BotContext) -> None:
    """Every inline button lands here; each query is answered, forged data included."""
    query = update.callback_query
    if query is None:
        return
    services = context.services
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        await query.answer()
        return
    action = cb.decode(query.data, services.library, frozenset(services.municipality_ids))
    who = await context.visitor(update)
    if who is None:
        await query.answer()
        return
    t = translator(services, who.lang)
    if action is None:
        log.info("rejected unknown callback data")
        await query.answer(t._("That button is no longer valid."))
        await show(
            update,
            context,
            views.stale_button_screen(t, icons=services.library.pictograms)
            if who.lang
            else views.greeting(services.translators, None),
        )
        return
    if isinstance(action, cb.Helpful):
        # The answer is the thanks; the message stays as it is, next to what was read.
        await record_vote(context, who, action.topic_id, action.yes)
        await query.answer(t._("Thank you! Your answer is anonymous."))
        return
    await query.answer()
    await _dispatch(update, context, action, who)


async def _dispatch(update: Update, context: BotContext, action: cb.Action, who: Visitor) -> None:
    services = context.services
    if isinstance(action, cb.ChooseLanguage):
        await choose_language(update, context, action.lang)
        return
    if isinstance(action, cb.ShowPrivacy):
        await privacy_command(update, context)
        return
    if isinstance(action, cb.ClearChat):
        # After /forget there is no language any more: the offer remembers it.
        await clear_chat(update, context, action.token)
        return
    if isinstance(action, cb.ShowLanguages) or who.lang is None:
        # Without a language there is nothing sensible to show but the language choice.
        await send_greeting(update, context, edit=True)
        return
    t = translator(services, who.lang)
    icons = services.library.pictograms
    match action:
        case cb.MainMenu():
            menu = views.main_menu(t, extra=ask_rows(services, who, t), icons=icons)
            await show(update, context, menu, edit=True)
        case cb.OpenSection(section_id):
            screen = views.section_menu(t, services.library, section_id, who.lang)
            await show(update, context, screen, edit=True)
        case cb.OpenTopic(topic_id, content_lang):
            await open_topic(
                update,
                context,
                topic_id,
                ui_lang=who.lang,
                preference=who.preference,
                content_lang=content_lang,
            )
        case cb.ShowPart(topic_id, part, content_lang):
            await open_topic(
                update,
                context,
                topic_id,
                ui_lang=who.lang,
                preference=who.preference,
                content_lang=content_lang,
                part=part,
            )
        case cb.Listen(topic_id, lang):
            await send_topic_recording(update, context, topic_id, lang)
        case cb.AskMunicipality(then_topic):
            screen = views.municipality_chooser(
                t, services.library, services.municipality_ids, then_topic
            )
            await show(update, context, screen, edit=True)
        case cb.ChooseMunicipality(municipality_id, then_topic):
            preference = await services.db.set_preference(
                who.key, services.today(), municipality=municipality_id
            )
            context.remember(preference)
            if then_topic:
                await open_topic(
                    update, context, then_topic, ui_lang=who.lang, preference=preference
                )
            else:
                await show(update, context, views.main_menu(t, icons=icons), edit=True)
        case cb.SubmitQuestion(token, step):
            await submit_question(update, context, who, token, step)
        case cb.Forget(confirmed):
            if confirmed:
                await forget(update, context)
            else:
                await show(update, context, views.main_menu(t, icons=icons), edit=True)
