"""Outgoing rate limits, on virtual time: each test states when each request goes out."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.plumbing.ratelimit import Bucket, ChatRateLimiter, RateLimits, creates_message


class VirtualTime:
    """A clock and a sleep for the limiter; `run` advances time only when everyone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, delay), next(self._seq), future))
        await future

    async def run(self, *coroutines: Awaitable[Any]) -> list[Any]:
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while not all(task.done() for task in tasks):
            for _ in range(50):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if self._sleepers:
                wake, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, wake)
                future.set_result(None)
            elif not all(task.done() for task in tasks):
                raise AssertionError("deadlock: tasks wait for something other than time")
        return [task.result() if not task.exception() else task.exception() for task in tasks]


class FakeTelegram:
    """Records when each request reached 'Telegram'; can answer 429 a given number of times."""

    def __init__(self, time: VirtualTime) -> None:
        self.time = time
        self.sent: list[tuple[float, str, object]] = []
        self.fail: dict[object, list[float]] = {}

    def request(
        self, endpoint: str, chat_id: object = None
    ) -> Callable[[], Coroutine[Any, Any, bool]]:
        async def call() -> bool:
            pending = self.fail.get(chat_id)
            if pending:
                raise RetryAfter(int(pending.pop(0)))
            self.sent.append((self.time.now, endpoint, chat_id))
            return True

        return call

    def times(self, chat_id: object = None) -> list[float]:
        return [round(t, 3) for t, _, chat in self.sent if chat_id is None or chat == chat_id]


def _setup(**limits: Any) -> tuple[VirtualTime, FakeTelegram, ChatRateLimiter]:
    time = VirtualTime()
    limiter = ChatRateLimiter(RateLimits(**limits), clock=time.clock, sleep=time.sleep)
    return time, FakeTelegram(time), limiter


def _send(
    limiter: ChatRateLimiter, api: FakeTelegram, endpoint: str, chat_id: object = None
) -> Coroutine[Any, Any, Any]:
    data = {} if chat_id is None else {"chat_id": chat_id, "text": "x"}
    return limiter.process_request(api.request(endpoint, chat_id), (), {}, endpoint, data, None)


async def test_a_chat_gets_its_burst_then_one_message_a_second() -> None:
    time, api, limiter = _setup(per_chat_burst=5, per_chat_rate=1.0)
    await time.run(*(_send(limiter, api, "sendMessage", 1) for _ in range(8)))
    assert api.times(1) == [0, 0, 0, 0, 0, 1, 2, 3]


async def test_one_busy_chat_does_not_slow_another() -> None:
    time, api, limiter = _setup(per_chat_burst=2, per_chat_rate=1.0)
    await time.run(
        *(_send(limiter, api, "sendMessage", 1) for _ in range(6)),
        _send(limiter, api, "sendMessage", 2),
    )
    assert api.times(2) == [0]
    assert api.times(1) == [0, 0, 1, 2, 3, 4]


async def test_messages_of_one_chat_keep_their_order() -> None:
    time, api, limiter = _setup(per_chat_burst=1, per_chat_rate=1.0)

    async def numbered(n: int) -> None:
        await limiter.process_request(
            api.request(f"sendMessage#{n}", 7), (), {}, "sendMessage", {"chat_id": 7}, None
        )

    await time.run(*(numbered(n) for n in range(6)))
    assert [endpoint for _, endpoint, _ in api.sent] == [f"sendMessage#{n}" for n in range(6)]


async def test_edits_and_button_answers_are_not_held_to_the_per_chat_rate() -> None:
    time, api, limiter = _setup(per_chat_burst=1, per_chat_rate=1.0)
    await time.run(
        *(_send(limiter, api, "editMessageText", 1) for _ in range(5)),
        *(_send(limiter, api, "answerCallbackQuery") for _ in range(5)),
    )
    assert api.times() == [0] * 10


async def test_overall_rate_is_thirty_a_second_after_a_burst() -> None:
    time, api, limiter = _setup()  # production numbers
    await time.run(*(_send(limiter, api, "sendMessage", chat) for chat in range(1, 91)))
    times = api.times()
    assert times[:30] == [0] * 30
    assert len(times) == 90
    assert times[-1] == pytest.approx(2.0, abs=0.01)  # 60 more at 30 a second
    in_any_second = max(sum(1 for t in times if s <= t < s + 1) for s in times)
    assert in_any_second <= 30 + 30  # the burst plus one second's worth, never more


async def test_button_answers_pass_even_when_the_overall_budget_is_spent() -> None:
    time, api, limiter = _setup(global_burst=5, global_rate=1.0)
    await time.run(
        *(_send(limiter, api, "sendMessage", chat) for chat in range(1, 11)),
        _send(limiter, api, "answerCallbackQuery"),
    )
    answer_time = next(t for t, endpoint, _ in api.sent if endpoint == "answerCallbackQuery")
    assert answer_time == 0
    assert api.times()[-1] == pytest.approx(5.0)


async def test_retry_after_pauses_only_its_chat_and_retries() -> None:
    time, api, limiter = _setup()
    api.fail[1] = [3]
    results = await time.run(
        _send(limiter, api, "sendMessage", 1),
        _send(limiter, api, "sendMessage", 2),
        _send(limiter, api, "sendMessage", 3),
    )
    assert results == [True, True, True]
    assert api.times(2) == [0] and api.times(3) == [0]
    assert api.times(1) == [3]
    assert limiter.retry_afters == 1


async def test_a_paused_chat_holds_its_later_messages_too() -> None:
    time, api, limiter = _setup(per_chat_burst=5)
    api.fail[1] = [2]
    await time.run(*(_send(limiter, api, "sendMessage", 1) for _ in range(3)))
    assert min(api.times(1)) >= 2


async def test_retry_after_in_several_chats_at_once_pauses_everything() -> None:
    time, api, limiter = _setup(global_signal_chats=3)
    for chat in (1, 2, 3):
        api.fail[chat] = [4]
    await time.run(*(_send(limiter, api, "sendMessage", chat) for chat in (1, 2, 3)))
    await time.run(_send(limiter, api, "sendMessage", 99))
    assert api.times(99) == [4]  # an unrelated chat waited too: Telegram limits the whole bot


async def test_retry_after_without_a_chat_pauses_everything() -> None:
    time, api, limiter = _setup()
    api.fail[None] = [2]
    await time.run(_send(limiter, api, "setMyCommands"), _send(limiter, api, "sendMessage", 5))
    assert api.times() == [2, 2]  # the command list retried, the message waited with it


async def test_retries_are_bounded() -> None:
    time, api, limiter = _setup(max_retries=2)
    api.fail[1] = [1, 1, 1, 1]
    (result,) = await time.run(_send(limiter, api, "sendMessage", 1))
    assert isinstance(result, RetryAfter)
    assert api.fail[1] == [1]  # three attempts: the first and two retries
    assert limiter.gave_up == 1


async def test_a_long_retry_after_is_not_waited_for() -> None:
    time, api, limiter = _setup(max_retry_after=30)
    api.fail[1] = [120]
    (result,) = await time.run(_send(limiter, api, "sendMessage", 1))
    assert isinstance(result, RetryAfter)
    assert time.now == 0


async def test_groups_get_twenty_a_minute() -> None:
    time, api, limiter = _setup(group_burst=3)
    await time.run(*(_send(limiter, api, "sendMessage", -100123) for _ in range(5)))
    assert api.times(-100123) == [0, 0, 0, 3, 6]


async def test_chat_buckets_are_bounded() -> None:
    time, api, limiter = _setup(max_chats=10)
    for chat in range(1, 200):
        await time.run(_send(limiter, api, "sendMessage", chat))
        time.now += 10  # every earlier bucket is idle again
    assert len(limiter._chats) <= 10


def test_which_requests_count_as_new_messages() -> None:
    assert creates_message("sendMessage") and creates_message("sendDocument")
    assert creates_message("copyMessage")
    assert not creates_message("sendChatAction")
    assert not creates_message("editMessageText")
    assert not creates_message("answerCallbackQuery")


def test_bucket_reservations_follow_the_rate() -> None:
    bucket = Bucket(burst=2, rate=2.0)
    assert [bucket.reserve(0.0) for _ in range(4)] == [0.0, 0.0, 0.5, 1.0]
    assert bucket.reserve(10.0) == 10.0
