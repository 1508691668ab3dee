"""The terminal front end, driven by scripted input against a real Application and the fake."""

from __future__ import annotations

import io
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from devtools.chat_terminal import render_message, run_terminal, stdin_lines
from devtools.fake_telegram import FakeBotApi, SentMessage, application_builder, polling

AnyApp = Application  # type: ignore[type-arg]


_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test on any connection or name lookup that is not for this machine."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in _LOOPBACK and not host.startswith("/"):
            raise AssertionError(f"test tried to reach {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None:
            check((host if isinstance(host, str) else bytes(host).decode(),))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


LANGUAGES = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Svenska", callback_data="lang:sv"),
            InlineKeyboardButton("Romani chib", callback_data="lang:rom"),
        ],
        [InlineKeyboardButton("Om oss", url="https://example.org/om")],
    ]
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "<b>Välkommen!</b> Välj språk &amp; fortsätt:",
        parse_mode=ParseMode.HTML,
        reply_markup=LANGUAGES,
    )


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    language = query.data.removeprefix("lang:")
    await query.edit_message_text(
        f'Språk: <i>{language}</i>\n<a href="https://example.org">Läs mer</a>',
        parse_mode=ParseMode.HTML,
    )


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        b"kommun;antal\nLund;3\n", filename="rapport.csv", caption="Rapport"
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"Du skrev: {update.effective_message.text}")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def running(api: FakeBotApi) -> AsyncIterator[AnyApp]:
    app = application_builder(api).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("rapport", report))
    app.add_handler(CallbackQueryHandler(choose, pattern=r"^lang:"))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with polling(app, poll_timeout=5):
        yield app


async def test_scripted_conversation(api: FakeBotApi, running: AnyApp) -> None:
    user = api.new_user(first_name="Mira")
    out = io.StringIO()
    lines = ["1", "/start", "4", "3", "2", "2", "hej då", "\\42", "/rapport", ""]
    await run_terminal(api, user, lines, out, echo_input=True, quiet=0.05)
    assert out.getvalue() == (
        "> 1\n"
        "(no buttons to press; send \\1 to send the number as text)\n"
        "> /start\n"
        "Välkommen! Välj språk & fortsätt:\n"
        "  [1] Svenska  [2] Romani chib\n"
        "  [3] Om oss (https://example.org/om)\n"
        "\n"
        "> 4\n"
        "(no button 4; choose 1-3)\n"
        "> 3\n"
        "(button 3 opens https://example.org/om)\n"
        "> 2\n"
        "(edited) Språk: rom\n"
        "Läs mer (https://example.org)\n"
        "\n"
        "> 2\n"
        "(no buttons to press; send \\2 to send the number as text)\n"
        "> hej då\n"
        "Du skrev: hej då\n"
        "\n"
        "> \\42\n"
        "Du skrev: 42\n"
        "\n"
        "> /rapport\n"
        "[file: rapport.csv (20 bytes)]\n"
        "Rapport\n"
        "\n"
        "> \n"
    )
    assert len(api.callback_answers) == 1
    assert api.rejected == []


async def test_async_input_without_echo(api: FakeBotApi, running: AnyApp) -> None:
    user = api.new_user()

    async def typed() -> AsyncIterator[str]:
        yield "/start\n"
        yield "1\n"

    out = io.StringIO()
    await run_terminal(api, user, typed(), out, quiet=0.05)
    assert out.getvalue() == (
        "Välkommen! Välj språk & fortsätt:\n"
        "  [1] Svenska  [2] Romani chib\n"
        "  [3] Om oss (https://example.org/om)\n"
        "\n"
        "(edited) Språk: sv\n"
        "Läs mer (https://example.org)\n"
        "\n"
    )


async def test_idle_timeout_is_reported(api: FakeBotApi) -> None:
    # No bot is polling: the terminal says so instead of hanging.
    user = api.new_user()
    out = io.StringIO()
    await run_terminal(api, user, ["hallå"], out, idle_timeout=0.1)
    assert out.getvalue() == "(the bot did not finish within 0.1 s)\n"


def test_render_message_marks_edits_and_files() -> None:
    message = SentMessage(
        message_id=1,
        chat_id=1,
        kind="document",
        text="",
        plain="",
        parse_mode=None,
        date=0,
        filename="a.xlsx",
        file=b"12345",
    )
    assert render_message(message, edited=True) == ["(edited) [file: a.xlsx (5 bytes)]"]


async def test_stdin_lines_reads_a_stream() -> None:
    stream = io.StringIO("hej\r\n2\nsista")
    assert [line async for line in stdin_lines(stream)] == ["hej", "2", "sista"]
