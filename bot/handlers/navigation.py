"""Menus and topics: the main menu, opening a topic (asking for the municipality first when a
local topic needs one)."""

from __future__ import annotations

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

#: The content topic about bridge-builders offers to ask one.
BRIDGE_TOPIC = "bridge-builders"


async def menu_command(update: Update, context: BotContext) -> None:
    who = await context.visitor(update)
    if who is None:
        return
    if who.lang is None:
        await send_greeting(update, context)
        return
    t = translator(context.services, who.lang)
    await show(update, context, views.main_menu(t, extra=ask_rows(context.services, who, t)))


async def open_topic(
    update: Update,
    context: BotContext,
    topic_id: str,
    *,
    ui_lang: Lang,
    preference: Preference,
    content_lang: Lang | None = None,
    edit: bool = True,
    card: str | None = None,
) -> None:
    """`card`: the first-contact card (bot/ui/privacy.py) shown above the screen."""
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
    options = {
        "ui_lang": ui_lang,
        "content_lang": content_lang,
        "municipality": municipality,
        "can_change_municipality": len(offered) > 1,
        "extra": ask_rows(services, preference, t) if topic_id == BRIDGE_TOPIC else (),
    }
    screen = views.topic_screen(t, services.library, topic_id, **options)  # type: ignore[arg-type]
    if card:
        carded = views.topic_screen(
            t,
            services.library,
            topic_id,
            card=card,
            **options,  # type: ignore[arg-type]
        )
        if len(carded.messages) == len(screen.messages):
            screen = carded
        else:  # no room for the text without splitting the topic: the card as a button
            screen = Screen(screen.messages, ((card_button(t),), *screen.keyboard))
    services.db.count_topic_view(topic_id, content_lang or ui_lang, services.today())
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
