"""Terminal front end for `python -m devtools chat`: talk to the bot through the fake Bot API.

Each input line is a message from the user to the bot.  A bare number N presses button N of the
last bot message that showed buttons (numbered 1.. across the whole keyboard); start a line with
a backslash to send a number (or anything else) as text: ``\\42`` sends "42".  After each input
the terminal waits until the bot is idle and prints the bot's new and edited messages as plain
text.  It knows nothing about the bot's handlers: it only talks to `FakeBotApi`, and, when given
`busy`, asks whether the bot is still working on an update: the outgoing per-chat limiter holds a
reply inside the handler without any request in flight, so "no request for a moment" alone is
not "done", and piped input would race ahead of (and at its end lose) the bot's replies.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
import threading
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from typing import TextIO

from devtools.fake_telegram import FakeBotApi, FakeUser, SentMessage

__all__ = ["render_message", "run_terminal", "stdin_lines"]

_NUMBER = re.compile(r"[0-9]+")


def _with_link_urls(message: SentMessage) -> str:
    """The visible text with " (url)" after each text link whose text is not the URL itself."""
    links = [e for e in message.entities if e.get("type") == "text_link" and e.get("url")]
    if not links:
        return message.plain
    units = message.plain.encode("utf-16-le")
    for entity in sorted(links, key=lambda e: e["offset"] + e["length"], reverse=True):
        start = 2 * int(entity["offset"])
        end = start + 2 * int(entity["length"])
        label = units[start:end].decode("utf-16-le", "replace").strip()
        url = str(entity["url"])
        if label != url:
            units = units[:end] + f" ({url})".encode("utf-16-le") + units[end:]
    return units.decode("utf-16-le", "replace")


def render_message(message: SentMessage, *, edited: bool = False) -> list[str]:
    """A bot message as terminal lines: text (or file line and caption), then its buttons."""
    lines: list[str] = []
    if message.kind != "text":
        size = len(message.file) if message.file is not None else 0
        name = message.filename or message.kind
        label = {"document": "file", "photo": "photo", "voice": "voice"}[message.kind]
        lines.append(f"[{label}: {name} ({size} bytes)]")
    text = _with_link_urls(message)
    if text:
        lines.extend(text.split("\n"))
    if not lines:
        lines.append("")
    if edited:
        lines[0] = f"(edited) {lines[0]}"
    number = 1
    for row in message.buttons:
        cells: list[str] = []
        for button in row:
            cell = f"[{number}] {button.text}"
            if button.url is not None:
                cell += f" ({button.url})"
            cells.append(cell)
            number += 1
        lines.append("  " + "  ".join(cells))
    if message.reply_keyboard:
        keys = "  ".join(f"[{text}]" for row in message.reply_keyboard for text in row)
        lines.append(f"  keyboard: {keys}")
    return lines


async def _aiter(
    lines: AsyncIterator[str] | AsyncIterable[str] | Iterable[str],
) -> AsyncIterator[str]:
    if isinstance(lines, AsyncIterable):
        async for line in lines:
            yield line
    else:
        for line in lines:
            yield line


class _Terminal:
    def __init__(
        self,
        api: FakeBotApi,
        user: FakeUser,
        out: TextIO,
        quiet: float,
        timeout: float,
        busy: Callable[[], bool] | None = None,
    ) -> None:
        self.api = api
        self.busy = busy
        self.user = user
        self.out = out
        self.quiet = quiet
        self.timeout = timeout
        self.mark = api.mark()
        self.keyboard_message: SentMessage | None = None

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def handle(self, line: str) -> bool:
        """Act on one input line; True if something was sent to the bot."""
        text = line.rstrip("\r\n")
        if not text.strip():
            return False
        if text.startswith("\\"):
            text = text[1:]
            if not text.strip():
                return False
        elif _NUMBER.fullmatch(text.strip()):
            return self.press(int(text.strip()))
        self.api.send_text(self.user, text)
        return True

    def press(self, number: int) -> bool:
        target = self.keyboard_message
        if target is not None:
            target = self.api.get_message(target.chat_id, target.message_id)
        if target is None or not target.buttons:
            self.say(f"(no buttons to press; send \\{number} to send the number as text)")
            return False
        buttons = target.flat_buttons
        if not 1 <= number <= len(buttons):
            self.say(f"(no button {number}; choose 1-{len(buttons)})")
            return False
        button = buttons[number - 1]
        if button.url is not None:
            self.say(f"(button {number} opens {button.url})")
            return False
        self.api.press(self.user, target, number - 1)
        return True

    async def settle(self) -> None:
        """Wait until the bot has taken the input and finished every update it started."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while True:
            remaining = deadline - loop.time()
            try:
                await self.api.wait_until_idle(quiet=self.quiet, timeout=max(remaining, 0.01))
            except TimeoutError:
                self.say(f"(the bot did not finish within {self.timeout:g} s)")
                return
            if self.busy is None or not self.busy():
                return
            if loop.time() >= deadline:
                self.say(f"(the bot did not finish within {self.timeout:g} s)")
                return
            await asyncio.sleep(self.quiet)

    def print_new(self) -> None:
        events = self.api.events_since(self.mark)
        self.mark += len(events)
        order: list[SentMessage] = []
        new: set[int] = set()
        seen: set[int] = set()
        for kind, message in events:
            if message.chat_id != self.user.chat_id:
                continue
            key = id(message)
            if kind == "sent":
                new.add(key)
            if key not in seen:
                seen.add(key)
                order.append(message)
        for message in order:
            key = id(message)
            if message.deleted:
                if key not in new:
                    first = message.plain.split("\n", 1)[0][:40]
                    self.say(f"(deleted: {first})" if first else "(deleted a message)")
                continue
            self.out.write("\n".join(render_message(message, edited=key not in new)) + "\n\n")
            if message.buttons:
                self.keyboard_message = message
        self.out.flush()


async def run_terminal(
    api: FakeBotApi,
    user: FakeUser,
    lines: AsyncIterator[str] | Iterable[str],
    out: TextIO,
    *,
    echo_input: bool = False,
    quiet: float = 0.15,
    idle_timeout: float = 60.0,
    busy: Callable[[], bool] | None = None,
) -> None:
    """Feed `lines` to the bot as `user` and print its replies to `out` until input ends.

    `echo_input` also prints each input line as "> line" (useful for scripted transcripts).
    After each input the terminal waits (at most `idle_timeout` s) until the fake has been quiet
    for `quiet` s and `busy()`, if given, is false: the bot finished every update, replies that
    the rate limiter held back included. Only then is the next line sent.
    """
    terminal = _Terminal(api, user, out, quiet, idle_timeout, busy)
    async for line in _aiter(lines):
        if echo_input:
            terminal.say(f"> {line.rstrip()}")
        if terminal.handle(line):
            await terminal.settle()
        terminal.print_new()


async def stdin_lines(stream: TextIO | None = None) -> AsyncIterator[str]:
    """Lines of standard input (without the newline), read without blocking the event loop.

    A daemon thread does the blocking reads, so an unfinished read never delays exit.
    """
    source = sys.stdin if stream is None else stream
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def reader() -> None:
        try:
            for raw in iter(source.readline, ""):
                loop.call_soon_threadsafe(queue.put_nowait, raw.rstrip("\r\n"))
        except (OSError, ValueError, RuntimeError):
            pass  # stdin closed, or the event loop is gone
        finally:
            with contextlib.suppress(RuntimeError):  # the loop may be closed already
                loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=reader, name="chat-terminal-stdin", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line
