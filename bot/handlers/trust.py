"""Typed trust questions (who runs the bot, who reads what I write, does the municipality or
social services see it, how do I delete) get the privacy screen, before any search."""

from __future__ import annotations

from telegram import Update

from bot.handlers.info import privacy_command
from bot.plumbing.context import BotContext


async def answer_trust_question(update: Update, context: BotContext) -> bool:
    """Show /privacy if the message is a trust question; True if it was."""
    message = update.effective_message
    if message is None or not message.text:
        return False
    if not context.services.trust.matches(message.text):
        return False
    await privacy_command(update, context)
    return True
