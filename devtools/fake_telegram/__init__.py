"""A strict fake Telegram Bot API, in process, on 127.0.0.1: for tests, `chat` and benchmarks.

- `html`: Telegram's HTML parse mode and UTF-16 lengths, as strict as the real server;
- `models`: what the fake records and tests read (users, sent messages, buttons, requests);
- `state`: what the fake knows and the bookkeeping its parts share;
- `methods`: the Bot API methods (send, edit, answer, files, commands), as strict as Telegram;
- `delivery`: getUpdates long polling and webhook delivery;
- `driver`: the test side (users, injected updates, what the bot did, waits);
- `server`: `FakeBotApi` (the parts combined), its HTTP server and the one call entry point;
- `transport`: `InProcessRequest`, python-telegram-bot's requests answered without HTTP.
"""

from devtools.fake_telegram.html import EntityParseError, ParsedText, parse_html, utf16_len
from devtools.fake_telegram.models import (
    ApiRequest,
    Button,
    CallbackAnswer,
    FakeUser,
    MessageEvent,
    MessageVersion,
    Rejection,
    SentMessage,
    UploadedFile,
)
from devtools.fake_telegram.server import FakeBotApi, application_builder, polling
from devtools.fake_telegram.transport import InProcessRequest

__all__ = [
    "ApiRequest",
    "Button",
    "CallbackAnswer",
    "EntityParseError",
    "FakeBotApi",
    "FakeUser",
    "InProcessRequest",
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
