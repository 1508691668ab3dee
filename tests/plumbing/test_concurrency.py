"""The update processor: concurrent across users, in order per user, bounded work in progress."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Chat, Message, Update, User

from bot.plumbing.concurrency import Admission, PerUserUpdateProcessor, ordering_key


def _update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "X", is_bot=False)
    chat = Chat(user_id, "private")
    message = Message(update_id, None, chat, from_user=user, text=str(update_id))  # type: ignore[arg-type]
    return Update(update_id, message=message)


class Recorder:
    def __init__(self) -> None:
        self.log: list[tuple[str, int, int]] = []
        self.running = 0
        self.peak = 0
        self.gates: dict[int, asyncio.Event] = {}
        self.ended: dict[int, asyncio.Event] = {}

    def finished(self, update_id: int) -> asyncio.Event:
        return self.ended.setdefault(update_id, asyncio.Event())

    async def handle(self, update: Update, hold: bool = False) -> None:
        assert update.effective_user is not None
        user = update.effective_user.id
        self.running += 1
        self.peak = max(self.peak, self.running)
        self.log.append(("start", user, update.update_id))
        if hold:
            gate = self.gates.setdefault(update.update_id, asyncio.Event())
            await gate.wait()
        for _ in range(3):
            await asyncio.sleep(0)
        self.log.append(("end", user, update.update_id))
        self.finished(update.update_id).set()
        self.running -= 1


async def _feed(processor: PerUserUpdateProcessor, items: list[tuple[Update, Any]]) -> None:
    """Like Application's fetcher: one task per update, created in arrival order."""
    async with processor:
        tasks = [
            asyncio.create_task(processor.process_update(update, coroutine))
            for update, coroutine in items
        ]
        await asyncio.gather(*tasks)


async def test_one_users_updates_run_one_at_a_time_in_order() -> None:
    rec = Recorder()
    processor = PerUserUpdateProcessor(workers=8)
    updates = [_update(i, 1) for i in range(1, 21)]
    await _feed(processor, [(u, rec.handle(u)) for u in updates])
    assert [uid for kind, _, uid in rec.log if kind == "start"] == list(range(1, 21))
    # Never two of them at once: every start follows the previous end.
    kinds = [kind for kind, _, _ in rec.log]
    assert kinds == ["start", "end"] * 20
    assert processor.tracked_keys == 0  # nothing left behind


async def test_different_users_run_side_by_side_up_to_the_worker_limit() -> None:
    rec = Recorder()
    processor = PerUserUpdateProcessor(workers=4)
    updates = [_update(i, 100 + i) for i in range(1, 13)]
    await _feed(processor, [(u, rec.handle(u)) for u in updates])
    assert rec.peak == 4


async def test_a_slow_user_does_not_hold_up_the_others() -> None:
    rec = Recorder()
    processor = PerUserUpdateProcessor(workers=2)
    slow = [_update(i, 1) for i in range(1, 11)]  # one person's burst, the first one stuck
    other = _update(99, 2)
    items = [(slow[0], rec.handle(slow[0], hold=True))]
    items += [(u, rec.handle(u)) for u in slow[1:]]
    items.append((other, rec.handle(other)))

    async def release_later() -> None:
        await rec.finished(99).wait()
        rec.gates[1].set()

    async with asyncio.timeout(10):  # a deadlock would otherwise hang the suite
        await asyncio.gather(_feed(processor, items), release_later())
    # User 2 finished while user 1's first update was still stuck: the burst of user 1 waited
    # for its own turn without taking the second worker.
    assert rec.log.index(("end", 2, 99)) < rec.log.index(("end", 1, 1))


async def test_screen_can_discard_or_skip_the_queue() -> None:
    rec = Recorder()
    verdicts = {1: Admission.ORDERED, 2: Admission.DISCARD, 3: Admission.UNORDERED}
    processor = PerUserUpdateProcessor(workers=4, screen=lambda u: verdicts[u.update_id])  # type: ignore[attr-defined]
    first, dropped, urgent = _update(1, 7), _update(2, 7), _update(3, 7)
    # The first update is held: the unordered one must not wait for it.
    async with processor:
        t1 = asyncio.create_task(processor.process_update(first, rec.handle(first, hold=True)))
        t2 = asyncio.create_task(processor.process_update(dropped, rec.handle(dropped)))
        t3 = asyncio.create_task(processor.process_update(urgent, rec.handle(urgent)))
        await t2
        await t3
        assert ("end", 7, 3) in rec.log and ("end", 7, 1) not in rec.log
        rec.gates[1].set()
        await t1
    assert ("start", 7, 2) not in rec.log
    assert processor.discarded == 1


def test_ordering_key_is_the_user_then_the_chat() -> None:
    assert ordering_key(_update(1, 42)) == 42
    channel = Chat(-100, "channel")
    post = Update(2, channel_post=Message(1, None, channel, text="x"))  # type: ignore[arg-type]
    assert ordering_key(post) == -100
    assert ordering_key(object()) is None


def test_nonsense_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        PerUserUpdateProcessor(workers=0)
    with pytest.raises(ValueError):
        PerUserUpdateProcessor(workers=10, backlog=5)
