"""Group chats, forum topics, replies and copyMessage for the fake Bot API, as strict as Telegram.

`FakeBotApi.groups` (a `GroupChats`) holds the state and the Bot API methods; the server calls
three hooks: `check_can_send` (a kicked bot gets 403), `placement` (message_thread_id and
reply_parameters are checked before a message is stored) and `decorate` (the message JSON
carries them back). Tests drive groups with `new_group`, `say`, `kick_bot`.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from devtools.fake_telegram.models import FakeUser, SentMessage
from devtools.fake_telegram.state import ApiError

if TYPE_CHECKING:
    from devtools.fake_telegram.server import FakeBotApi

JSONDict = dict[str, Any]
_Handler = Callable[[JSONDict], Coroutine[Any, Any, Any]]
MAX_TOPIC_NAME = 128
_TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)


def _error(code: int, description: str) -> Exception:
    prefix = {400: "Bad Request: ", 403: "Forbidden: "}.get(code, "")
    return ApiError(code, prefix + description)


@dataclass
class FakeGroup:
    """A group or supergroup the bot is in; forum supergroups have topics."""

    chat_id: int
    title: str
    forum: bool = False
    bot_admin: bool = True
    kicked: bool = False
    #: message_thread_id -> topic name (forum topics created by the bot or by tests).
    topics: dict[int, str] = field(default_factory=dict)

    @property
    def type(self) -> str:
        return "supergroup" if self.forum or self.chat_id < -1_000_000_000_000 else "group"


class GroupChats:
    def __init__(self, api: FakeBotApi) -> None:
        self._api = api
        self.groups: dict[int, FakeGroup] = {}
        #: Messages people wrote in groups, kept whole so that copyMessage can copy them.
        self.user_messages: dict[tuple[int, int], JSONDict] = {}
        self._ids = itertools.count(1)

    def methods(self) -> list[tuple[str, _Handler]]:
        return [
            ("getChat", self._get_chat),
            ("createForumTopic", self._create_forum_topic),
            ("copyMessage", self._copy_message),
        ]

    # -- driving the fake from tests --

    def new_group(
        self, title: str = "Brobyggare", *, forum: bool = False, bot_admin: bool = True
    ) -> FakeGroup:
        number = next(self._ids)
        chat_id = -1_000_000_000_000 - 500 - number if forum else -500 - number
        group = FakeGroup(chat_id, title, forum=forum, bot_admin=bot_admin)
        self.groups[chat_id] = group
        chat: JSONDict = {"id": chat_id, "type": group.type, "title": title}
        if forum:
            chat["is_forum"] = True
        self._api._chats[chat_id] = chat
        self._api._started_chats.add(chat_id)  # the bot was added to it
        return group

    def kick_bot(self, group: FakeGroup) -> None:
        group.kicked = True

    def say(
        self,
        user: FakeUser,
        group: FakeGroup,
        text: str,
        *,
        reply_to: SentMessage | None = None,
        thread: int | None = None,
        photo: bytes | None = None,
    ) -> int:
        """`user` writes in the group (optionally replying, optionally in a topic); update id.

        With `photo`, the message is a photo and `text` its caption."""
        api = self._api
        if not text and photo is None:
            raise ValueError("Telegram clients cannot send an empty message")
        if thread is not None and thread not in group.topics:
            raise ValueError(f"group {group.chat_id} has no topic {thread}")
        message: JSONDict = {
            "message_id": api._new_message_id(group.chat_id),
            "date": int(time.time()),
            "chat": api._chats[group.chat_id],
            "from": user.to_json(),
        }
        if photo is None:
            message["text"] = text
        else:
            stored = api._store_file(photo, "photo.jpg", "image/jpeg", "photos")
            message["photo"] = [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": 1,
                    "height": 1,
                    "file_size": len(photo),
                }
            ]
            if text:
                message["caption"] = text
        if reply_to is not None:
            if reply_to.chat_id != group.chat_id:
                raise ValueError("a reply must be in the same chat")
            message["reply_to_message"] = api._message_json(api._current(reply_to))
            thread = thread if thread is not None else reply_to.thread_id
        if thread is not None:
            message["message_thread_id"] = thread
            message["is_topic_message"] = True
            if reply_to is None:
                # In a topic, Telegram shows a plain message as a reply to the topic's start.
                message["reply_to_message"] = {
                    "message_id": thread,
                    "date": message["date"],
                    "chat": api._chats[group.chat_id],
                    "forum_topic_created": {"name": group.topics[thread], "icon_color": 7322096},
                    "message_thread_id": thread,
                    "is_topic_message": True,
                }
        self.user_messages[(group.chat_id, message["message_id"])] = message
        api._user_messages.add((group.chat_id, message["message_id"]))
        if user.id in api._users:
            api._users[user.id] = user
        return api._enqueue({"message": message})

    def messages(self, group: FakeGroup) -> list[SentMessage]:
        return self._api.messages_in(group.chat_id)

    # -- hooks called by the server --

    def check_can_send(self, chat_id: int) -> None:
        group = self.groups.get(chat_id)
        if group is not None and group.kicked:
            raise _error(403, f"bot was kicked from the {group.type} chat")

    def placement(self, params: JSONDict, chat_id: int) -> tuple[int | None, int | None]:
        """(thread id, replied-to message id) for a message about to be sent, checked."""
        thread = params.get("message_thread_id")
        if thread is not None:
            group = self.groups.get(chat_id)
            if not isinstance(thread, int) or group is None or thread not in group.topics:
                raise _error(400, "message thread not found")
        reply = params.get("reply_parameters")
        reply_id: int | None = None
        if reply is None and params.get("reply_to_message_id") is not None:
            reply = {"message_id": params.get("reply_to_message_id")}
        if reply is not None:
            if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
                raise _error(400, "can't parse reply parameters JSON object")
            reply_id = int(reply["message_id"])
            target_chat = reply.get("chat_id", chat_id)
            if target_chat != chat_id:
                raise _error(400, "replies to other chats are not supported by the fake")
            exists = (chat_id, reply_id) in self._api._messages or (
                chat_id,
                reply_id,
            ) in self._api._user_messages
            if not exists:
                if reply.get("allow_sending_without_reply") or params.get(
                    "allow_sending_without_reply"
                ):
                    reply_id = None
                else:
                    raise _error(400, "message to be replied not found")
        return thread, reply_id

    def decorate(self, message: SentMessage, data: JSONDict) -> None:
        if message.thread_id is not None:
            data["message_thread_id"] = message.thread_id
            data["is_topic_message"] = True
        if message.reply_to is not None:
            data["reply_to_message"] = {
                "message_id": message.reply_to,
                "date": message.date,
                "chat": self._api._chats[message.chat_id],
            }

    # -- Bot API methods --

    async def _get_chat(self, params: JSONDict) -> Any:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, bool) or not isinstance(chat_id, int):
            raise _error(400, "chat not found")
        group = self.groups.get(chat_id)
        if group is not None and group.kicked:
            raise _error(403, f"bot was kicked from the {group.type} chat")
        chat = self._api._chats.get(chat_id)
        if chat is None:
            raise _error(400, "chat not found")
        result = dict(chat)
        result.setdefault("accent_color_id", 0)
        result.setdefault("max_reaction_count", 11)
        return result

    async def _create_forum_topic(self, params: JSONDict) -> Any:
        chat_id = params.get("chat_id")
        group = self.groups.get(chat_id) if isinstance(chat_id, int) else None
        if group is None:
            raise _error(400, "chat not found")
        self.check_can_send(group.chat_id)
        if not group.forum:
            raise _error(400, "the chat is not a forum")
        if not group.bot_admin:
            raise _error(400, "not enough rights to create a topic")
        name = params.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_TOPIC_NAME:
            raise _error(400, "TOPIC_TITLE_EMPTY" if not name else "topic name is too long")
        # The topic's id is the id of its service message "topic created".
        thread = self._api._new_message_id(group.chat_id)
        group.topics[thread] = name
        color = params.get("icon_color", _TOPIC_COLORS[0])
        return {"message_thread_id": thread, "name": name, "icon_color": color}

    async def _copy_message(self, params: JSONDict) -> Any:
        api = self._api
        chat_id = api._chat_id(params)
        self.check_can_send(chat_id)
        from_chat = params.get("from_chat_id")
        message_id = params.get("message_id")
        if isinstance(from_chat, str) and from_chat.lstrip("-").isdigit():
            from_chat = int(from_chat)
        if not isinstance(from_chat, int) or from_chat not in api._chats:
            raise _error(400, "chat not found")
        if isinstance(message_id, str) and message_id.isdigit():
            message_id = int(message_id)
        if not isinstance(message_id, int):
            raise _error(400, "message to copy not found")
        thread, reply_to = self.placement(params, chat_id)
        markup = api._markup(params)
        source = self.user_messages.get((from_chat, message_id))
        kind = "text"
        file_id: str | None = None
        if source is not None and isinstance(source.get("photo"), list):
            kind = "photo"
            file_id = str(source["photo"][-1]["file_id"])
            caption = params.get("caption", source.get("caption", ""))
            plain, entities = str(caption or ""), list(source.get("caption_entities", []))
        elif source is not None:
            text = source.get("text")
            if not isinstance(text, str):
                raise _error(400, "the message can't be copied")
            plain, entities = text, list(source.get("entities", []))
        else:
            original = api._messages.get((from_chat, message_id))
            if original is None or original.deleted:
                raise _error(400, "message to copy not found")
            if original.kind != "text":
                raise _error(400, "the fake copies text messages only")
            plain, entities = original.plain, list(original.entities)
        copied = SentMessage(
            message_id=api._new_message_id(chat_id),
            chat_id=chat_id,
            kind="photo" if kind == "photo" else "text",
            text=plain,
            plain=plain,
            parse_mode=None,
            date=int(time.time()),
            entities=entities,
            buttons=markup.buttons,
            reply_keyboard=markup.reply_keyboard,
            thread_id=thread,
            reply_to=reply_to,
            copied_from=(from_chat, message_id),
            file_id=file_id,
            file=api._files[file_id].data if file_id else None,
            caption=plain if kind == "photo" else None,
        )
        api._record("sent", copied)
        return {"message_id": copied.message_id}
