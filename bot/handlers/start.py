"""First contact: /start with or without a deep link (a topic, the main menu or the survey)."""

from __future__ import annotations

from telegram import Update

from bot.handlers.bridge import count_reach
from bot.handlers.common import show, translator
from bot.handlers.language import send_greeting
from bot.handlers.navigation import open_topic
from bot.links.deeplinks import MENU_TARGET, SURVEY_TARGET, DeepLink, parse_payload
from bot.links.tags import fold_tag
from bot.plumbing.context import BotContext, Visitor
from bot.privacy.tags import countable_tag
from bot.storage import tags as tag_store
from bot.ui import screens as views
from bot.ui.privacy import link_card, with_card

#: `/start <lang>-survey[_<tag>]`: an entry point of the feedback conversation (bot/handlers/
#: feedback.py), so that a poster can open the survey directly.
SURVEY_LINK = rf"^/start (sv|rom|fi)-{SURVEY_TARGET}(_[A-Za-z0-9_-]{{1,40}})?$"


def _link(context: BotContext) -> DeepLink | None:
    # A real deep link is one token; anything typed after /start by hand is not a deep link.
    payload = context.args[0] if context.args and len(context.args) == 1 else ""
    return parse_payload(payload) if payload else None


async def _arrive(update: Update, context: BotContext, link: DeepLink) -> Visitor | None:
    """Set the link's language as the person's choice and count the tag; the Visitor after."""
    who = await context.visitor(update)
    user = update.effective_user
    if who is None or user is None:
        return None
    services = context.services
    municipality = await _tagged_municipality(context, link, who)
    preference = await services.db.set_preference(
        who.key, services.today(), lang=link.lang, municipality=municipality
    )
    context.remember(preference)
    if link.source_tag:
        # A tag that names someone (a personnummer, a name) is counted as "other" (F8).
        tag = countable_tag(link.source_tag)
        await services.db.count_deeplink(tag, services.today())
        await count_reach(services, tag, user.id)
    return Visitor(who.key, preference)


async def _tagged_municipality(context: BotContext, link: DeepLink, who: Visitor) -> str | None:
    """A registered tag knows where its poster hangs (content/source-tags.yaml first, then the
    tags bridge-builders registered in the chat): a local topic opens for that municipality at
    once, and it becomes the person's choice (one tap changes it). Unregistered tags: None."""
    if not link.source_tag:
        return None
    services = context.services
    municipality: str | None = None
    tagged = services.addons.source_tags.lookup(link.source_tag)
    if tagged is not None:
        municipality = tagged.municipality
    else:
        stored = await tag_store.get_tag(services.db, fold_tag(link.source_tag))
        municipality = stored.municipality if stored is not None else None
    if municipality not in services.municipality_ids:
        return None
    topic_id = services.library.resolve_id(link.topic_id)
    local = topic_id is not None and topic_id in services.library.local_topics
    return municipality if local or who.preference.municipality is None else None


async def _first_contact_card(update: Update, context: BotContext, link: DeepLink) -> str | None:
    """Who runs the bot, in the link's language, for someone with nothing stored yet."""
    who = await context.visitor(update)
    if who is None or who.lang is not None:
        return None
    services = context.services
    return link_card(services.translators[link.lang], services.settings.operator_name)


async def start(update: Update, context: BotContext) -> None:
    link = _link(context)
    services = context.services
    if link is not None and link.topic_id == MENU_TARGET:
        card = await _first_contact_card(update, context, link)
        if await _arrive(update, context, link) is not None:
            menu = views.main_menu(
                translator(services, link.lang), icons=services.library.pictograms
            )
            if card:
                menu, _ = with_card(menu, card)  # the menu is short: the card fits
            await show(update, context, menu)
        return
    topic_id = services.library.resolve_id(link.topic_id) if link else None
    if link is None or topic_id is None:
        await send_greeting(update, context)
        return
    card = await _first_contact_card(update, context, link)
    who = await _arrive(update, context, link)
    if who is None:
        return
    await open_topic(
        update,
        context,
        topic_id,
        ui_lang=link.lang,
        preference=who.preference,
        edit=False,
        card=card,
    )


async def arrive_by_survey_link(update: Update, context: BotContext) -> Visitor | None:
    """A poster's survey link: language and counts as for any link; None if it is not one."""
    link = _link(context)
    if link is None or link.topic_id != SURVEY_TARGET:
        return None
    return await _arrive(update, context, link)
