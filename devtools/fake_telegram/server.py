"""An in-process fake Telegram Bot API for offline tests, `python -m devtools chat` and benchmarks.

`FakeBotApi` is an aiohttp server on 127.0.0.1 (a free port) that speaks the Bot API the way
python-telegram-bot uses it: form-encoded fields, JSON-encoded complex values (``reply_markup``,
``commands``, ...), multipart uploads for files, ``{"ok": true, "result": ...}`` answers and
Telegram-like 400 errors.  It is deliberately as strict as Telegram (HTML parse mode, text and
callback data limits, "message is not modified", unknown chats, stale callback queries), so that
a bot which passes its tests here is not rejected by the real server.

Point a real ``Application`` at it with::

    api = FakeBotApi()
    await api.start()
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )

Tests drive it through plain methods (no HTTP): ``new_user``, ``send_text``, ``send_update``,
``press``/``press_data`` inject updates; ``sent``, ``requests``, ``rejected``, ``commands`` and
``callback_answers`` show what the bot did; ``wait_for_message`` and ``wait_until_idle`` wait.
All of these must be called from the event loop the server runs in.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import json
import re
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import aiohttp
from aiohttp import web

from devtools.fake_telegram.html import EntityParseError, ParsedText, parse_html, utf16_len
from devtools.fake_telegram.models import (
    ApiRequest,
    Button,
    CallbackAnswer,
    ChatType,
    FakeUser,
    MessageEvent,
    MessageVersion,
    Rejection,
    SentMessage,
    UploadedFile,
)

if TYPE_CHECKING:
    from telegram.ext import Application, ApplicationBuilder

__all__ = [
    "ApiRequest",
    "Button",
    "CallbackAnswer",
    "EntityParseError",
    "FakeBotApi",
    "FakeUser",
    "MessageEvent",
    "MessageVersion",
    "ParsedText",
    "Rejection",
    "SentMessage",
    "UploadedFile",
    "application_builder",
    "parse_html",
    "polling",
    "utf16_len",
]

JSONDict = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CHAT_NOT_FOUND = "Bad Request: chat not found"

# How long a fetched but unconfirmed getUpdates batch keeps `wait_until_idle` waiting.
_UNCONFIRMED_GRACE = 1.0

# Updates that Telegram leaves out unless they are listed in allowed_updates explicitly.
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_MESSAGE_KEYS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)

# Form fields are strings on the wire; these are decoded so that `requests` shows real values.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "commands",
        "scope",
        "menu_button",
        "allowed_updates",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "cache_time",
        "message_thread_id",
        "max_connections",
        "reply_to_message_id",
        "user_id",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
    }
)
_INT_RE = re.compile(r"-?\d+")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_BOT_COMMAND_PREFIX_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?(?=\s|$)")


class _ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


@dataclass(slots=True)
class _Markup:
    buttons: list[list[Button]]
    reply_keyboard: list[list[str]] | None


@dataclass(slots=True)
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    filename: str | None
    mime_type: str | None
    data: bytes | None


@dataclass(slots=True)
class _CallbackQuery:
    created: float
    answered: bool = False


class _Update(NamedTuple):
    update_id: int
    payload: JSONDict


_Handler = Callable[[JSONDict], Awaitable[Any]]


def _now() -> int:
    return int(time.time())


# ---------------------------------------------------------------------------------------------
# The fake server


class FakeBotApi:
    """A strict in-process Telegram Bot API server; see the module docstring."""

    def __init__(
        self,
        token: str = "123456:FAKE-TOKEN",
        bot_username: str = "outreach_test_bot",
        *,
        bot_first_name: str = "Outreach Test Bot",
        callback_query_timeout: float | None = 15.0,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.callback_query_timeout = callback_query_timeout
        bot_id = token.split(":", 1)[0]
        self.bot_id = int(bot_id) if bot_id.isdigit() else 123456

        # What the bot did.
        self.sent: list[SentMessage] = []
        self.events: list[MessageEvent] = []
        self.requests: list[ApiRequest] = []
        self.rejected: list[Rejection] = []
        self.commands: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self.webhook_url: str = ""
        self.webhook_secret: str | None = None

        self._chats: dict[int, JSONDict] = {}
        self._started_chats: set[int] = set()
        self._blocked: set[int] = set()
        self._users: dict[int, FakeUser] = {}
        self._messages: dict[tuple[int, int], SentMessage] = {}
        self._by_chat: dict[int, list[SentMessage]] = collections.defaultdict(list)
        self._user_messages: set[tuple[int, int]] = set()
        self._next_message_id: dict[int, int] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_paths: dict[str, _StoredFile] = {}
        self._callback_queries: dict[str, _CallbackQuery] = {}
        self._fail_next: dict[str, collections.deque[int]] = {}
        self._default_chat_ids: dict[str, int] = {}

        self._user_ids = itertools.count(100_000_001)
        self._group_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_000_000_000_001)

        # Updates.
        self._queue: collections.deque[_Update] = collections.deque()
        self._last_update_id = 0
        self._fetched_upto = 0
        # Highest update_id returned by getUpdates / confirmed by a later offset, for idleness.
        self._returned_upto = 0
        self._confirmed_upto = 0
        self._last_fetch = 0.0
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self.last_get_updates: JSONDict | None = None

        # Waiting.
        self._update_signal = asyncio.Event()
        self._activity_signal = asyncio.Event()
        self._message_signal = asyncio.Event()
        self._poll_waiters = 0
        self._activity_waiters = 0
        self._message_waiters = 0
        self._inflight = 0
        self._last_activity = 0.0

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False
        self._session: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None

        self._methods: dict[str, tuple[str, _Handler]] = {}
        for name, handler in (
            ("getMe", self._get_me),
            ("logOut", self._ok),
            ("close", self._ok),
            ("getUpdates", self._get_updates),
            ("setWebhook", self._set_webhook),
            ("deleteWebhook", self._delete_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageCaption", self._edit_message_caption),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query),
            ("sendDocument", self._send_document),
            ("sendPhoto", self._send_photo),
            ("sendVoice", self._send_voice),
            ("sendChatAction", self._send_chat_action),
            ("getFile", self._get_file),
            ("setMyCommands", self._set_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("setChatMenuButton", self._set_chat_menu_button),
            ("getChatMenuButton", self._get_chat_menu_button),
        ):
            self._methods[name.lower()] = (name, handler)

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakeBotApi is already started")
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self._last_activity = asyncio.get_running_loop().time()

    async def stop(self) -> None:
        runner = self._runner
        if runner is None:
            return
        self._closing = True
        self._pulse_updates(force=True)
        self._pulse_activity(force=True)
        self._pulse_messages(force=True)
        await self._stop_webhook_delivery()
        if self._session is not None:
            await self._session.close()
            self._session = None
        await runner.cleanup()
        self._runner = None
        self._port = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``; python-telegram-bot appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

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
            "date": _now(),
            "chat": self._chats[cid],
            "text": text,
        }
        if chat_type == "channel":
            message["sender_chat"] = self._chats[cid]
        else:
            message["from"] = user.to_json()
        m_cmd = _BOT_COMMAND_PREFIX_RE.match(text)
        if m_cmd is not None:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(m_cmd.group())}
            ]
        self._user_messages.add((cid, message["message_id"]))
        self._started_chats.add(cid)
        key = "channel_post" if chat_type == "channel" else "message"
        return self._enqueue({key: message})

    def send_update(self, payload: JSONDict) -> int:
        """Inject any raw update (update_id is assigned); returns the update_id.

        Chats and callback queries found in it become known to the fake.
        """
        payload = {k: v for k, v in payload.items() if k != "update_id"}
        for key in _MESSAGE_KEYS:
            message = payload.get(key)
            if isinstance(message, dict):
                self._learn_message(message)
        query = payload.get("callback_query")
        if isinstance(query, dict):
            if "id" in query:
                self._callback_queries[str(query["id"])] = _CallbackQuery(time.monotonic())
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
            unconfirmed_until = self._last_fetch + _UNCONFIRMED_GRACE
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

    # -- internals: bookkeeping -------------------------------------------------------------------

    def _pulse_updates(self, force: bool = False) -> None:
        if self._poll_waiters or force:
            self._update_signal.set()
            self._update_signal = asyncio.Event()

    def _pulse_activity(self, force: bool = False) -> None:
        if self._activity_waiters or force:
            self._activity_signal.set()
            self._activity_signal = asyncio.Event()

    def _pulse_messages(self, force: bool = False) -> None:
        if self._message_waiters or force:
            self._message_signal.set()
            self._message_signal = asyncio.Event()

    def _touch(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._last_activity = asyncio.get_running_loop().time()
        self._pulse_activity()

    def _has_unfetched(self) -> bool:
        return bool(self._queue) and self._queue[-1].update_id > self._fetched_upto

    def _enqueue(self, payload: JSONDict) -> int:
        self._last_update_id += 1
        update_id = self._last_update_id
        kind = next(iter(payload), "")
        allowed = self._allowed_updates
        if (kind in _NOT_BY_DEFAULT) if allowed is None else (kind not in allowed):
            # Telegram drops updates that are not allowed at the time they happen.
            self._fetched_upto = max(self._fetched_upto, update_id)
            return update_id
        self._queue.append(_Update(update_id, {"update_id": update_id, **payload}))
        self._pulse_updates()
        self._pulse_activity()
        return update_id

    def _new_message_id(self, chat_id: int) -> int:
        next_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = next_id + 1
        return next_id

    def _chat_for(self, user: FakeUser, chat_type: ChatType, chat_id: int | None) -> int:
        if chat_type == "private":
            cid = user.chat_id if chat_id is None else chat_id
            if cid not in self._chats:
                self._chats[cid] = {"id": cid, "type": "private", "first_name": user.first_name}
            return cid
        if chat_id is None:
            chat_id = self._default_chat_ids.get(chat_type)
            if chat_id is None:
                number = next(self._group_ids)
                chat_id = -number if chat_type == "group" else -1_000_000_000_000 - number
                self._default_chat_ids[chat_type] = chat_id
        if chat_id not in self._chats:
            self._chats[chat_id] = {
                "id": chat_id,
                "type": chat_type,
                "title": f"Test {chat_type} {abs(chat_id)}",
            }
        return chat_id

    def _learn_chat(self, chat: JSONDict) -> int | None:
        cid = chat.get("id")
        if not isinstance(cid, int):
            return None
        self._chats.setdefault(cid, dict(chat))
        self._started_chats.add(cid)
        return cid

    def _learn_message(self, message: JSONDict) -> None:
        chat = message.get("chat")
        if not isinstance(chat, dict):
            return
        cid = self._learn_chat(chat)
        mid = message.get("message_id")
        if cid is not None and isinstance(mid, int):
            self._user_messages.add((cid, mid))
            if mid >= self._next_message_id.get(cid, 1):
                self._next_message_id[cid] = mid + 1

    def _current(self, message: SentMessage) -> SentMessage:
        current = self._messages.get((message.chat_id, message.message_id))
        if current is None:
            raise ValueError(f"bot message {message.message_id} does not exist (any more)")
        return current

    def _inject_callback(self, user: FakeUser, message: SentMessage, data: str) -> str:
        query_id = str(next(self._query_ids))
        self._callback_queries[query_id] = _CallbackQuery(time.monotonic())
        self._started_chats.add(message.chat_id)
        self._enqueue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.to_json(),
                    "message": self._message_json(message),
                    "chat_instance": str(-7_000_000_000 - message.chat_id),
                    "data": data,
                }
            }
        )
        return query_id

    def _record(self, kind: Literal["sent", "edited", "deleted"], message: SentMessage) -> None:
        if kind == "sent":
            self.sent.append(message)
            self._by_chat[message.chat_id].append(message)
            self._messages[(message.chat_id, message.message_id)] = message
        self.events.append(MessageEvent(kind, message))
        self._pulse_messages()

    def _store_file(
        self, data: bytes | None, filename: str | None, mime_type: str | None, folder: str
    ) -> _StoredFile:
        number = next(self._file_ids)
        suffix = ""
        if filename and "." in filename:
            suffix = "." + filename.rsplit(".", 1)[1]
        stored = _StoredFile(
            file_id=f"FAKE-FILE-{number:06d}-{self.bot_id}",
            file_unique_id=f"FAKEUNIQ{number:06d}",
            file_path=f"{folder}/file_{number}{suffix}",
            filename=filename,
            mime_type=mime_type,
            data=data,
        )
        self._files[stored.file_id] = stored
        self._file_paths[stored.file_path] = stored
        return stored

    # -- internals: JSON views --------------------------------------------------------------------

    def _bot_user_json(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _document_json(self, stored: _StoredFile) -> JSONDict:
        data: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
        }
        if stored.filename is not None:
            data["file_name"] = stored.filename
        if stored.mime_type is not None:
            data["mime_type"] = stored.mime_type
        if stored.data is not None:
            data["file_size"] = len(stored.data)
        return data

    def _message_json(self, message: SentMessage) -> JSONDict:
        data: JSONDict = {
            "message_id": message.message_id,
            "from": self._bot_user_json(),
            "chat": self._chats[message.chat_id],
            "date": message.date,
        }
        if message.kind == "text":
            data["text"] = message.plain
            if message.entities:
                data["entities"] = message.entities
        else:
            stored = self._files[message.file_id] if message.file_id else None
            if stored is not None and message.kind == "document":
                data["document"] = self._document_json(stored)
            elif stored is not None and message.kind == "voice":
                data["voice"] = {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "duration": 1,
                    "mime_type": "audio/ogg",
                    "file_size": len(stored.data or b""),
                }
            elif stored is not None:
                data["photo"] = [
                    {
                        "file_id": stored.file_id,
                        "file_unique_id": stored.file_unique_id,
                        "width": 1,
                        "height": 1,
                        "file_size": len(stored.data or b""),
                    }
                ]
            if message.plain:
                data["caption"] = message.plain
                if message.entities:
                    data["caption_entities"] = message.entities
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.buttons:
            data["reply_markup"] = {
                "inline_keyboard": [[b.to_json() for b in row] for row in message.buttons]
            }
        return data

    # -- internals: HTTP --------------------------------------------------------------------------

    async def _read_params(self, request: web.Request) -> JSONDict:
        params: JSONDict = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    body = None
                if isinstance(body, dict):
                    params.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        params[key] = UploadedFile(
                            value.filename, value.content_type, value.file.read()
                        )
                    elif isinstance(value, str):
                        params[key] = value
                    else:
                        params[key] = bytes(value).decode("utf-8", "replace")
        for key, value in params.items():
            if not isinstance(value, str):
                continue
            if key in _JSON_FIELDS:
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
            elif key in _INT_FIELDS:
                if _INT_RE.fullmatch(value):
                    params[key] = int(value)
            elif key in _BOOL_FIELDS and value.lower() in ("true", "false"):
                params[key] = value.lower() == "true"
        return params

    @staticmethod
    def _json_response(status: int, data: JSONDict) -> web.Response:
        return web.Response(
            status=status,
            body=json.dumps(data, ensure_ascii=False).encode("utf-8"),
            content_type="application/json",
        )

    def _error_response(
        self, method: str, params: JSONDict, error: _ApiError, *, record: bool = True
    ) -> web.Response:
        if record:
            self.rejected.append(Rejection(method, params, error.description))
        data: JSONDict = {
            "ok": False,
            "error_code": error.code,
            "description": error.description,
        }
        if error.parameters:
            data["parameters"] = error.parameters
        return self._json_response(error.code, data)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._read_params(request)
        if request.match_info["token"] != self.token:
            return self._error_response(method, params, _ApiError(401, "Unauthorized"))
        entry = self._methods.get(method.lower())
        if entry is None:
            return self._error_response(
                method, params, _ApiError(404, "Not Found: method not found")
            )
        name, handler = entry
        polling = name == "getUpdates"
        if not polling:
            self.requests.append(ApiRequest(name, params))
            self._inflight += 1
            self._touch()
        try:
            pending_failures = self._fail_next.get(name.lower())
            if pending_failures:
                retry_after = pending_failures.popleft()
                error = _ApiError(
                    429,
                    f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after},
                )
                return self._error_response(name, params, error, record=False)
            try:
                result = await handler(params)
            except _ApiError as error:
                return self._error_response(name, params, error)
            return self._json_response(200, {"ok": True, "result": result})
        finally:
            if not polling:
                self._inflight -= 1
                self._touch()

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            raise web.HTTPUnauthorized()
        stored = self._file_paths.get(request.match_info["path"])
        if stored is None or stored.data is None:
            raise web.HTTPNotFound()
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # -- internals: parameter checks --------------------------------------------------------------

    def _chat_id(self, params: JSONDict, *, sending: bool = True) -> int:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, bool) or not isinstance(chat_id, int) or chat_id not in self._chats:
            raise _bad("chat not found")
        if sending:
            if chat_id in self._blocked:
                raise _ApiError(403, "Forbidden: bot was blocked by the user")
            if chat_id not in self._started_chats:
                if self._chats[chat_id].get("type") == "private":
                    raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")
                raise _bad("chat not found")
        return chat_id

    @staticmethod
    def _parse_mode(params: JSONDict) -> str | None:
        mode = params.get("parse_mode")
        if mode is None or mode == "":
            return None
        if not isinstance(mode, str) or mode.lower() not in ("html", "markdownv2", "markdown"):
            raise _bad("unsupported parse_mode")
        return mode

    @staticmethod
    def _formatted(raw: str, parse_mode: str | None) -> ParsedText:
        if parse_mode is not None and parse_mode.lower() == "html":
            try:
                return parse_html(raw)
            except EntityParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from None
        # Markdown modes are not parsed by the fake: the text is taken as it is.
        return ParsedText(raw, [])

    def _text(self, params: JSONDict, *, editing: bool) -> tuple[str, str | None, ParsedText]:
        raw = params.get("text")
        if not isinstance(raw, str) or not raw:
            raise _bad("message text is empty")
        parse_mode = self._parse_mode(params)
        parsed = self._formatted(raw, parse_mode)
        if not parsed.text.strip():
            raise _bad("message text is empty")
        if utf16_len(parsed.text) > MAX_TEXT:
            raise _bad("MESSAGE_TOO_LONG" if editing else "message is too long")
        if parse_mode is None and isinstance(params.get("entities"), list):
            parsed = ParsedText(parsed.text, list(params["entities"]))
        return raw, parse_mode, parsed

    def _caption(self, params: JSONDict) -> tuple[str | None, str | None, ParsedText]:
        raw = params.get("caption")
        if raw is None or raw == "":
            return None, None, ParsedText("", [])
        if not isinstance(raw, str):
            raise _bad("wrong caption")
        parse_mode = self._parse_mode(params)
        parsed = self._formatted(raw, parse_mode)
        if utf16_len(parsed.text) > MAX_CAPTION:
            raise _bad("message caption is too long")
        return raw, parse_mode, parsed

    @staticmethod
    def _markup(params: JSONDict, *, inline_only: bool = False) -> _Markup:
        if "reply_markup" not in params:
            return _Markup([], None)
        markup = params["reply_markup"]
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return _Markup(_inline_keyboard(markup["inline_keyboard"]), None)
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('Field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            texts: list[list[str]] = []
            for row in rows:
                texts_row: list[str] = []
                for button in row:
                    text = button.get("text") if isinstance(button, dict) else button
                    if not isinstance(text, str) or not text:
                        raise _bad("can't parse keyboard button: Text must be non-empty")
                    texts_row.append(text)
                texts.append(texts_row)
            return _Markup([], texts)
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return _Markup([], None)
        raise _bad('can\'t find field "inline_keyboard"')

    def _bot_message(self, params: JSONDict) -> SentMessage:
        if "inline_message_id" in params:
            raise _bad("inline messages are not supported by the fake Bot API")
        chat_id = self._chat_id(params, sending=False)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise _bad("message to edit not found")
        message = self._messages.get((chat_id, message_id))
        if message is None:
            if (chat_id, message_id) in self._user_messages:
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        return message

    def _apply_edit(
        self,
        message: SentMessage,
        *,
        text: str,
        plain: str,
        parse_mode: str | None,
        entities: list[JSONDict],
        caption: str | None,
        buttons: list[list[Button]],
    ) -> None:
        if plain == message.plain and entities == message.entities and buttons == message.buttons:
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.history.append(message._version())
        message.text = text
        message.plain = plain
        message.parse_mode = parse_mode
        message.entities = entities
        message.caption = caption
        message.buttons = buttons
        message.edited = True
        message.edit_date = _now()
        self._record("edited", message)

    # -- Bot API methods --------------------------------------------------------------------------

    async def _ok(self, params: JSONDict) -> Any:
        return True

    async def _get_me(self, params: JSONDict) -> Any:
        return {
            **self._bot_user_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSONDict) -> Any:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self.last_get_updates = params
        self._poll_generation += 1
        generation = self._poll_generation
        offset = params.get("offset")
        limit = params.get("limit")
        limit = limit if isinstance(limit, int) and 1 <= limit <= 100 else 100
        try:
            timeout = max(0.0, float(params.get("timeout") or 0))
        except (TypeError, ValueError):
            timeout = 0.0
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) if allowed else None
        queue = self._queue
        if isinstance(offset, int) and offset != 0:
            if offset < 0:
                while len(queue) > -offset:
                    queue.popleft()
                confirmed = self._returned_upto
            else:
                while queue and queue[0].update_id < offset:
                    queue.popleft()
                confirmed = offset - 1
            if confirmed > self._confirmed_upto:
                self._confirmed_upto = confirmed
                self._touch()
        if not queue and timeout > 0 and not self._closing:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while not queue and not self._closing:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                signal = self._update_signal
                self._poll_waiters += 1
                try:
                    async with asyncio.timeout(remaining):
                        await signal.wait()
                except TimeoutError:
                    break
                finally:
                    self._poll_waiters -= 1
                if generation != self._poll_generation:
                    raise _ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only "
                        "one bot instance is running",
                    )
        result = [update.payload for update in itertools.islice(queue, limit)]
        if result:
            last_id = result[-1]["update_id"]
            self._fetched_upto = max(self._fetched_upto, last_id)
            self._returned_upto = max(self._returned_upto, last_id)
            self._last_fetch = asyncio.get_running_loop().time()
            self._touch()
        return result

    async def _set_webhook(self, params: JSONDict) -> Any:
        url = params.get("url")
        if not url:
            return await self._delete_webhook(params)
        if not isinstance(url, str):
            raise _bad("bad webhook: invalid URL")
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in (
            "127.0.0.1",
            "localhost",
            "::1",
        ):
            raise _bad(
                "bad webhook: the fake Bot API delivers only to http(s)://127.0.0.1 or localhost"
            )
        secret = params.get("secret_token")
        if secret is not None and (
            not isinstance(secret, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret)
        ):
            raise _bad("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) if allowed else None
        if params.get("drop_pending_updates") is True:
            self._drop_pending()
        self.webhook_url = url
        self.webhook_secret = secret
        self._poll_generation += 1
        self._pulse_updates(force=True)
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhook())
        return True

    async def _delete_webhook(self, params: JSONDict) -> Any:
        if params.get("drop_pending_updates") is True:
            self._drop_pending()
        self.webhook_url = ""
        self.webhook_secret = None
        await self._stop_webhook_delivery()
        return True

    def _drop_pending(self) -> None:
        self._queue.clear()
        self._fetched_upto = self._returned_upto = self._last_update_id
        self._confirmed_upto = self._last_update_id
        self._pulse_activity()

    async def _get_webhook_info(self, params: JSONDict) -> Any:
        info: JSONDict = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.webhook_url:
            info["max_connections"] = 40
        return info

    async def _stop_webhook_delivery(self) -> None:
        task = self._webhook_task
        self._webhook_task = None
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_webhook(self) -> None:
        """Post pending updates one at a time to the webhook (loopback only), in order."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        session = self._session
        while self.webhook_url and not self._closing:
            if not self._queue:
                signal = self._update_signal
                self._poll_waiters += 1
                try:
                    await signal.wait()
                finally:
                    self._poll_waiters -= 1
                continue
            update = self._queue[0]
            headers = {"Content-Type": "application/json"}
            if self.webhook_secret:
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
            body = json.dumps(update.payload, ensure_ascii=False).encode("utf-8")
            try:
                async with session.post(self.webhook_url, data=body, headers=headers) as response:
                    delivered = 200 <= response.status < 300
            except (aiohttp.ClientError, OSError):
                delivered = False
            if delivered:
                if self._queue and self._queue[0] is update:
                    self._queue.popleft()
                self._fetched_upto = max(self._fetched_upto, update.update_id)
                self._touch()
            else:
                await asyncio.sleep(0.05)

    async def _send_message(self, params: JSONDict) -> Any:
        chat_id = self._chat_id(params)
        raw, parse_mode, parsed = self._text(params, editing=False)
        markup = self._markup(params)
        message = SentMessage(
            message_id=self._new_message_id(chat_id),
            chat_id=chat_id,
            kind="text",
            text=raw,
            plain=parsed.text,
            parse_mode=parse_mode,
            date=_now(),
            entities=parsed.entities,
            buttons=markup.buttons,
            reply_keyboard=markup.reply_keyboard,
        )
        self._record("sent", message)
        return self._message_json(message)

    async def _edit_message_text(self, params: JSONDict) -> Any:
        message = self._bot_message(params)
        if message.kind != "text":
            raise _bad("there is no text in the message to edit")
        raw, parse_mode, parsed = self._text(params, editing=True)
        markup = self._markup(params, inline_only=True)
        self._apply_edit(
            message,
            text=raw,
            plain=parsed.text,
            parse_mode=parse_mode,
            entities=parsed.entities,
            caption=None,
            buttons=markup.buttons,
        )
        return self._message_json(message)

    async def _edit_message_caption(self, params: JSONDict) -> Any:
        message = self._bot_message(params)
        if message.kind == "text":
            raise _bad("there is no caption in the message to edit")
        raw, parse_mode, parsed = self._caption(params)
        markup = self._markup(params, inline_only=True)
        self._apply_edit(
            message,
            text="",
            plain=parsed.text,
            parse_mode=parse_mode,
            entities=parsed.entities,
            caption=raw,
            buttons=markup.buttons,
        )
        return self._message_json(message)

    async def _edit_message_reply_markup(self, params: JSONDict) -> Any:
        message = self._bot_message(params)
        markup = self._markup(params, inline_only=True)
        self._apply_edit(
            message,
            text=message.text,
            plain=message.plain,
            parse_mode=message.parse_mode,
            entities=message.entities,
            caption=message.caption,
            buttons=markup.buttons,
        )
        return self._message_json(message)

    async def _delete_message(self, params: JSONDict) -> Any:
        chat_id = self._chat_id(params, sending=False)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise _bad("message to delete not found")
        key = (chat_id, message_id)
        message = self._messages.pop(key, None)
        if message is not None:
            message.deleted = True
            self._record("deleted", message)
            return True
        if key in self._user_messages:
            self._user_messages.discard(key)
            return True
        raise _bad("message to delete not found")

    async def _answer_callback_query(self, params: JSONDict) -> Any:
        query_id = params.get("callback_query_id")
        query = self._callback_queries.get(str(query_id)) if query_id is not None else None
        if query is None or query.answered:
            raise _bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        timeout = self.callback_query_timeout
        if timeout is not None and time.monotonic() - query.created > timeout:
            raise _bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        text = params.get("text")
        if text is not None and (not isinstance(text, str) or len(text) > MAX_CALLBACK_ANSWER):
            raise _bad("MESSAGE_TOO_LONG")
        query.answered = True
        cache_time = params.get("cache_time")
        url = params.get("url")
        self.callback_answers.append(
            CallbackAnswer(
                callback_query_id=str(query_id),
                text=text or None,
                show_alert=params.get("show_alert") is True,
                url=url if isinstance(url, str) else None,
                cache_time=cache_time if isinstance(cache_time, int) else None,
            )
        )
        return True

    def _input_file(self, params: JSONDict, field_name: str) -> tuple[_StoredFile, bool]:
        """The stored file for a document/photo field and whether it was uploaded now."""
        value = params.get(field_name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, UploadedFile):
            if not value.data:
                raise _bad("file must be non-empty")
            folder = {"photo": "photos", "voice": "voice"}.get(field_name, "documents")
            if field_name == "voice" and not _is_ogg_opus(value.data):
                # Telegram plays only OGG/Opus as a voice note (MP3/M4A aside, never sent here).
                raise _bad("VOICE_FORMAT_INVALID: a voice note must be OGG/Opus")
            return self._store_file(value.data, value.filename, value.content_type, folder), True
        if isinstance(value, str) and value:
            known = self._files.get(value)
            if known is not None:
                if (field_name == "voice") != known.file_path.startswith("voice/"):
                    raise _bad(f"can't use file of another type as {field_name}")
                return known, False
            if value.startswith(("http://", "https://")):
                # The fake never fetches from the network; the file has no content here.
                name = urllib.parse.urlsplit(value).path.rsplit("/", 1)[-1] or None
                return self._store_file(None, name, None, "documents"), True
            raise _bad("wrong file identifier/HTTP URL specified")
        raise _bad(f"there is no {field_name} in the request")

    async def _send_file(
        self, params: JSONDict, kind: Literal["document", "photo", "voice"]
    ) -> Any:
        chat_id = self._chat_id(params)
        raw_caption, parse_mode, parsed = self._caption(params)
        markup = self._markup(params)
        stored, _ = self._input_file(params, kind)
        message = SentMessage(
            message_id=self._new_message_id(chat_id),
            chat_id=chat_id,
            kind=kind,
            text="",
            plain=parsed.text,
            parse_mode=parse_mode,
            date=_now(),
            entities=parsed.entities,
            buttons=markup.buttons,
            reply_keyboard=markup.reply_keyboard,
            caption=raw_caption,
            filename=stored.filename,
            file=stored.data,
            mime_type=stored.mime_type,
            file_id=stored.file_id,
        )
        self._record("sent", message)
        return self._message_json(message)

    async def _send_document(self, params: JSONDict) -> Any:
        return await self._send_file(params, "document")

    async def _send_photo(self, params: JSONDict) -> Any:
        return await self._send_file(params, "photo")

    async def _send_voice(self, params: JSONDict) -> Any:
        return await self._send_file(params, "voice")

    async def _send_chat_action(self, params: JSONDict) -> Any:
        self._chat_id(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    async def _get_file(self, params: JSONDict) -> Any:
        file_id = params.get("file_id")
        stored = self._files.get(file_id) if isinstance(file_id, str) else None
        if stored is None:
            raise _bad("invalid file_id")
        result: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_path": stored.file_path,
        }
        if stored.data is not None:
            result["file_size"] = len(stored.data)
        return result

    def _scope_key(self, params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope", {"type": "default"})
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise _bad("can't parse BotCommandScope JSON object")
        scope_type = str(scope["type"])
        if scope_type in ("chat", "chat_administrators", "chat_member"):
            chat_id = scope.get("chat_id")
            if not isinstance(chat_id, int) or chat_id not in self._chats:
                raise _bad("chat not found")
            scope_type = f"{scope_type}:{chat_id}"
            if scope["type"] == "chat_member":
                scope_type += f":{scope.get('user_id')}"
        language = params.get("language_code") or ""
        if not isinstance(language, str) or not re.fullmatch(r"(?:[a-z]{2})?", language):
            raise _bad("invalid language code specified")
        return scope_type, language

    async def _set_my_commands(self, params: JSONDict) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if not commands:
            raise _bad("commands list is empty; use deleteMyCommands to remove commands")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        parsed: list[tuple[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("can't parse BotCommand JSON object")
            command = item.get("command")
            description = item.get("description")
            if not isinstance(command, str) or not _COMMAND_RE.fullmatch(command):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            parsed.append((command, description))
        self.commands[self._scope_key(params)] = parsed
        return True

    async def _delete_my_commands(self, params: JSONDict) -> Any:
        self.commands.pop(self._scope_key(params), None)
        return True

    async def _get_my_commands(self, params: JSONDict) -> Any:
        commands = self.commands.get(self._scope_key(params), [])
        return [{"command": c, "description": d} for c, d in commands]

    async def _set_chat_menu_button(self, params: JSONDict) -> Any:
        chat_id: int | None = None
        if "chat_id" in params:
            chat_id = self._chat_id(params, sending=False)
        button = params.get("menu_button", {"type": "default"})
        if not isinstance(button, dict) or button.get("type") not in (
            "commands",
            "web_app",
            "default",
        ):
            raise _bad("can't parse menu button JSON object")
        self.menu_buttons[chat_id] = button
        return True

    async def _get_chat_menu_button(self, params: JSONDict) -> Any:
        chat_id: int | None = None
        if "chat_id" in params:
            chat_id = self._chat_id(params, sending=False)
        return self.menu_buttons.get(chat_id, self.menu_buttons.get(None, {"type": "commands"}))


def _is_ogg_opus(data: bytes) -> bool:
    """An Ogg page ("OggS", version 0) whose first packet is an "OpusHead" header."""
    if len(data) < 28 or data[:4] != b"OggS" or data[4] != 0:
        return False
    body = 27 + data[26]
    return data[body : body + 8] == b"OpusHead"


def _inline_keyboard(rows: object) -> list[list[Button]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad('Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    keyboard: list[list[Button]] = []
    for row in rows:
        buttons: list[Button] = []
        for item in row:
            if not isinstance(item, dict):
                raise _bad(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            text = item.get("text")
            if not isinstance(text, str) or not text.strip():
                raise _bad("can't parse inline keyboard button: Text must be non-empty")
            others = set(item) - {"text", "callback_data", "url"}
            if others:
                raise _bad(
                    "can't parse inline keyboard button: the fake Bot API supports only "
                    f"callback_data and url buttons, got {sorted(others)}"
                )
            data = item.get("callback_data")
            url = item.get("url")
            if data is None and url is None:
                raise _bad(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            if data is not None and url is not None:
                raise _bad(
                    "can't parse inline keyboard button: exactly one of the optional fields "
                    "must be used"
                )
            if data is not None:
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
                buttons.append(Button(text, callback_data=data))
                continue
            if not isinstance(url, str) or not _valid_button_url(url):
                raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
            buttons.append(Button(text, url=url))
        if buttons:
            keyboard.append(buttons)
    return keyboard


def _valid_button_url(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("http", "https"):
        return bool(parts.hostname) and not any(c.isspace() for c in url)
    if parts.scheme == "tg":
        return len(url) > len("tg://") and not any(c.isspace() for c in url)
    return False


# ---------------------------------------------------------------------------------------------
# Helpers for running a python-telegram-bot Application against the fake


def application_builder(api: FakeBotApi) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """An ``ApplicationBuilder`` with token, base_url and base_file_url pointing at `api`."""
    from telegram.ext import ApplicationBuilder

    return (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
    )


@contextlib.asynccontextmanager
async def polling(
    app: Application[Any, Any, Any, Any, Any, Any],
    *,
    poll_timeout: int = 10,
) -> AsyncIterator[None]:
    """Initialize and start `app` and poll the fake; stop and shut down on exit.

    Like ``run_polling`` without signal handling; note that ``post_init`` does not run here.
    """
    async with app:
        await app.start()
        assert app.updater is not None, "the Application needs an Updater for polling"
        await app.updater.start_polling(poll_interval=0, timeout=poll_timeout)
        try:
            yield
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
