"""The flood gate between Telegram and the handlers.

The decision is bot.plumbing.flood's and is taken when an update *arrives* (`FloodGate.screen`,
called by the update processor before the update waits for that person's earlier updates):
someone who
floods is charged for every update they send, not for the few the bot got round to, and their
surplus never queues up. A refused message is discarded there and then.

What is said happens in `FloodGate.handle`, a TypeHandler in group -1 that runs before every
other handler: the first refused update gets one polite "slow down" (as the answer of a pressed
button, else as a message), refused button presses are answered silently so that no spinner
hangs, and ApplicationHandlerStop keeps the update from the other handlers.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Callable

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.plumbing.concurrency import Admission
from bot.plumbing.context import BotContext
from bot.plumbing.flood import Verdict
from bot.services import Services

log = logging.getLogger(__name__)

#: A button pressed while this many of the person's updates are in progress or waiting is
#: answered at once and dropped: at about one reply a second per chat, the queue ahead of it is
#: still well inside Telegram's answer deadline (review F17).
COLLAPSE_BACKLOG = 5
#: Verdicts waiting for their update to reach the handlers; more means updates were lost.
_MAX_PENDING = 4096


class FloodGate:
    """One per application (built in bot/app.py's `build_application`); the token buckets are
    `services.flood`, so that they are one typed field of the services."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._refused: collections.OrderedDict[int, Verdict | None] = collections.OrderedDict()
        #: How many of a user's updates are in progress or waiting (the update processor's).
        self.backlog: Callable[[int], int] | None = None

    def screen(self, update: object) -> Admission:
        """At arrival: charge the sender; say whether and how the update is processed."""
        if not isinstance(update, Update):
            return Admission.ORDERED
        user = update.effective_user
        chat = update.effective_chat
        query = update.callback_query
        if user is None or (query is None and (chat is None or chat.type != ChatType.PRIVATE)):
            return Admission.ORDERED  # groups and channels get no answer anyway
        verdict = self.services.flood.check(self.services.keys.key(user.id))
        if verdict is Verdict.ALLOW:
            if (
                query is not None
                and self.backlog is not None
                and self.backlog(user.id) >= COLLAPSE_BACKLOG
            ):
                # A burst of presses behind the person's own backlog would be answered after
                # Telegram's deadline (review F17): answer this one at once, silently, and drop
                # it (the person's earlier updates are still answered in order).
                self._refused[update.update_id] = None
                self._trim()
                return Admission.UNORDERED
            return Admission.ORDERED
        if verdict is Verdict.DROP and query is None:
            return Admission.DISCARD
        self._refused[update.update_id] = verdict
        self._trim()
        # Saying "slow down" or answering a button need not wait for the person's backlog.
        return Admission.UNORDERED

    def _trim(self) -> None:
        if len(self._refused) > _MAX_PENDING:
            self._refused.popitem(last=False)

    async def handle(self, update: object, context: BotContext) -> None:
        if not isinstance(update, Update) or update.update_id not in self._refused:
            return
        verdict = self._refused.pop(update.update_id)
        query = update.callback_query
        chat = update.effective_chat
        try:
            if verdict is Verdict.WARN:
                log.info(
                    "flood control: a user is ignored for %.0fs", self.services.flood.policy.penalty
                )
                # The person's chosen language, as any handler reads it; Swedish before a choice.
                t = await context.translator(update)
                text = t._("You are sending messages very fast. Please wait a few seconds.")
                if query is not None:
                    await query.answer(text)
                elif chat is not None:
                    await context.bot.send_message(chat.id, text)
            elif query is not None:  # refused or collapsed presses: no spinner left hanging
                await query.answer()
        except TelegramError as exc:
            log.info("flood control: answer failed: %s", type(exc).__name__)
        raise ApplicationHandlerStop
