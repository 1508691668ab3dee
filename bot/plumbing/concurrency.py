"""Concurrent updates across users, strictly in order for each user.

python-telegram-bot processes updates one after another unless `concurrent_updates` is set, and
then it processes them with no ordering at all. One after another means that one person waiting
(a slow database write, a per-chat rate limit, a RetryAfter pause) makes everybody wait. No
ordering breaks the feedback survey (a ConversationHandler assumes a user's updates arrive in
order) and any "tap, then tap again" sequence.

`PerUserUpdateProcessor` runs updates of different users side by side, at most `workers` at a
time, and the updates of one user (or of one chat when there is no user) one at a time, in the
order Telegram sent them. An update waits for its user's previous update *before* it takes one
of the `workers` slots, so a person sending a burst occupies one slot, never all of them.

python-telegram-bot's own semaphore (`max_concurrent_updates`) is set to `backlog`, a bound on
updates held in memory at once; the real limit on work in progress is `workers`.

`screen(update)`, if given, is asked first, as the update arrives: DISCARD drops it unprocessed
(the flood gate's surplus, see bot/plumbing/flood_gate.py), UNORDERED runs it at once
without waiting for the person's earlier updates (a "slow down" or a silent button answer),
ORDERED is the rule.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

#: Measured with benchmarks/load_latency.py (200 users sending /start at once; 100 users
#: walking five steps each), against the fake Bot API with a 50 ms round trip added to every
#: call: 1 worker 11.2 s / 12 updates/s, 4: 3.1 s / 45, 8: 2.0 s / 75, 16: 1.1-1.7 s / 99-167,
#: 24-32: 1.2-1.4 s / 124-127, 64: 2.4 s / 92, 256: 2.6 s / 49 (the HTTP connection pool
#: thrashes). With no added latency 1 to 16 workers are alike (0.7 s, 170-206/s) and 256 is worst
#: (2.3 s, 81/s). With the outgoing limits on, 4 or more reach Telegram's 30 messages a second.
#: More than needed for throughput also leaves room for updates asleep in a per-chat wait.
#: `python -m devtools bench` (no added latency, limits off) shows the other side: CPU per update
#: grows with workers (1: 1.7 ms, 4: 1.9, 8: 2.7, 16: 4.1 on 2 cores). 8 keeps production at
#: Telegram's 30/s cap with a 50 ms round trip (75 updates/s) at less CPU than 16.
DEFAULT_WORKERS = 8
DEFAULT_BACKLOG = 1024


class Admission(enum.Enum):
    ORDERED = "ordered"
    UNORDERED = "unordered"
    DISCARD = "discard"


def ordering_key(update: object) -> int | None:
    """Whose update this is: the user, else the chat; None for updates without either."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class _KeyLock:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        workers: int = DEFAULT_WORKERS,
        backlog: int = DEFAULT_BACKLOG,
        *,
        screen: Callable[[object], Admission] | None = None,
    ) -> None:
        if workers < 1 or backlog < workers:
            raise ValueError("need workers >= 1 and backlog >= workers")
        super().__init__(max_concurrent_updates=backlog)
        self.workers = workers
        self.screen = screen
        #: Updates dropped by `screen` since start.
        self.discarded = 0
        self._slots = asyncio.BoundedSemaphore(workers)
        self._locks: dict[int, _KeyLock] = {}

    def backlog(self, key: int) -> int:
        """Updates of this user in progress or waiting (0, 1, 2 ...)."""
        entry = self._locks.get(key)
        return entry.users if entry is not None else 0

    @property
    def tracked_keys(self) -> int:
        """Users with an update in progress or waiting (the lock table's size)."""
        return len(self._locks)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        admission = self.screen(update) if self.screen is not None else Admission.ORDERED
        if admission is Admission.DISCARD:
            self.discarded += 1
            if asyncio.iscoroutine(coroutine):
                coroutine.close()
            return
        key = ordering_key(update) if admission is Admission.ORDERED else None
        if key is None:
            async with self._slots:
                await coroutine
            return
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = _KeyLock()
        entry.users += 1
        started = False
        try:
            # asyncio.Lock wakes waiters first come, first served; tasks reach this line in
            # the order the Application created them, i.e. the order of the updates.
            async with entry.lock, self._slots:
                started = True
                await coroutine
        finally:
            if not started and asyncio.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: no "never awaited" warning
            entry.users -= 1
            if entry.users == 0:
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free: the Application waits for updates in progress before this."""
