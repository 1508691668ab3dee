"""A strict fake Telegram Bot API, in process, on 127.0.0.1: for tests, `chat` and benchmarks.

- `html`: Telegram's HTML parse mode and UTF-16 lengths, as strict as the real server;
- `models`: what the fake records and tests read (users, sent messages, buttons, requests);
- `server`: the aiohttp server, the Bot API methods and the test driver (`FakeBotApi`).
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
