"""The fake Bot API, exercised through the real python-telegram-bot client and Application."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from devtools.fake_telegram import (
    Button,
    FakeBotApi,
    FakeUser,
    SentMessage,
    application_builder,
    parse_html,
    polling,
    utf16_len,
)
from devtools.fake_telegram.state import NOT_MODIFIED, QUERY_TOO_OLD

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


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


@pytest.fixture
def user(api: FakeBotApi) -> FakeUser:
    """A user who has written to the bot, so that the bot may write to them."""
    person = api.new_user(first_name="Mira", language_code="sv")
    api.send_text(person, "hej")
    return person


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


async def raw_call(api: FakeBotApi, method: str, data: dict[str, str]) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{api.base_url}{api.token}/{method}", data=data) as response,
    ):
        return response.status, await response.json()


# -- plain HTTP behaviour ----------------------------------------------------------------------


async def test_get_me_and_wrong_token(api: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "outreach_test_bot"
    assert me.is_bot
    assert api.base_url.startswith("http://127.0.0.1:")
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=api.base_url) as other:
            await other.get_me()
    assert api.rejected[-1].description == "Unauthorized"


async def test_unknown_method_is_404(api: FakeBotApi) -> None:
    status, body = await raw_call(api, "sendTelepathy", {"chat_id": "1"})
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    assert api.rejected[-1].method == "sendTelepathy"


async def test_requests_log_decodes_form_fields(api: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    await bot.send_message(user.chat_id, "Välj", reply_markup=keyboard([("A", "a")]))
    method, params = api.requests[-1]
    assert method == "sendMessage"
    assert params["chat_id"] == user.chat_id
    assert params["reply_markup"] == {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    assert api.sent[-1].buttons == [[Button("A", callback_data="a")]]
    assert api.rejected == []


async def test_reply_markup_must_be_json(api: FakeBotApi, user: FakeUser) -> None:
    status, body = await raw_call(
        api, "sendMessage", {"chat_id": str(user.chat_id), "text": "x", "reply_markup": "{oops"}
    )
    assert status == 400
    assert body["description"] == "Bad Request: can't parse reply keyboard markup JSON object"
    assert body["error_code"] == 400 and body["ok"] is False


async def test_button_needs_exactly_one_action(api: FakeBotApi, user: FakeUser) -> None:
    for button in (
        {"text": "both", "callback_data": "x", "url": "https://example.org"},
        {"text": "neither"},
        {"text": "", "callback_data": "x"},
    ):
        markup = json.dumps({"inline_keyboard": [[button]]})
        status, _ = await raw_call(
            api, "sendMessage", {"chat_id": str(user.chat_id), "text": "x", "reply_markup": markup}
        )
        assert status == 400, button
    assert len(api.rejected) == 3
    assert api.sent == []


async def test_fail_next_gives_one_429(
    api: FakeBotApi, bot: Bot, user: FakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    api.fail_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.chat_id, "hej")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    await bot.send_message(user.chat_id, "hej")
    assert [m.text for m in api.sent] == ["hej"]
    assert api.rejected == []


# -- text and HTML -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("", None, "Bad Request: message text is empty"),
        ("   \n", None, "Bad Request: message text is empty"),
        ("<b> </b>", ParseMode.HTML, "Bad Request: message text is empty"),
        ("a" * 4097, None, "Bad Request: message is too long"),
        ("😀" * 2049, None, "Bad Request: message is too long"),
        ("<b>bold", ParseMode.HTML, 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", ParseMode.HTML, "Unsupported start tag"),
        ("a > b", ParseMode.HTML, "byte offset 2"),
        ("fish & chips", ParseMode.HTML, 'Character "&" must be escaped'),
        ("line<br>break", ParseMode.HTML, 'Unsupported start tag "br" at byte offset 4'),
        ("a&nbsp;b", ParseMode.HTML, 'Unsupported HTML entity "&nbsp;"'),
        ("<b><i>x</b></i>", ParseMode.HTML, 'Unmatched end tag at byte offset 7, expected "</i>"'),
        ("x</b>", ParseMode.HTML, "Unexpected end tag at byte offset 1"),
        ('<a href="https://x.se" target="_blank">x</a>', ParseMode.HTML, 'attribute "target"'),
        ("<a>x</a>", ParseMode.HTML, "href"),
        ('<span class="red">x</span>', ParseMode.HTML, 'must have class "tg-spoiler"'),
        ("<code><b>x</b></code>", ParseMode.HTML, "can't be nested"),
        ("<b", ParseMode.HTML, "Unclosed start tag at byte offset 0"),
        ("x", "HTMLX", "Bad Request: unsupported parse_mode"),
    ],
)
async def test_text_is_checked_like_telegram(
    api: FakeBotApi, bot: Bot, user: FakeUser, text: str, parse_mode: str | None, error: str
) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(user.chat_id, text, parse_mode=parse_mode)
    method, _params, description = api.rejected[-1]
    assert method == "sendMessage"
    assert error in description
    if parse_mode == ParseMode.HTML and "empty" not in error:
        assert description.startswith("Bad Request: can't parse entities: ")
    assert api.sent == []


@pytest.mark.parametrize(
    ("text", "parse_mode", "plain"),
    [
        ("a" * 4096, None, "a" * 4096),
        ("😀" * 2048, None, "😀" * 2048),
        ("<b>" + "a" * 4096 + "</b>", ParseMode.HTML, "a" * 4096),
        (
            "fish &amp; chips &lt;3 &quot;x&quot; &#128512; &#x41;",
            ParseMode.HTML,
            'fish & chips <3 "x" 😀 A',
        ),
        ("a < b & c > d", None, "a < b & c > d"),
        ('<a href="https://example.org/?a=1&amp;b=2">link</a>', ParseMode.HTML, "link"),
        ('<tg-spoiler>s</tg-spoiler> <span class="tg-spoiler">t</span>', ParseMode.HTML, "s t"),
        ('<pre><code class="language-python">x = 1</code></pre>', ParseMode.HTML, "x = 1"),
        (
            "<blockquote expandable>q</blockquote><s>z</s><u>u</u><ins>i</ins>",
            ParseMode.HTML,
            "qzui",
        ),
    ],
)
async def test_valid_text_is_accepted(
    api: FakeBotApi, bot: Bot, user: FakeUser, text: str, parse_mode: str | None, plain: str
) -> None:
    message = await bot.send_message(user.chat_id, text, parse_mode=parse_mode)
    assert message.text == plain
    assert api.sent[-1].text == text
    assert api.sent[-1].plain == plain
    assert api.rejected == []


def test_parse_html_entities_use_utf16_offsets() -> None:
    parsed = parse_html('😀 <b>fet <i>och</i></b> <a href="tg://user?id=1">du</a>')
    assert parsed.text == "😀 fet och du"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 7},
        {"type": "italic", "offset": 7, "length": 3},
        {"type": "text_link", "offset": 11, "length": 2, "url": "tg://user?id=1"},
    ]
    assert utf16_len("😀a") == 3


async def test_entities_reach_the_client(bot: Bot, user: FakeUser) -> None:
    message = await bot.send_message(user.chat_id, "<b>Hej</b> &amp; välkommen", parse_mode="HTML")
    assert message.text_html == "<b>Hej</b> &amp; välkommen"


# -- inline keyboards --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "button",
    [
        InlineKeyboardButton("x", callback_data="d" * 65),
        InlineKeyboardButton("x", callback_data="å" * 33),
        InlineKeyboardButton("x", callback_data=""),
    ],
)
async def test_callback_data_limit(
    api: FakeBotApi, bot: Bot, user: FakeUser, button: InlineKeyboardButton
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(user.chat_id, "x", reply_markup=InlineKeyboardMarkup([[button]]))
    assert api.rejected[-1].description == "Bad Request: BUTTON_DATA_INVALID"


@pytest.mark.parametrize("url", ["ftp://example.org", "example.org", "javascript:alert(1)"])
async def test_button_url_must_be_http_or_tg(
    api: FakeBotApi, bot: Bot, user: FakeUser, url: str
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", url=url)]])
    with pytest.raises(BadRequest, match=r"(?i)wrong http url"):
        await bot.send_message(user.chat_id, "x", reply_markup=markup)


async def test_valid_keyboards(api: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Svenska", callback_data="å" * 32)],
            [
                InlineKeyboardButton("Web", url="https://example.org/a?b=c"),
                InlineKeyboardButton("Kanal", url="tg://resolve?domain=example"),
            ],
        ]
    )
    message = await bot.send_message(user.chat_id, "Välj", reply_markup=markup)
    assert message.reply_markup == markup
    assert api.sent[-1].button_texts == ["Svenska", "Web", "Kanal"]
    assert api.sent[-1].flat_buttons[1].url == "https://example.org/a?b=c"
    assert api.rejected == []


# -- chats, edits, deletes, callback queries -------------------------------------------------


async def test_unknown_chats_and_users(api: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "hej")
    silent = api.new_user()
    with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
        await bot.send_message(silent.chat_id, "hej")
    api.block_bot(user)
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(user.chat_id, "hej")
    api.unblock_bot(user)
    await bot.send_message(user.chat_id, "hej")
    assert [r.description for r in api.rejected] == [
        "Bad Request: chat not found",
        "Forbidden: bot can't initiate conversation with a user",
        "Forbidden: bot was blocked by the user",
    ]


async def test_edit_rules(api: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    sent = await bot.send_message(user.chat_id, "Fråga?", reply_markup=keyboard([("Ja", "y")]))
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.chat_id, message_id=sent.message_id + 99)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Fråga?",
            chat_id=user.chat_id,
            message_id=sent.message_id,
            reply_markup=keyboard([("Ja", "y")]),
        )
    assert api.rejected[-1].description == NOT_MODIFIED
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.edit_message_text("", chat_id=user.chat_id, message_id=sent.message_id)

    # Same text, other keyboard: allowed.
    await bot.edit_message_text(
        "Fråga?",
        chat_id=user.chat_id,
        message_id=sent.message_id,
        reply_markup=keyboard([("Nej", "n")]),
    )
    stored = api.sent[-1]
    assert stored.edited and stored.button_texts == ["Nej"]
    assert stored.history[0].buttons == ((Button("Ja", callback_data="y"),),)

    # Editing the text without reply_markup drops the keyboard, like Telegram.
    await bot.edit_message_text("Tack", chat_id=user.chat_id, message_id=sent.message_id)
    assert stored.text == "Tack" and stored.buttons == []
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(chat_id=user.chat_id, message_id=sent.message_id)
    await bot.edit_message_reply_markup(
        chat_id=user.chat_id, message_id=sent.message_id, reply_markup=keyboard([("Igen", "a")])
    )
    assert stored.button_texts == ["Igen"]
    assert [e.kind for e in api.events] == ["sent", "edited", "edited", "edited"]
    assert len(api.sent) == 1

    # The user's own message cannot be edited by the bot.
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", chat_id=user.chat_id, message_id=1)


async def test_delete_message(api: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    sent = await bot.send_message(user.chat_id, "tillfälligt")
    assert await bot.delete_message(user.chat_id, sent.message_id)
    assert api.sent[-1].deleted
    assert api.events[-1].kind == "deleted"
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(user.chat_id, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.chat_id, message_id=sent.message_id)


async def test_callback_queries_are_answered_once(
    api: FakeBotApi, bot: Bot, user: FakeUser
) -> None:
    await bot.send_message(user.chat_id, "Välj", reply_markup=keyboard([("A", "a")]))
    query_id = api.press(user, api.sent[-1], 0)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("no-such-query")
    assert api.rejected[-1].description == QUERY_TOO_OLD
    assert await bot.answer_callback_query(query_id, text="Klart")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    assert [(a.callback_query_id, a.text) for a in api.callback_answers] == [(query_id, "Klart")]


async def test_stale_callback_query() -> None:
    async with FakeBotApi(callback_query_timeout=0.0) as strict:
        person = strict.new_user()
        strict.send_text(person, "hi")
        async with Bot(strict.token, base_url=strict.base_url) as client:
            await client.send_message(person.chat_id, "x", reply_markup=keyboard([("A", "a")]))
            query_id = strict.press(person, strict.sent[-1], 0)
            await asyncio.sleep(0.01)
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await client.answer_callback_query(query_id)


def test_press_checks_the_button(api: FakeBotApi) -> None:
    person = api.new_user()
    message = SentMessage(
        message_id=1,
        chat_id=person.chat_id,
        kind="text",
        text="x",
        plain="x",
        parse_mode=None,
        date=0,
    )
    with pytest.raises(ValueError, match="does not exist"):
        api.press(person, message, 0)


async def test_press_url_button_and_bad_index(api: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Web", url="https://example.org")]])
    await bot.send_message(user.chat_id, "x", reply_markup=markup)
    with pytest.raises(ValueError, match="URL button"):
        api.press(user, api.sent[-1], 0)
    with pytest.raises(IndexError):
        api.press(user, api.sent[-1], 1)


# -- files, commands, chat actions -------------------------------------------------------------


async def test_documents_and_photos(api: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    message = await bot.send_document(
        user.chat_id,
        b"a;b\n1;2\n",
        filename="rapport.csv",
        caption="<b>Rapport</b>",
        parse_mode="HTML",
    )
    stored = api.sent[-1]
    assert (stored.kind, stored.filename, stored.file) == ("document", "rapport.csv", b"a;b\n1;2\n")
    assert (stored.caption, stored.plain) == ("<b>Rapport</b>", "Rapport")
    assert message.document is not None and message.document.file_size == 8
    file = await bot.get_file(message.document.file_id)
    assert await file.download_as_bytearray() == bytearray(b"a;b\n1;2\n")

    await bot.send_photo(user.chat_id, b"\x89PNG fake", filename="qr.png")
    assert api.sent[-1].kind == "photo" and api.sent[-1].file == b"\x89PNG fake"

    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_document(user.chat_id, b"x", filename="x.txt", caption="c" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(user.chat_id, "not-a-file-id")
    # A file id the fake handed out can be sent again.
    await bot.send_document(user.chat_id, message.document.file_id)
    assert api.sent[-1].file == b"a;b\n1;2\n"


async def test_chat_action(api: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    assert await bot.send_chat_action(user.chat_id, "typing")
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(user.chat_id, "dancing")


async def test_commands(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Börja"), BotCommand("help_me", "Hjälp")])
    await bot.set_my_commands(
        [("start", "Aloita")], scope=BotCommandScopeAllPrivateChats(), language_code="fi"
    )
    assert api.commands == {
        ("default", ""): [("start", "Börja"), ("help_me", "Hjälp")],
        ("all_private_chats", "fi"): [("start", "Aloita")],
    }
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help_me"]
    assert await bot.get_my_commands(language_code="sv") == ()
    await bot.delete_my_commands()
    assert ("default", "") not in api.commands
    await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert api.menu_buttons[None] == {"type": "commands"}
    assert api.rejected == []


@pytest.mark.parametrize(
    ("commands", "language_code", "error"),
    [
        ([("Start", "x")], None, "BOT_COMMAND_INVALID"),
        ([("with-dash", "x")], None, "BOT_COMMAND_INVALID"),
        ([("c" * 33, "x")], None, "BOT_COMMAND_INVALID"),
        ([("", "x")], None, "BOT_COMMAND_INVALID"),
        ([("start", "")], None, "BOT_COMMAND_DESCRIPTION_INVALID"),
        ([("start", "d" * 257)], None, "BOT_COMMAND_DESCRIPTION_INVALID"),
        ([(f"c{i}", "x") for i in range(101)], None, "BOT_COMMANDS_TOO_MUCH"),
        ([], None, "commands list is empty"),
        ([("start", "x")], "swe", "invalid language code"),
    ],
)
async def test_command_rules(
    api: FakeBotApi,
    bot: Bot,
    commands: list[tuple[str, str]],
    language_code: str | None,
    error: str,
) -> None:
    with pytest.raises(BadRequest):
        await bot.set_my_commands(commands, language_code=language_code)
    assert error in api.rejected[-1].description
    assert api.commands == {}


# -- getUpdates ----------------------------------------------------------------------------------


async def test_get_updates_offset_limit_and_long_poll(api: FakeBotApi, bot: Bot) -> None:
    person = api.new_user()
    ids = [api.send_text(person, f"m{i}") for i in range(3)]
    first = await bot.get_updates(limit=2)
    assert [u.update_id for u in first] == ids[:2]
    again = await bot.get_updates()  # nothing confirmed yet
    assert [u.update_id for u in again] == ids
    rest = await bot.get_updates(offset=ids[1] + 1)
    assert [u.message.text for u in rest if u.message] == ["m2"]
    assert await bot.get_updates(offset=ids[2] + 1) == ()

    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(offset=ids[2] + 1, timeout=5))
    await asyncio.sleep(0.05)
    new_id = api.send_text(person, "wake up")
    woken = await poll
    assert [u.update_id for u in woken] == [new_id]
    assert time.monotonic() - started < 1

    started = time.monotonic()
    assert await bot.get_updates(offset=new_id + 1, timeout=0.2) == ()  # type: ignore[arg-type]
    assert time.monotonic() - started >= 0.15


async def test_allowed_updates_and_commands_entity(api: FakeBotApi, bot: Bot) -> None:
    person = api.new_user()
    await bot.get_updates(allowed_updates=["message"])
    api.send_update(
        {
            "edited_message": {
                "message_id": 1,
                "date": 0,
                "text": "x",
                "chat": {"id": person.id, "type": "private"},
            }
        }
    )
    command_id = api.send_text(person, "/start rom-xyz")
    (update,) = await bot.get_updates()
    assert update.update_id == command_id
    assert update.message is not None
    assert [(e.type, e.offset, e.length) for e in update.message.entities] == [
        ("bot_command", 0, 6)
    ]


async def test_webhook_conflicts_with_polling(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)bad webhook"):
        await bot.set_webhook("https://example.org/hook")
    assert await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="s3cret")
    assert (await bot.get_webhook_info()).url == "http://127.0.0.1:9/hook"
    with pytest.raises(Conflict):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


async def test_wait_until_idle_times_out_when_nobody_polls(api: FakeBotApi) -> None:
    api.send_text(api.new_user(), "hello?")
    with pytest.raises(TimeoutError, match="1 updates not fetched"):
        await api.wait_until_idle(timeout=0.1)


# -- the real Application, polling ---------------------------------------------------------------


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        f"<b>Välkommen</b> {' '.join(context.args or [])}",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard([("Svenska", "lang:sv"), ("Romani chib", "lang:rom")]),
    )


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    await query.edit_message_text(f"Språk: {query.data.split(':', 1)[1]}")


def build_app(api: FakeBotApi) -> AnyApp:
    app = application_builder(api).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(choose, pattern=r"^lang:(sv|rom)$"))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


async def test_round_trip_with_polling(api: FakeBotApi) -> None:
    user = api.new_user(first_name="Mira")
    app = build_app(api)
    async with polling(app, poll_timeout=5):
        api.send_text(user, "hej på dig")
        reply = await api.wait_for_message(user.chat_id, timeout=2)
        assert reply.text == "echo: hej på dig"

        mark = api.mark()
        api.send_text(user, "/start rom-xyz")
        welcome = await api.wait_for_message(user.chat_id, after=mark, timeout=2)
        assert welcome.plain == "Välkommen rom-xyz"
        assert welcome.button_texts == ["Svenska", "Romani chib"]

        query_id = api.press(user, welcome, 1)
        edited = await api.wait_for_message(user.chat_id, lambda m: m.edited, timeout=2)
        assert edited is welcome
        assert welcome.text == "Språk: rom" and welcome.buttons == []
        await api.wait_until_idle(quiet=0.05, timeout=2)
        assert [a.callback_query_id for a in api.callback_answers] == [query_id]
    assert api.rejected == []
    assert [m for m, _ in api.requests][:2] == ["getMe", "deleteWebhook"]


async def test_polling_is_fast_enough(api: FakeBotApi) -> None:
    users = [api.new_user() for _ in range(10)]
    app = build_app(api)
    async with polling(app):
        started = time.monotonic()
        for n in range(5):
            for person in users:
                api.send_text(person, f"m{n}")
        await api.wait_until_idle(quiet=0.05, timeout=5)
        assert len(api.sent) == 50
        assert time.monotonic() - started < 3
    assert api.pending_updates == 0
    assert api.rejected == []


async def test_other_update_types_reach_the_bot(api: FakeBotApi) -> None:
    seen: list[str] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.edited_message:
            seen.append("edited")
        elif update.channel_post:
            seen.append("channel")
        elif update.message and update.message.chat.type == "group":
            seen.append("group")
            await update.message.reply_text("hej gruppen")

    app = application_builder(api).build()
    app.add_handler(MessageHandler(filters.ALL, record))
    user = api.new_user()
    async with polling(app, poll_timeout=5):
        api.send_update(
            {
                "edited_message": {
                    "message_id": 7,
                    "date": 0,
                    "edit_date": 1,
                    "text": "rättat",
                    "chat": {"id": user.id, "type": "private", "first_name": "Test"},
                    "from": user.to_json(),
                }
            }
        )
        api.send_text(user, "nyhet", chat_type="channel")
        api.send_text(user, "hej", chat_type="group")
        await api.wait_until_idle(quiet=0.05, timeout=2)
    assert sorted(seen) == ["channel", "edited", "group"]
    assert api.sent[-1].chat_id < 0 and api.sent[-1].text == "hej gruppen"
    assert api.rejected == []


async def test_webhook_delivery_to_the_application(api: FakeBotApi) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = build_app(api)
    user = api.new_user()
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            secret_token="s3cret",
        )
        try:
            api.send_text(user, "via webhook")
            reply = await api.wait_for_message(user.chat_id, timeout=2)
            assert reply.text == "echo: via webhook"
        finally:
            await app.updater.stop()
            await app.stop()
    assert api.webhook_secret == "s3cret"
    assert api.rejected == []


async def test_the_loopback_guard_works() -> None:
    with pytest.raises(AssertionError, match="tried to reach"):
        socket.getaddrinfo("api.telegram.org", 443)
