"""What the fake Bot API records and tests read: users, sent messages, buttons, requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

JSONDict = dict[str, Any]
ChatType = Literal["private", "group", "supergroup", "channel"]
MessageKind = Literal["text", "document", "photo", "voice"]


@dataclass(frozen=True, slots=True)
class Button:
    """An inline keyboard button as the bot sent it (exactly one of callback_data / url)."""

    text: str
    callback_data: str | None = None
    url: str | None = None

    def to_json(self) -> JSONDict:
        if self.url is not None:
            return {"text": self.text, "url": self.url}
        return {"text": self.text, "callback_data": self.callback_data}


@dataclass(frozen=True, slots=True)
class FakeUser:
    """A Telegram user on the client side of the fake; its private chat id equals its id."""

    id: int
    first_name: str
    language_code: str | None = "sv"
    last_name: str | None = None
    username: str | None = None

    @property
    def chat_id(self) -> int:
        return self.id

    def to_json(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data


@dataclass(frozen=True, slots=True)
class MessageVersion:
    """An earlier state of an edited bot message."""

    text: str
    plain: str
    parse_mode: str | None
    caption: str | None
    buttons: tuple[tuple[Button, ...], ...]


@dataclass(eq=False, slots=True)
class SentMessage:
    """A message the bot sent, kept current when the bot edits or deletes it.

    `text` (and `caption`) are exactly what the bot sent, markup included; `plain` is what the
    user sees: the parsed text of a text message or the parsed caption of a file ("" if none).
    """

    message_id: int
    chat_id: int
    kind: MessageKind
    text: str
    plain: str
    parse_mode: str | None
    date: int
    entities: list[JSONDict] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    reply_keyboard: list[list[str]] | None = None
    caption: str | None = None
    filename: str | None = None
    file: bytes | None = None
    mime_type: str | None = None
    file_id: str | None = None
    edited: bool = False
    edit_date: int | None = None
    history: list[MessageVersion] = field(default_factory=list)
    deleted: bool = False
    #: Forum topic (message_thread_id) and replied-to message id, in groups.
    thread_id: int | None = None
    reply_to: int | None = None
    #: (chat id, message id) of the message copyMessage copied, else None.
    copied_from: tuple[int, int] | None = None

    @property
    def flat_buttons(self) -> list[Button]:
        """All inline buttons in row-major order (the order `FakeBotApi.press` indexes)."""
        return [button for row in self.buttons for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for button in self.flat_buttons]

    def _version(self) -> MessageVersion:
        return MessageVersion(
            text=self.text,
            plain=self.plain,
            parse_mode=self.parse_mode,
            caption=self.caption,
            buttons=tuple(tuple(row) for row in self.buttons),
        )


class MessageEvent(NamedTuple):
    """One entry of `FakeBotApi.events`: a bot message was sent, edited or deleted."""

    kind: Literal["sent", "edited", "deleted"]
    message: SentMessage


class ApiRequest(NamedTuple):
    """A Bot API call as received (getUpdates is not logged); form values decoded by name."""

    method: str
    params: JSONDict


class Rejection(NamedTuple):
    """A call the fake refused, with Telegram's error description."""

    method: str
    params: JSONDict
    description: str


class CallbackAnswer(NamedTuple):
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A multipart file part of a request."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)
