"""First contact: /start with or without a deep link."""

from __future__ import annotations

from telegram import Update

from bot.handlers.language import send_greeting
from bot.handlers.navigation import open_topic
from bot.links.deeplinks import parse_payload
from bot.plumbing.context import BotContext


async def start(update: Update, context: BotContext) -> None:
    # A real deep link is one token; anything typed after /start by hand is not a deep link.
    payload = context.args[0] if context.args and len(context.args) == 1 else ""
    link = parse_payload(payload) if payload else None
    services = context.services
    topic_id = services.library.resolve_id(link.topic_id) if link else None
    if link is None or topic_id is None:
        await send_greeting(update, context)
        return
    who = await context.visitor(update)
    if who is None:
        return
    # A poster's registered tag knows where it hangs: a local topic opens for that municipality
    # at once, and it becomes the person's choice (changeable with one tap). Unregistered tags
    # are only counted.
    tagged = services.addons.source_tags.lookup(link.source_tag) if link.source_tag else None
    municipality = None
    if tagged is not None and tagged.municipality in services.municipality_ids:
        local = topic_id in services.library.local_topics
        if local or who.preference.municipality is None:
            municipality = tagged.municipality
    preference = await services.db.set_preference(
        who.key, services.today(), lang=link.lang, municipality=municipality
    )
    context.remember(preference)
    if link.source_tag:
        await services.db.count_deeplink(link.source_tag, services.today())
    await open_topic(
        update, context, topic_id, ui_lang=link.lang, preference=preference, edit=False
    )
