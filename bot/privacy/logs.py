"""Logging that cannot leak: one line per event, and the bot token redacted wherever it appears.

httpx logs every request URL at INFO, and the token is part of that URL, so httpx is held at
WARNING. A filter also redacts anything shaped like a bot token as a second line of defence.

Below INFO only the bot's own loggers (`bot.*`, and `devtools.*` for the development tools) may
write: libraries log data at DEBUG (aiosqlite every statement with its values, python-telegram-bot
whole updates and conversation keys). This is an allow-list, so a library added later cannot leak
either (review F1).
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

_TOKEN_PATTERN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b")


class RedactTokens(logging.Filter):
    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self._token = token or None

    def redact(self, text: str) -> str:
        if self._token:
            text = text.replace(self._token, "[token]")
        return _TOKEN_PATTERN.sub("[token]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if record.exc_info:
            # Formatting the traceback here lets us redact it too; the handler then prints it as is.
            formatter = logging.Formatter()
            redacted += "\n" + self.redact(formatter.formatException(record.exc_info))
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = redacted, None
        return True


#: Loggers allowed below INFO: the bot's own code, which never logs message text or ids.
DEBUG_ALLOWED = ("bot", "devtools")


class LibraryDebugFilter(logging.Filter):
    """Drop DEBUG records of any logger outside `DEBUG_ALLOWED`, whatever its level says."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.INFO:
            return True
        name = record.name
        return any(name == own or name.startswith(own + ".") for own in DEBUG_ALLOWED)


class LogfmtFormatter(logging.Formatter):
    """`ts=... level=... logger=... msg="..."`: one line per event, easy to grep and ship."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().replace("\\", "\\\\").replace('"', '\\"')
        message = message.replace("\n", "\\n")
        stamp = self.formatTime(record, "%Y-%m-%dT%H:%M:%S")
        return f'ts={stamp} level={record.levelname} logger={record.name} msg="{message}"'


def configure_logging(
    level: str = "INFO", token: str | None = None, stream: TextIO | None = None
) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(LogfmtFormatter())
    handler.addFilter(LibraryDebugFilter())
    handler.addFilter(RedactTokens(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Libraries never below INFO (the handler's filter drops their DEBUG lines in any case; the
    # levels also save formatting them). aiosqlite logs every statement with its values.
    library_level = max(logging.getLevelName(level), logging.INFO)
    for library in ("telegram", "aiosqlite", "tornado", "asyncio", "aiohttp", "hpack"):
        logging.getLogger(library).setLevel(library_level)
