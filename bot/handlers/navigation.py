"""Menus and topics: the main menu, opening a topic (asking for the municipality first when a
local topic needs one), and its parts one tap away."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update

from bot.content.model import Lang
from bot.handlers.asking import ask_rows
from bot.handlers.common import show, translator
from bot.handlers.language import send_greeting
from bot.plumbing.context import BotContext
from bot.storage.database import Preference
from bot.ui import screens as views
from bot.ui.privacy import card_button, with_card
from bot.ui.screens import Screen
from bot.ui.topic import ANSWER, topic_screen

#: The content topic about bridge-builders offers to ask one.
BRIDGE_TOPIC = "bridge-builders"


async def menu_command(update: Update, context: BotContext) -> None:
    who = await context.visitor(update)
    if who is None:
        return
    if who.lang is None:
        await send_greeting(update, context)
        return
    services = context.services
    t = translator(services, who.lang)
    menu = views.main_menu(t, extra=ask_rows(services, who, t), icons=services.library.pictograms)
    await show(update, context, menu)


async def open_topic(
    update: Update,
    context: BotContext,
    topic_id: str,
    *,
    ui_lang: Lang,
    preference: Preference,
    content_lang: Lang | None = None,
    edit: bool = True,
    part: str = ANSWER,
    alternatives: Sequence[str] = (),
    card: str | None = None,
) -> None:
    """The topic's short answer (or one `part` of it); a local topic asks for the municipality
    first when none is chosen. `card`: the first-contact card (bot/ui/privacy.py) above it."""
    services = context.services
    t = translator(services, ui_lang)
    offered = services.municipality_ids
    municipality = preference.municipality if preference.municipality in offered else None
    if municipality is None and len(offered) == 1:
        municipality = offered[0]
    if topic_id in services.library.local_topics and municipality is None and offered:
        screen = views.municipality_chooser(t, services.library, offered, then_topic=topic_id)
        await _show_with_card(update, context, screen, card, edit=edit)
        return
    shown_lang = content_lang or ui_lang

    def build(with_card_text: str | None) -> Screen:
        return topic_screen(
            t,
            services.library,
            topic_id,
            ui_lang=ui_lang,
            content_lang=content_lang,
            municipality=municipality,
            can_change_municipality=len(offered) > 1,
            part=part,
            has_audio=services.addons.audio.clip(shown_lang, topic_id) is not None,
            alternatives=alternatives,
            extra=ask_rows(services, preference, t) if topic_id == BRIDGE_TOPIC else (),
            card=with_card_text,
        )

    screen = build(None)
    if card:
        carded = build(card)
        if len(carded.messages) == len(screen.messages):
            screen = carded
        else:  # no room for the text without splitting the topic: the card as a button
            screen = Screen(screen.messages, ((card_button(t),), *screen.keyboard))
    if part == ANSWER:
        services.db.count_topic_view(topic_id, shown_lang, services.today())
    await show(update, context, screen, edit=edit)


async def _show_with_card(
    update: Update, context: BotContext, screen: Screen, card: str | None, *, edit: bool
) -> None:
    left = None
    if card:
        screen, left = with_card(screen, card)
    await show(update, context, screen, edit=edit)
    if left:
        await show(update, context, Screen((left,)))
