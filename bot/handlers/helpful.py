""" "Was this helpful?": an anonymous count per topic, language and week; one per person a day."""

from __future__ import annotations

from bot.plumbing.context import BotContext, Visitor
from bot.storage.helpful import count_helpful


async def record_vote(context: BotContext, who: Visitor, topic_id: str, yes: bool) -> None:
    services = context.services
    today = services.today()
    if who.lang is None or not services.helpful_votes.first_today(who.key, topic_id, today):
        return
    await count_helpful(services.db, topic_id, who.lang, today, yes)
