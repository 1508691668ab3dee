"""The test side of the fake Bot API: users and their updates in, what the bot did out, waits.

All of these are plain methods (no HTTP) and must be called from the event loop the fake runs in.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable

from devtools.fake_telegram.html import utf16_len
from devtools.fake_telegram.models import ChatType, FakeUser, MessageEvent, SentMessage
from devtools.fake_telegram.state import (
    BOT_COMMAND_PREFIX_RE,
    MESSAGE_KEYS,
    UNCONFIRMED_GRACE,
    FakeState,
    JSONDict,
    PendingQuery,
    now,
)


class Driver(FakeState):
    # -- test side: injecting updates -------------------------------------------------------------

    def new_user(
        self,
        first_name: str = "Test",
        language_code: str | None = "sv",
        *,
        last_name: str | None = None,
        username: str | None = None,
        user_id: int | None = None,
    ) -> FakeUser:
        """A new user; its private chat becomes known once it sends the bot something."""
        uid = next(self._user_ids) if user_id is None else user_id
        user = FakeUser(uid, first_name, language_code, last_name, username)
        self._users[uid] = user
        chat: JSONDict = {"id": uid, "type": "private", "first_name": first_name}
        if last_name is not None:
            chat["last_name"] = last_name
        if username is not None:
            chat["username"] = username
        self._chats[uid] = chat
        return user

    def send_text(
        self,
        user: FakeUser,
        text: str,
        chat_type: ChatType = "private",
        chat_id: int | None = None,
    ) -> int:
        """Inject a text message from `user`; returns the update_id.

        A leading command ("/start payload") gets a bot_command entity like Telegram adds.
        Group, supergroup and channel chats get a fixed id per type unless `chat_id` is given.
        """
        if not text:
            raise ValueError("Telegram clients cannot send an empty message")
        cid = self._chat_for(user, chat_type, chat_id)
        message: JSONDict = {
            "message_id": self._new_message_id(cid),
            "date": now(),
            "chat": self._chats[cid],
            "text": text,
        }
        if chat_type == "channel":
            message["sender_chat"] = self._chats[cid]
        else:
            message["from"] = user.to_json()
        m_cmd = BOT_COMMAND_PREFIX_RE.match(text)
        if m_cmd is not None:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(m_cmd.group())}
            ]
        self._user_messages.add((cid, message["message_id"]))
        self._user_message_dates[(cid, message["message_id"])] = message["date"]
        self._started_chats.add(cid)
        key = "channel_post" if chat_type == "channel" else "message"
        return self._enqueue({key: message})

    def send_update(self, payload: JSONDict) -> int:
        """Inject any raw update (update_id is assigned); returns the update_id.

        Chats and callback queries found in it become known to the fake.
        """
        payload = {k: v for k, v in payload.items() if k != "update_id"}
        for key in MESSAGE_KEYS:
            message = payload.get(key)
            if isinstance(message, dict):
                self._learn_message(message)
        query = payload.get("callback_query")
        if isinstance(query, dict):
            if "id" in query:
                self._callback_queries[str(query["id"])] = PendingQuery(time.monotonic())
            if isinstance(query.get("message"), dict):
                self._learn_message(query["message"])
        for key in ("my_chat_member", "chat_member", "chat_join_request"):
            item = payload.get(key)
            if isinstance(item, dict) and isinstance(item.get("chat"), dict):
                self._learn_chat(item["chat"])
        return self._enqueue(payload)

    def press(self, user: FakeUser, message: SentMessage, index: int) -> str:
        """Press the `index`-th (0-based, row-major) inline button of a bot message.

        Injects a callback_query carrying the message as it is now; returns the query id.
        """
        current = self._current(message)
        buttons = current.flat_buttons
        if not 0 <= index < len(buttons):
            raise IndexError(
                f"message {current.message_id} has {len(buttons)} buttons, no index {index}"
            )
        button = buttons[index]
        if button.callback_data is None:
            raise ValueError(f"button {index} ({button.text!r}) is a URL button: {button.url}")
        return self._inject_callback(user, current, button.callback_data)

    def press_data(self, user: FakeUser, message: SentMessage, data: str) -> str:
        """Inject a callback_query with arbitrary (forged) data for a bot message."""
        return self._inject_callback(user, self._current(message), data)

    def block_bot(self, user: FakeUser) -> None:
        """The user blocks the bot: sending to them fails with 403 like Telegram."""
        self._blocked.add(user.chat_id)

    def unblock_bot(self, user: FakeUser) -> None:
        self._blocked.discard(user.chat_id)

    def fail_next(self, method: str, retry_after: int = 1) -> None:
        """Answer the next call of `method` with 429 Too Many Requests (once per call of this)."""
        self._fail_next.setdefault(method.lower(), collections.deque()).append(retry_after)

    def add_file(
        self, data: bytes, filename: str, mime_type: str = "application/octet-stream"
    ) -> JSONDict:
        """Store a file as if a user had sent it; returns a Document dict to put in an update."""
        stored = self._store_file(data, filename, mime_type, "documents")
        return self._document_json(stored)

    # -- test side: reading -----------------------------------------------------------------------

    def mark(self) -> int:
        """The current position in `events`, for `wait_for_message(after=...)`/`events_since`."""
        return len(self.events)

    def events_since(self, mark: int) -> list[MessageEvent]:
        return self.events[mark:]

    def messages_in(self, chat_id: int) -> list[SentMessage]:
        """Bot messages sent to a chat, oldest first (deleted ones included, marked)."""
        return list(self._by_chat.get(chat_id, ()))

    def last_message(self, chat_id: int) -> SentMessage | None:
        messages = self._by_chat.get(chat_id)
        return messages[-1] if messages else None

    def get_message(self, chat_id: int, message_id: int) -> SentMessage | None:
        return self._messages.get((chat_id, message_id))

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the deadline is part of the helper's contract
        *,
        after: int | None = None,
    ) -> SentMessage:
        """Wait for a bot message to `chat_id` that is sent or edited after the call.

        `after` is a position in `events` (see `mark`) to look from instead.
        Raises TimeoutError, naming the recent messages, if none arrives in `timeout` seconds.
        """
        index = len(self.events) if after is None else after
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            events = self.events
            while index < len(events):
                kind, message = events[index]
                index += 1
                if (
                    kind != "deleted"
                    and message.chat_id == chat_id
                    and (predicate is None or predicate(message))
                ):
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                recent = [m.plain[:60] for m in self._by_chat.get(chat_id, [])[-3:]]
                raise TimeoutError(
                    f"no matching bot message to chat {chat_id} within {timeout}s; "
                    f"last messages there: {recent}; rejected calls: {self.rejected[-3:]}"
                )
            signal = self._message_signal
            self._message_waiters += 1
            try:
                async with asyncio.timeout(remaining):
                    await signal.wait()
            except TimeoutError:
                pass
            finally:
                self._message_waiters -= 1

    async def wait_until_idle(
        self,
        quiet: float = 0.15,
        timeout: float = 5.0,  # noqa: ASYNC109 - the deadline is part of the helper's contract
    ) -> None:
        """Return once the bot has taken every injected update and been quiet for `quiet` s.

        Taken: fetched by getUpdates and confirmed by the poller's next getUpdates offset (a
        python-telegram-bot poller sends that once it has queued the batch; an unconfirmed batch
        counts as taken after a second), or delivered to the webhook.  Quiet: no bot request
        other than getUpdates under way or started or finished in the last `quiet` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now = loop.time()
            wait = deadline - now
            unconfirmed_until = self._last_fetch + UNCONFIRMED_GRACE
            unconfirmed = self._returned_upto > self._confirmed_upto and now < unconfirmed_until
            if unconfirmed:
                wait = min(wait, unconfirmed_until - now)
            busy = self._has_unfetched() or self._inflight > 0 or unconfirmed
            if not busy:
                idle_for = now - self._last_activity
                if idle_for >= quiet:
                    return
                wait = min(wait, quiet - idle_for)
            if deadline - now <= 0 or self._closing:
                raise TimeoutError(
                    f"bot not idle within {timeout}s: "
                    f"{self._last_update_id - self._fetched_upto} updates not fetched, "
                    f"{self._inflight} requests under way"
                )
            signal = self._activity_signal
            self._activity_waiters += 1
            try:
                async with asyncio.timeout(wait):
                    await signal.wait()
            except TimeoutError:
                pass
            finally:
                self._activity_waiters -= 1

    @property
    def pending_updates(self) -> int:
        """Updates injected but not yet confirmed by a later getUpdates offset (or delivered)."""
        return len(self._queue)
