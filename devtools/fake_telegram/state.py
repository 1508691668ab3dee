"""The fake Bot API's state and bookkeeping, shared by its parts.

`FakeState` holds everything the fake knows (chats, messages, files, queued updates, what the bot
did) and the bookkeeping every part uses: queueing updates, recording messages, waking waiters,
rendering Telegram's JSON. The parts are mixins over it: `methods` (the Bot API methods),
`delivery` (getUpdates and webhook delivery), `driver` (the test side) and `server` (HTTP,
routing and the in-process entry point), combined into `FakeBotApi` in server.py.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from devtools.fake_telegram.groups import GroupChats

from devtools.fake_telegram.models import (
    ApiRequest,
    Button,
    CallbackAnswer,
    ChatType,
    FakeUser,
    MessageEvent,
    Rejection,
    SentMessage,
)

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
UNCONFIRMED_GRACE = 1.0

# Updates that Telegram leaves out unless they are listed in allowed_updates explicitly.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MESSAGE_KEYS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)
CHAT_ACTIONS = frozenset(
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
SCOPE_TYPES = frozenset(
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
JSON_FIELDS = frozenset(
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
INT_FIELDS = frozenset(
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
BOOL_FIELDS = frozenset(
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
INT_RE = re.compile(r"-?\d+")
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
BOT_COMMAND_PREFIX_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?(?=\s|$)")


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


#: Bots may delete messages younger than this (Bot API, deleteMessage).
DELETE_WINDOW_SECONDS = 48 * 3600


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass(slots=True)
class Markup:
    buttons: list[list[Button]]
    reply_keyboard: list[list[str]] | None


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    filename: str | None
    mime_type: str | None
    data: bytes | None


@dataclass(slots=True)
class PendingQuery:
    created: float
    answered: bool = False


class QueuedUpdate(NamedTuple):
    update_id: int
    payload: JSONDict


Handler = Callable[[JSONDict], Awaitable[Any]]


def now() -> int:
    return int(time.time())


class FakeState:
    """Everything the fake Bot API knows; see the module docstring."""

    #: Groups, forum topics, replies and copyMessage (devtools/fake_telegram/groups.py).
    groups: GroupChats

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
        #: When each message people sent was sent (unix time), for deleteMessage's 48 hours.
        self._user_message_dates: dict[tuple[int, int], int] = {}
        #: (chat id, message id) of people's messages the bot deleted.
        self.deleted_user_messages: list[tuple[int, int]] = []
        self._next_message_id: dict[int, int] = {}
        self._files: dict[str, StoredFile] = {}
        self._file_paths: dict[str, StoredFile] = {}
        self._callback_queries: dict[str, PendingQuery] = {}
        self._fail_next: dict[str, collections.deque[int]] = {}
        self._default_chat_ids: dict[str, int] = {}

        self._user_ids = itertools.count(100_000_001)
        self._group_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_000_000_000_001)

        # Updates.
        self._queue: collections.deque[QueuedUpdate] = collections.deque()
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
        if (kind in NOT_BY_DEFAULT) if allowed is None else (kind not in allowed):
            # Telegram drops updates that are not allowed at the time they happen.
            self._fetched_upto = max(self._fetched_upto, update_id)
            return update_id
        self._queue.append(QueuedUpdate(update_id, {"update_id": update_id, **payload}))
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
            date = message.get("date")
            if isinstance(date, int):
                self._user_message_dates[(cid, mid)] = date
            if mid >= self._next_message_id.get(cid, 1):
                self._next_message_id[cid] = mid + 1

    def _current(self, message: SentMessage) -> SentMessage:
        current = self._messages.get((message.chat_id, message.message_id))
        if current is None:
            raise ValueError(f"bot message {message.message_id} does not exist (any more)")
        return current

    def _inject_callback(self, user: FakeUser, message: SentMessage, data: str) -> str:
        query_id = str(next(self._query_ids))
        self._callback_queries[query_id] = PendingQuery(time.monotonic())
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
    ) -> StoredFile:
        number = next(self._file_ids)
        suffix = ""
        if filename and "." in filename:
            suffix = "." + filename.rsplit(".", 1)[1]
        stored = StoredFile(
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

    def _document_json(self, stored: StoredFile) -> JSONDict:
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
        self.groups.decorate(message, data)
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.buttons:
            data["reply_markup"] = {
                "inline_keyboard": [[b.to_json() for b in row] for row in message.buttons]
            }
        return data
