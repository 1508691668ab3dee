"""The Bot API methods the bot calls, as strict as Telegram: sending, editing, answering
buttons, files, commands and the menu button (getUpdates and webhooks are in delivery.py)."""

from __future__ import annotations

import re
import time
import urllib.parse
from typing import Any, Literal

from devtools.fake_telegram.html import EntityParseError, ParsedText, parse_html, utf16_len
from devtools.fake_telegram.models import Button, CallbackAnswer, SentMessage, UploadedFile
from devtools.fake_telegram.state import (
    CHAT_ACTIONS,
    COMMAND_RE,
    DELETE_WINDOW_SECONDS,
    MAX_CALLBACK_ANSWER,
    MAX_CAPTION,
    MAX_TEXT,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    SCOPE_TYPES,
    ApiError,
    FakeState,
    JSONDict,
    Markup,
    StoredFile,
    bad,
    now,
)


class Methods(FakeState):
    # -- internals: parameter checks --------------------------------------------------------------

    def _chat_id(self, params: JSONDict, *, sending: bool = True) -> int:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, bool) or not isinstance(chat_id, int) or chat_id not in self._chats:
            raise bad("chat not found")
        if sending:
            self.groups.check_can_send(chat_id)
            if chat_id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat_id not in self._started_chats:
                if self._chats[chat_id].get("type") == "private":
                    raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
                raise bad("chat not found")
        return chat_id

    @staticmethod
    def _parse_mode(params: JSONDict) -> str | None:
        mode = params.get("parse_mode")
        if mode is None or mode == "":
            return None
        if not isinstance(mode, str) or mode.lower() not in ("html", "markdownv2", "markdown"):
            raise bad("unsupported parse_mode")
        return mode

    @staticmethod
    def _formatted(raw: str, parse_mode: str | None) -> ParsedText:
        if parse_mode is not None and parse_mode.lower() == "html":
            try:
                return parse_html(raw)
            except EntityParseError as exc:
                raise bad(f"can't parse entities: {exc}") from None
        # Markdown modes are not parsed by the fake: the text is taken as it is.
        return ParsedText(raw, [])

    def _text(self, params: JSONDict, *, editing: bool) -> tuple[str, str | None, ParsedText]:
        raw = params.get("text")
        if not isinstance(raw, str) or not raw:
            raise bad("message text is empty")
        parse_mode = self._parse_mode(params)
        parsed = self._formatted(raw, parse_mode)
        if not parsed.text.strip():
            raise bad("message text is empty")
        if utf16_len(parsed.text) > MAX_TEXT:
            raise bad("MESSAGE_TOO_LONG" if editing else "message is too long")
        if parse_mode is None and isinstance(params.get("entities"), list):
            parsed = ParsedText(parsed.text, list(params["entities"]))
        return raw, parse_mode, parsed

    def _caption(self, params: JSONDict) -> tuple[str | None, str | None, ParsedText]:
        raw = params.get("caption")
        if raw is None or raw == "":
            return None, None, ParsedText("", [])
        if not isinstance(raw, str):
            raise bad("wrong caption")
        parse_mode = self._parse_mode(params)
        parsed = self._formatted(raw, parse_mode)
        if utf16_len(parsed.text) > MAX_CAPTION:
            raise bad("message caption is too long")
        return raw, parse_mode, parsed

    @staticmethod
    def _markup(params: JSONDict, *, inline_only: bool = False) -> Markup:
        if "reply_markup" not in params:
            return Markup([], None)
        markup = params["reply_markup"]
        if not isinstance(markup, dict):
            raise bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return Markup(_inline_keyboard(markup["inline_keyboard"]), None)
        if inline_only:
            raise bad("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad('Field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            texts: list[list[str]] = []
            for row in rows:
                texts_row: list[str] = []
                for button in row:
                    text = button.get("text") if isinstance(button, dict) else button
                    if not isinstance(text, str) or not text:
                        raise bad("can't parse keyboard button: Text must be non-empty")
                    texts_row.append(text)
                texts.append(texts_row)
            return Markup([], texts)
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return Markup([], None)
        raise bad('can\'t find field "inline_keyboard"')

    def _bot_message(self, params: JSONDict) -> SentMessage:
        if "inline_message_id" in params:
            raise bad("inline messages are not supported by the fake Bot API")
        chat_id = self._chat_id(params, sending=False)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise bad("message to edit not found")
        message = self._messages.get((chat_id, message_id))
        if message is None:
            if (chat_id, message_id) in self._user_messages:
                raise bad("message can't be edited")
            raise bad("message to edit not found")
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
            raise bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.history.append(message._version())
        message.text = text
        message.plain = plain
        message.parse_mode = parse_mode
        message.entities = entities
        message.caption = caption
        message.buttons = buttons
        message.edited = True
        message.edit_date = now()
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

    async def _send_message(self, params: JSONDict) -> Any:
        chat_id = self._chat_id(params)
        raw, parse_mode, parsed = self._text(params, editing=False)
        markup = self._markup(params)
        thread, reply_to = self.groups.placement(params, chat_id)
        message = SentMessage(
            message_id=self._new_message_id(chat_id),
            chat_id=chat_id,
            kind="text",
            text=raw,
            plain=parsed.text,
            parse_mode=parse_mode,
            date=now(),
            entities=parsed.entities,
            buttons=markup.buttons,
            reply_keyboard=markup.reply_keyboard,
            thread_id=thread,
            reply_to=reply_to,
        )
        self._record("sent", message)
        return self._message_json(message)

    async def _edit_message_text(self, params: JSONDict) -> Any:
        message = self._bot_message(params)
        if message.kind != "text":
            raise bad("there is no text in the message to edit")
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
            raise bad("there is no caption in the message to edit")
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
        """As Telegram: only messages under 48 hours old; in private chats both sides' messages;
        in groups and channels the bot's own, and others' only as an administrator."""
        chat_id = self._chat_id(params, sending=False)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise bad("message to delete not found")
        key = (chat_id, message_id)
        message = self._messages.get(key)
        if message is None and key not in self._user_messages:
            raise bad("message to delete not found")
        date = message.date if message is not None else self._user_message_dates.get(key, now())
        if now() - date >= DELETE_WINDOW_SECONDS:
            raise bad("message can't be deleted")
        chat_type = self._chats.get(chat_id, {}).get("type", "private")
        if message is None and chat_type != "private" and not self._bot_is_admin(chat_id):
            raise bad("message can't be deleted")
        if message is not None:
            del self._messages[key]
            message.deleted = True
            self._record("deleted", message)
            return True
        self._user_messages.discard(key)
        self._user_message_dates.pop(key, None)
        self.deleted_user_messages.append(key)
        return True

    def _bot_is_admin(self, chat_id: int) -> bool:
        groups = getattr(self, "groups", None)
        group = getattr(groups, "groups", {}).get(chat_id) if groups is not None else None
        return bool(getattr(group, "bot_admin", False))

    def age_message(self, chat_id: int, message_id: int, seconds: int) -> None:
        """Make a message (the bot's or a person's) `seconds` older, e.g. past the 48 hours."""
        key = (chat_id, message_id)
        message = self._messages.get(key)
        if message is not None:
            message.date -= seconds
        elif key in self._user_messages:
            self._user_message_dates[key] = self._user_message_dates.get(key, now()) - seconds
        else:
            raise ValueError(f"no message {message_id} in chat {chat_id}")

    def user_message_exists(self, chat_id: int, message_id: int) -> bool:
        """Whether a message a person sent is still in the chat (not deleted by the bot)."""
        return (chat_id, message_id) in self._user_messages

    async def _answer_callback_query(self, params: JSONDict) -> Any:
        query_id = params.get("callback_query_id")
        query = self._callback_queries.get(str(query_id)) if query_id is not None else None
        if query is None or query.answered:
            raise bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        timeout = self.callback_query_timeout
        if timeout is not None and time.monotonic() - query.created > timeout:
            raise bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        text = params.get("text")
        if text is not None and (not isinstance(text, str) or len(text) > MAX_CALLBACK_ANSWER):
            raise bad("MESSAGE_TOO_LONG")
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

    def _input_file(self, params: JSONDict, field_name: str) -> tuple[StoredFile, bool]:
        """The stored file for a document/photo field and whether it was uploaded now."""
        value = params.get(field_name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad("file must be non-empty")
            folder = {"photo": "photos", "voice": "voice"}.get(field_name, "documents")
            if field_name == "voice" and not _is_ogg_opus(value.data):
                # Telegram plays only OGG/Opus as a voice note (MP3/M4A aside, never sent here).
                raise bad("VOICE_FORMAT_INVALID: a voice note must be OGG/Opus")
            return self._store_file(value.data, value.filename, value.content_type, folder), True
        if isinstance(value, str) and value:
            known = self._files.get(value)
            if known is not None:
                if (field_name == "voice") != known.file_path.startswith("voice/"):
                    raise bad(f"can't use file of another type as {field_name}")
                return known, False
            if value.startswith(("http://", "https://")):
                # The fake never fetches from the network; the file has no content here.
                name = urllib.parse.urlsplit(value).path.rsplit("/", 1)[-1] or None
                return self._store_file(None, name, None, "documents"), True
            raise bad("wrong file identifier/HTTP URL specified")
        raise bad(f"there is no {field_name} in the request")

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
            date=now(),
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
        if params.get("action") not in CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True

    async def _get_file(self, params: JSONDict) -> Any:
        file_id = params.get("file_id")
        stored = self._files.get(file_id) if isinstance(file_id, str) else None
        if stored is None:
            raise bad("invalid file_id")
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
        if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
            raise bad("can't parse BotCommandScope JSON object")
        scope_type = str(scope["type"])
        if scope_type in ("chat", "chat_administrators", "chat_member"):
            chat_id = scope.get("chat_id")
            if not isinstance(chat_id, int) or chat_id not in self._chats:
                raise bad("chat not found")
            scope_type = f"{scope_type}:{chat_id}"
            if scope["type"] == "chat_member":
                scope_type += f":{scope.get('user_id')}"
        language = params.get("language_code") or ""
        if not isinstance(language, str) or not re.fullmatch(r"(?:[a-z]{2})?", language):
            raise bad("invalid language code specified")
        return scope_type, language

    async def _set_my_commands(self, params: JSONDict) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad("can't parse commands JSON object")
        if not commands:
            raise bad("commands list is empty; use deleteMyCommands to remove commands")
        if len(commands) > 100:
            raise bad("BOT_COMMANDS_TOO_MUCH")
        parsed: list[tuple[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad("can't parse BotCommand JSON object")
            command = item.get("command")
            description = item.get("description")
            if not isinstance(command, str) or not COMMAND_RE.fullmatch(command):
                raise bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
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
            raise bad("can't parse menu button JSON object")
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
        raise bad('Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    keyboard: list[list[Button]] = []
    for row in rows:
        buttons: list[Button] = []
        for item in row:
            if not isinstance(item, dict):
                raise bad(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            text = item.get("text")
            if not isinstance(text, str) or not text.strip():
                raise bad("can't parse inline keyboard button: Text must be non-empty")
            others = set(item) - {"text", "callback_data", "url"}
            if others:
                raise bad(
                    "can't parse inline keyboard button: the fake Bot API supports only "
                    f"callback_data and url buttons, got {sorted(others)}"
                )
            data = item.get("callback_data")
            url = item.get("url")
            if data is None and url is None:
                raise bad(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            if data is not None and url is not None:
                raise bad(
                    "can't parse inline keyboard button: exactly one of the optional fields "
                    "must be used"
                )
            if data is not None:
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise bad("BUTTON_DATA_INVALID")
                buttons.append(Button(text, callback_data=data))
                continue
            if not isinstance(url, str) or not _valid_button_url(url):
                raise bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
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
