"""Outgoing rate limits: per chat, per group, overall, and RetryAfter that pauses only its chat.

Telegram asks bots to send about one message a second per chat (short bursts are tolerated),
20 a minute per group and 30 a second overall; above that it answers 429 with `retry_after`.
python-telegram-bot's AIORateLimiter throttles only groups and the overall rate, and one
RetryAfter stops every request of the bot. This limiter:

* throttles every new message (sendMessage, sendDocument, sendPhoto, copy/forward...) with a
  token bucket per chat (`per_chat_burst` at once, then `per_chat_rate` a second; groups and
  channels, i.e. negative ids, `group_burst` then `group_rate`) and then an overall bucket
  (`global_burst`, `global_rate`);
* throttles other requests on a chat (editing, deleting) only by the overall bucket: the
  per-chat rule is about new messages, and this bot edits a message once per button press,
  which bot.plumbing.flood already limits per person. A RetryAfter on an edit still pauses its chat;
* leaves requests without a chat (answerCallbackQuery, getMe, setMyCommands, setWebhook...)
  and `sendChatAction` unthrottled: a pressed button is answered at once;
* on RetryAfter pauses only the chat concerned for `retry_after` seconds and retries, at most
  `max_retries` times and only when the wait is at most `max_retry_after` seconds; a RetryAfter
  on a request without a chat, or RetryAfters for `global_signal_chats` different chats within
  one second, pause everything (that is Telegram limiting the whole bot).

Buckets use virtual scheduling (GCRA): a reservation computes the moment a request may go, so
waiting requests of one chat keep their order and cost no task or lock. Time and sleep are
injectable for tests. Per-chat state is bounded by `max_chats` (idle buckets are forgotten).
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]

#: Requests with a chat_id that are not messages and need no throttling.
UNTHROTTLED = frozenset({"sendChatAction", "answerCallbackQuery"})
#: Besides every send* method (except sendChatAction), these create messages in a chat.
_NEW_MESSAGE = frozenset({"forwardMessage", "forwardMessages", "copyMessage", "copyMessages"})


def creates_message(endpoint: str) -> bool:
    return endpoint in _NEW_MESSAGE or (endpoint.startswith("send") and endpoint not in UNTHROTTLED)


@dataclass(frozen=True, slots=True)
class RateLimits:
    #: Private chats: this many messages at once, then `per_chat_rate` a second.
    per_chat_burst: int = 5
    per_chat_rate: float = 1.0
    #: Groups and channels (negative chat ids): Telegram allows 20 a minute.
    group_burst: int = 3
    group_rate: float = 20 / 60
    #: The whole bot: Telegram allows about 30 messages a second.
    global_burst: int = 30
    global_rate: float = 30.0
    #: RetryAfter handling: retries per request, and the longest wait worth retrying.
    max_retries: int = 3
    max_retry_after: float = 30.0
    #: This many different chats hitting RetryAfter within a second means a bot-wide limit.
    global_signal_chats: int = 3
    #: Chats whose buckets are kept at most (idle ones are forgotten first).
    max_chats: int = 10_000

    def __post_init__(self) -> None:
        positive = (self.per_chat_rate, self.group_rate, self.global_rate)
        bursts = (self.per_chat_burst, self.group_burst, self.global_burst)
        if min(positive) <= 0 or min(bursts) < 1 or self.max_retries < 0 or self.max_chats < 1:
            raise ValueError(f"invalid rate limits: {self}")


class Bucket:
    """A token bucket as virtual scheduling: `reserve(now)` says when a request may go."""

    __slots__ = ("_interval", "_tat", "_tolerance", "paused_until")

    def __init__(self, burst: int, rate: float) -> None:
        self._interval = 1.0 / rate
        self._tolerance = (burst - 1) * self._interval
        self._tat = float("-inf")  # theoretical arrival time of the next request
        self.paused_until = float("-inf")

    def reserve(self, now: float) -> float:
        """Take a slot; return the earliest time (>= now) the request may be sent."""
        start = max(now, self.paused_until)
        tat = max(self._tat, start)
        send_at = max(start, tat - self._tolerance)
        self._tat = tat + self._interval
        return send_at

    def idle(self, now: float) -> bool:
        """Full again: forgetting the bucket changes nothing."""
        return self._tat <= now and self.paused_until <= now

    def pause(self, until: float) -> None:
        self.paused_until = max(self.paused_until, until)
        # Requests reserved before the pause must not go during it either.
        self._tat = max(self._tat, until)


def retry_after_seconds(error: RetryAfter) -> float:
    value: object = getattr(error, "_retry_after", None)
    if value is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = error.retry_after
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]


class ChatRateLimiter(BaseRateLimiter[None]):
    def __init__(
        self,
        limits: RateLimits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits or RateLimits()
        self._clock = clock
        self._sleep = sleep
        self._global = Bucket(self.limits.global_burst, self.limits.global_rate)
        self._chats: collections.OrderedDict[int | str, Bucket] = collections.OrderedDict()
        self._recent_retry_after: collections.deque[tuple[float, int | str]] = collections.deque()
        #: Counters for the logs and tests: requests delayed, RetryAfters seen, retries given up.
        self.delayed = 0
        self.retry_afters = 0
        self.gave_up = 0

    async def initialize(self) -> None:
        """Nothing to set up: buckets are created on first use."""

    async def shutdown(self) -> None:
        self._chats.clear()

    def forget_chat(self, chat_id: int) -> None:
        """Drop the chat's bucket (after /forget: no chat id stays in memory, review F15)."""
        self._chats.pop(chat_id, None)
        self._recent_retry_after = collections.deque(
            entry for entry in self._recent_retry_after if entry[1] != chat_id
        )

    # --- buckets ---------------------------------------------------------------------------------

    def _chat_bucket(self, chat_id: int | str) -> Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is not None:
            self._chats.move_to_end(chat_id)
            return bucket
        if len(self._chats) >= self.limits.max_chats:
            now = self._clock()
            oldest = next(iter(self._chats))
            if self._chats[oldest].idle(now) or len(self._chats) >= 2 * self.limits.max_chats:
                del self._chats[oldest]
        limits = self.limits
        group = isinstance(chat_id, str) or chat_id < 0
        bucket = (
            Bucket(limits.group_burst, limits.group_rate)
            if group
            else Bucket(limits.per_chat_burst, limits.per_chat_rate)
        )
        self._chats[chat_id] = bucket
        return bucket

    async def _wait_until(self, moment: float) -> None:
        delay = moment - self._clock()
        if delay > 0:
            await self._sleep(delay)

    async def _acquire(self, chat_id: int | str, *, per_chat: bool) -> None:
        chat = self._chat_bucket(chat_id)
        if per_chat:
            send_at = chat.reserve(self._clock())
            if send_at > self._clock():
                self.delayed += 1
                await self._wait_until(send_at)
        # A pause (of this chat or of everything) may have begun while we waited.
        while True:
            now = self._clock()
            resume = max(chat.paused_until, self._global.paused_until)
            if resume <= now:
                break
            await self._wait_until(resume)
        send_at = self._global.reserve(self._clock())
        if send_at > self._clock():
            self.delayed += 1
            await self._wait_until(send_at)

    def _on_retry_after(self, chat_id: int | str | None, seconds: float) -> str:
        now = self._clock()
        until = now + seconds
        recent = self._recent_retry_after
        while recent and recent[0][0] < now - 1.0:
            recent.popleft()
        if chat_id is not None:
            recent.append((now, chat_id))
        chats = {chat for _, chat in recent}
        if chat_id is None or len(chats) >= self.limits.global_signal_chats:
            self._global.pause(until)
            return "all chats"
        self._chat_bucket(chat_id).pause(until)
        return "one chat"

    # --- BaseRateLimiter -------------------------------------------------------------------------

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> JSONResult:
        chat_id = _chat_key(data.get("chat_id"))
        throttled = chat_id is not None and endpoint not in UNTHROTTLED
        per_chat = throttled and creates_message(endpoint)
        attempt = 0
        while True:
            if throttled:
                assert chat_id is not None
                await self._acquire(chat_id, per_chat=per_chat)
            else:
                await self._wait_until(self._global.paused_until)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                self.retry_afters += 1
                seconds = retry_after_seconds(error)
                if attempt >= self.limits.max_retries or seconds > self.limits.max_retry_after:
                    self.gave_up += 1
                    log.warning(
                        "rate limited by Telegram: %s retry_after=%.0fs, giving up after %d "
                        "retries",
                        endpoint,
                        seconds,
                        attempt,
                    )
                    raise
                attempt += 1
                scope = self._on_retry_after(chat_id if throttled else None, seconds)
                log.info(
                    "rate limited by Telegram: %s retry_after=%.0fs, pausing %s, retry %d",
                    endpoint,
                    seconds,
                    scope,
                    attempt,
                )


def _chat_key(value: object) -> int | str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value)
    try:
        return int(text)
    except ValueError:
        return text  # "@channelusername"
