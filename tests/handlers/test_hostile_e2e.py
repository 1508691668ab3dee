"""Hostile input, end to end: odd, oversized, forged and foreign updates against the real bot.

Every kind below is injected into one running Application (polling the strict fake Bot API)
and must leave it healthy:

- no ERROR log record (the error handler logs every exception as "update failed: ...");
- no request that Telegram would reject (the fake is as strict as Telegram), except the few a
  bot cannot foresee, named per kind (e.g. the user blocked the bot a moment ago);
- every callback query answered;
- a normal user who writes /start right after is served correctly.

One bot serves the whole module (starting one takes seconds); each kind uses fresh users, so the
kinds do not depend on one another. The last test walks a normal user through the main journeys
after all of them.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram import Update

from bot.app import running_bot
from bot.config import Settings
from bot.content import Library
from bot.content.model import Lang
from bot.i18n import Translator
from bot.search.engine import SearchEngine
from devtools.fake_telegram import FakeBotApi, FakeUser, InProcessRequest, SentMessage, utf16_len

from .conftest import STAFF_ID, Harness

SHARED_LOOP = pytest.mark.asyncio(loop_scope="module")

JSON = dict[str, Any]
BOT_USERNAME = "outreach_test_bot"
LANGUAGE_BUTTONS = ["Svenska", "Romani chib", "Suomi"]
STALE = "gäller inte längre"  # "That button is no longer valid." in Swedish
ONLY_TEXT = "bara läsa text"  # "I can only read text messages." in Swedish
MENU = "Huvudmeny"

# Free text that tries every trick on an HTML/template/format-string pipeline at once.
INJECTION = (
    "<b>fet</b> </i> &amp; &lt;script&gt; <script>alert(1)</script> {{7*7}} ${jndi:ldap://x} "
    "%s%n %(x)s {0} '; DROP TABLE feedback; -- \\x00 `code` *bold* [a](javascript:alert(1))"
)
RTL = "\u202eregnahcrevö\u202c skola \u2066isolate\u2069 \u200fmark"
ZERO_WIDTH = "bo\u200bst\u200cad\u200d hy\u2060ra\ufeff \u200b\u200b\u200b"
COMBINING = "sko\u0301\u0308\u0327la" + "a" + "\u0300" * 200 + " Z\u0351\u0352\u0353algo"
EMOJI_1000 = "😀🙂👨‍👩‍👧‍👦🏳️‍🌈🇸🇪" * 200  # 1000 emoji (sequences), far more code units
FAMILY = "👨‍👩‍👧‍👦"


def _exactly(length: int, words: str = "bostad hyra skola soc barn ") -> str:
    text = (words * (length // len(words) + 1))[:length]
    return text[:-1] + "x" if text.endswith(" ") else text


TEXT_4096 = _exactly(4096)
TEXT_10000 = _exactly(10_000)
assert len(TEXT_4096) == 4096 and len(TEXT_10000) == 10_000


# --- the shared bot -----------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    tmp_path_factory: pytest.TempPathFactory,
    library: Library,
    translators: dict[Lang, Translator],
    search_engine: SearchEngine,
) -> AsyncIterator[Harness]:
    data_dir: Path = tmp_path_factory.mktemp("hostile") / "data"
    async with FakeBotApi(bot_username=BOT_USERNAME) as api:
        settings = Settings(
            token=api.token,
            api_base_url=api.base_url,
            data_dir=data_dir,
            staff_ids=frozenset({STAFF_ID}),
        )
        async with running_bot(
            settings,
            poll_timeout=1,
            library=library,
            translators=translators,
            search=search_engine,
            transport=lambda: InProcessRequest(api),
        ) as app:
            yield Harness(api, app, settings)


_message_ids = itertools.count(700_000)


def _chat(user: FakeUser) -> JSON:
    return {"id": user.id, "type": "private", "first_name": user.first_name}


def _message(user: FakeUser, chat: JSON | None = None, **content: Any) -> JSON:
    """A message from `user` (in their private chat unless `chat` is given)."""
    message: JSON = {
        "message_id": next(_message_ids),
        "date": 1_700_000_000,
        "chat": chat or _chat(user),
        "from": user.to_json(),
    }
    message.update(content)
    return message


def _bot_message_json(message: SentMessage) -> JSON:
    """A bot message as Telegram puts it into a callback query."""
    return {
        "message_id": message.message_id,
        "date": message.date,
        "chat": {"id": message.chat_id, "type": "private", "first_name": "Test"},
        "from": {"id": 123456, "is_bot": True, "first_name": "Outreach Test Bot"},
        "text": message.plain or "x",
    }


_query_ids = itertools.count(9_000_000_000_000_000_001)


def _callback(user: FakeUser, data: str | None, message: JSON | None = None, **extra: Any) -> JSON:
    query: JSON = {
        "id": str(next(_query_ids)),
        "from": user.to_json(),
        "chat_instance": "-123",
        **extra,
    }
    if data is not None:
        query["data"] = data
    if message is not None:
        query["message"] = message
    return {"callback_query": query}


async def _sv_user(h: Harness, **user: Any) -> tuple[FakeUser, SentMessage]:
    """A new user who has chosen Swedish; returns them and their main menu."""
    person = h.api.new_user(**user)
    greeting = await h.say(person, "/start")
    menu = await h.tap(person, greeting, "Svenska")
    assert MENU in menu.plain
    return person, menu


async def _reply(h: Harness, user: FakeUser, inject: Callable[[], object]) -> SentMessage:
    """Inject something and return the bot's next message (new or edited) to `user`."""
    mark = h.api.mark()
    inject()
    return await h.api.wait_for_message(user.chat_id, after=mark)


async def _silence(h: Harness, inject: Callable[[], object]) -> None:
    """Inject something: the bot must neither send nor edit any message."""
    mark = h.api.mark()
    before = len(h.api.requests)
    inject()
    await h.settle()
    assert h.api.events_since(mark) == []
    sends = [r.method for r in h.api.requests[before:] if r.method.startswith(("send", "edit"))]
    assert sends == []


async def _press(
    h: Harness, payload: JSON, *, reply_to: FakeUser | None = None
) -> SentMessage | None:
    """Inject a raw callback query; return the reply if one is expected; check it is answered."""
    query_id = payload["callback_query"]["id"]
    if reply_to is None:
        h.api.send_update(payload)
        await h.settle()
        reply = None
    else:
        reply = await _reply(h, reply_to, lambda: h.api.send_update(payload))
        await h.settle()
    assert query_id in {a.callback_query_id for a in h.api.callback_answers}, "query not answered"
    return reply


def _fits(message: SentMessage) -> None:
    assert 1 <= utf16_len(message.plain) <= 4096


# --- the kinds ----------------------------------------------------------------------------------

Probe = Callable[[Harness], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Kind:
    id: str
    probe: Probe
    #: Rejections the bot cannot foresee in this situation (substrings of the description).
    tolerated: tuple[str, ...] = ()


KINDS: list[Kind] = []


def kind(id: str, *, tolerated: tuple[str, ...] = ()) -> Callable[[Probe], Probe]:
    def register(probe: Probe) -> Probe:
        KINDS.append(Kind(id, probe, tolerated))
        return probe

    return register


def _typed(id: str, text: str, *, lang_chosen: bool = True) -> None:
    """A kind: `text` typed in a private chat gets exactly one useful, well-formed reply."""

    async def probe(h: Harness) -> None:
        if lang_chosen:
            user, _ = await _sv_user(h)
        else:
            user = h.api.new_user(language_code="xx")
        reply = await _reply(h, user, lambda: h.api.send_text(user, text))
        _fits(reply)
        assert reply.buttons, "a reply with a way forward"
        if not lang_chosen:
            assert reply.button_texts == LANGUAGE_BUTTONS

    KINDS.append(Kind(id, probe))


# Typed text, after choosing a language (goes to the search).
_typed("text-exactly-4096-chars", TEXT_4096)
_typed("text-10000-chars", TEXT_10000)
_typed("text-4096-chars-one-word", "ö" * 4096)
_typed("text-1000-emoji", EMOJI_1000)
_typed("text-html-template-format-sql-injection", INJECTION)
_typed("text-4096-ampersands-and-brackets", ("<&>" * 1366)[:4096])
_typed("text-nul-and-control-chars", "hej\x00bostad\x01\x02\x1b[31m\x7f\r\nskola")
_typed("text-rtl-override-and-isolates", RTL)
_typed("text-zero-width-joiners-and-bom", ZERO_WIDTH)
_typed("text-combining-characters-zalgo", COMBINING)
_typed("text-only-whitespace", " \t \n \u00a0\u3000 ")
_typed("text-only-zero-width", "\u200b\u200c\u200d\u2060\ufeff")
_typed("text-single-question-mark", "?")
_typed("text-math-alphanumerics", "𝕭𝖔𝖘𝖙𝖆𝖉 𝘴𝘬𝘰𝘭𝘢 𝟏𝟐𝟑")
_typed("text-mixed-scripts", "سكن жильё 住房 bostad კერა ที่อยู่")
_typed("text-noncharacters-and-replacement", "\ufffe\uffff\ufffd\U0010ffff bostad")
_typed("text-personal-data", "ring mig 070-123 45 67, pnr 19811218-9876, a@b.se, Storgatan 5")
_typed("text-4096-newlines", "\n" * 4095 + "x")
_typed("text-before-choosing-a-language", INJECTION, lang_chosen=False)
_typed("text-10000-before-choosing-a-language", TEXT_10000, lang_chosen=False)


@kind("text-empty-raw-message")
async def _empty_text(h: Harness) -> None:
    user, _ = await _sv_user(h)
    reply = await _reply(h, user, lambda: h.api.send_update({"message": _message(user, text="")}))
    assert ONLY_TEXT in reply.plain


@kind("text-bogus-entities")
async def _bogus_entities(h: Harness) -> None:
    user, _ = await _sv_user(h)
    entities = [
        {"type": "bot_command", "offset": 0, "length": 500},
        {"type": "bold", "offset": -3, "length": 2},
        {"type": "text_link", "offset": 1, "length": 9999, "url": "javascript:alert(1)"},
        {"type": "no_such_entity", "offset": 0, "length": 1},
    ]
    message = _message(user, text="/x bostad", entities=entities)
    reply = await _reply(h, user, lambda: h.api.send_update({"message": message}))
    _fits(reply)


# Commands.
def _command(id: str, text: str, expect: str | list[str]) -> None:
    async def probe(h: Harness) -> None:
        user, _ = await _sv_user(h)
        reply = await _reply(h, user, lambda: h.api.send_text(user, text))
        _fits(reply)
        if isinstance(expect, list):
            assert reply.button_texts == expect
        else:
            assert expect in reply.plain

    KINDS.append(Kind(id, probe))


_command("command-unknown", "/foo", MENU)
_command("command-unknown-very-long", "/" + "a" * 200, MENU)
_command("command-unicode-name", "/стартовать", MENU)
_command("command-uppercase", "/START", LANGUAGE_BUTTONS)
_command("command-with-botname-suffix", f"/menu@{BOT_USERNAME}", MENU)
_command("command-for-another-bot", "/menu@some_other_bot", MENU)
_command("command-with-html-arguments", "/menu <b>&amp; {{7*7}}", MENU)
_command("command-help-with-10000-chars", "/help " + TEXT_10000[:9994], "/menu")
_command("command-cancel-outside-survey", "/cancel", MENU)
_command("start-payload-65-chars", "/start sv-" + "a" * 62, LANGUAGE_BUTTONS)
_command("start-payload-64-chars-malformed", "/start sv-housing_" + "x" * 46, LANGUAGE_BUTTONS)
_command("start-payload-unicode", "/start sv-bostäder", LANGUAGE_BUTTONS)
_command("start-payload-path-traversal", "/start ../../etc/passwd", LANGUAGE_BUTTONS)
_command("start-payload-html", "/start <b>sv-housing</b>", LANGUAGE_BUTTONS)
_command("start-payload-empty", "/start ", LANGUAGE_BUTTONS)
_command("start-payload-two-words", "/start sv-housing extra", LANGUAGE_BUTTONS)
_command("start-payload-unknown-language", "/start xx-housing", LANGUAGE_BUTTONS)
_command("start-payload-unknown-topic", "/start sv-no-such-topic_tag", LANGUAGE_BUTTONS)
_command("start-payload-with-botname", f"/start@{BOT_USERNAME} sv-%00", LANGUAGE_BUTTONS)


@kind("command-forget-by-a-stranger")
async def _forget_stranger(h: Harness) -> None:
    user = h.api.new_user()
    reply = await _reply(h, user, lambda: h.api.send_text(user, "/forget"))
    assert "Inget" in reply.plain or "Nothing" in reply.plain


# Forged and odd callback queries.
def _forged(id: str, data: str | None) -> None:
    async def probe(h: Harness) -> None:
        user, menu = await _sv_user(h)
        payload = _callback(user, data, _bot_message_json(menu))
        reply = await _press(h, payload, reply_to=user)
        assert reply is not None and STALE in reply.plain

    KINDS.append(Kind(id, probe))


_forged("callback-65-bytes", "m" * 65)
_forged("callback-64-bytes-unknown", "top:" + "a" * 60)
_forged("callback-300-bytes", "top:housing:" + "x" * 288)
_forged("callback-non-utf8-looking", "\xff\xfe\x00\x01%FF%FE\ufffd\x80")
_forged("callback-empty-string", "")
_forged("callback-no-data-game", None)
_forged("callback-path-traversal", "top:../../etc/passwd")
_forged("callback-unknown-language", "lang:xx")
_forged("callback-extra-fields", "top:housing:sv:extra:fields")
_forged("callback-json", '{"a": [1, 2, {"b": null}]}')
_forged("callback-survey-send-outside-survey", "fq:send")
_forged("callback-survey-answer-outside-survey", "fq:svc:school")
_forged("callback-question-token-never-issued", "unq:deadbeef")
_forged("callback-html", "<b>menu</b>")


@kind("callback-inline-without-message")
async def _inline_query(h: Harness) -> None:
    user, _ = await _sv_user(h)
    payload = _callback(user, "menu", inline_message_id="AgAAAPsWAAAAAAAAAAAAAA")
    await _press(h, payload)


@kind("callback-inaccessible-message")
async def _inaccessible(h: Harness) -> None:
    user, menu = await _sv_user(h)
    message = {"chat": _chat(user), "message_id": menu.message_id, "date": 0}
    reply = await _press(h, _callback(user, "sec:rights", message), reply_to=user)
    assert reply is not None and "Dina rättigheter" in reply.plain


NOT_EDITABLE = ("message to edit not found", "message can't be edited")


@kind("callback-message-id-that-does-not-exist", tolerated=NOT_EDITABLE)
async def _no_such_message(h: Harness) -> None:
    user, menu = await _sv_user(h)
    message = _bot_message_json(menu) | {"message_id": 987_654}
    reply = await _press(h, _callback(user, "sec:rights", message), reply_to=user)
    assert reply is not None and "Dina rättigheter" in reply.plain
    assert reply.message_id != 987_654  # a fresh message instead of the failed edit


@kind("callback-on-the-users-own-text-message", tolerated=NOT_EDITABLE)
async def _users_message(h: Harness) -> None:
    user, _ = await _sv_user(h)
    own = _message(user, text="hej")
    h.api.send_update({"edited_message": own | {"edit_date": 1}})  # the fake now knows it
    await h.settle()
    message = own | {"from": user.to_json()}
    reply = await _press(h, _callback(user, "menu", message), reply_to=user)
    assert reply is not None and MENU in reply.plain


@kind("callback-with-another-users-message-id", tolerated=NOT_EDITABLE)
async def _other_users_message(h: Harness) -> None:
    owner, _ = await _sv_user(h)
    for _ in range(3):
        await h.say(owner, "/help")  # the owner's chat has more messages than the intruder's
    intruder = h.api.new_user()
    await h.say(intruder, "/start")
    mark = h.api.mark()
    forged = _bot_message_json(h.api.messages_in(owner.chat_id)[-1]) | {"chat": _chat(intruder)}
    reply = await _press(h, _callback(intruder, "lang:sv", forged), reply_to=intruder)
    assert reply is not None and MENU in reply.plain
    assert [e for e in h.api.events_since(mark) if e.message.chat_id == owner.chat_id] == []


@kind("callback-from-a-group-message")
async def _group_callback(h: Harness) -> None:
    user = h.api.new_user()
    group = {"id": -100_777, "type": "supergroup", "title": "Grupp <b>"}
    message = {"message_id": 5, "date": 1, "chat": group, "text": "x"}
    for data in ("menu", "fb", "lang:sv", "x" * 80):
        await _press(h, _callback(user, data, message))


@kind("callback-by-a-user-who-blocked-the-bot", tolerated=("bot was blocked by the user",))
async def _blocked_press(h: Harness) -> None:
    user, menu = await _sv_user(h)
    h.api.block_bot(user)
    try:
        # A button that edits in place still works; one that needs a new message cannot.
        await _press(h, _callback(user, "sec:rights", _bot_message_json(menu)))
        await _press(h, _callback(user, "x" * 70, _bot_message_json(menu)))
    finally:
        h.api.unblock_bot(user)


@kind("callback-double-send-in-survey")
async def _double_send(h: Harness) -> None:
    user, _ = await _sv_user(h)
    confirm = await _survey_to_confirmation(h, user, "dubbel")
    first = _callback(user, "fq:send", _bot_message_json(confirm))
    second = _callback(user, "fq:send", _bot_message_json(confirm))
    h.api.send_update(first)
    h.api.send_update(second)
    await h.settle()
    assert _feedback_with(h, "dubbel") == 1


# Media and other message content in a private chat: one short line, never silence.
_FILE = {"file_id": "AgAD", "file_unique_id": "AQAD"}
_MEDIA: dict[str, JSON] = {
    "sticker": {
        "sticker": _FILE
        | {"type": "regular", "width": 1, "height": 1, "is_animated": False, "is_video": False}
    },
    "photo": {
        "photo": [_FILE | {"width": 90, "height": 90}],
        "caption": "<b>bild</b> &amp; {{7*7}}",
    },
    "voice": {"voice": _FILE | {"duration": 3}},
    "video": {"video": _FILE | {"width": 1, "height": 1, "duration": 1}},
    "video-note": {"video_note": _FILE | {"length": 1, "duration": 1}},
    "audio": {"audio": _FILE | {"duration": 1}},
    "animation": {"animation": _FILE | {"width": 1, "height": 1, "duration": 1}},
    "document": {"document": _FILE | {"file_name": "../../etc/passwd\u202e.pdf"}},
    "contact": {"contact": {"phone_number": "+46701234567", "first_name": "<b>A</b>"}},
    "location": {"location": {"latitude": 59.33, "longitude": 18.06}},
    "venue": {
        "venue": {"location": {"latitude": 0.0, "longitude": 0.0}, "title": "<i>", "address": "&"}
    },
    "poll": {
        "poll": {
            "id": "1",
            "question": "?",
            "options": [{"text": "a", "voter_count": 0, "persistent_id": "p1"}],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
    },
    "dice": {"dice": {"emoji": "🎲", "value": 6}},
    "unknown-future-content": {"hologram": {"id": 1}},
}


def _media(name: str, content: JSON) -> None:
    async def probe(h: Harness) -> None:
        user, _ = await _sv_user(h)
        message = _message(user, **content)
        reply = await _reply(h, user, lambda: h.api.send_update({"message": message}))
        assert ONLY_TEXT in reply.plain

    KINDS.append(Kind(f"media-{name}", probe))


for _name, _content in _MEDIA.items():
    _media(_name, _content)


@kind("media-before-choosing-a-language")
async def _media_stranger(h: Harness) -> None:
    user = h.api.new_user(language_code=None)
    message = _message(user, **_MEDIA["voice"])
    reply = await _reply(h, user, lambda: h.api.send_update({"message": message}))
    assert reply.plain


# Chats the bot does not serve, edits and service updates: no reply at all.
def _silent(id: str, build: Callable[[FakeUser], JSON]) -> None:
    async def probe(h: Harness) -> None:
        user = h.api.new_user()
        payload = build(user)
        await _silence(h, lambda: h.api.send_update(payload))

    KINDS.append(Kind(id, probe))


_GROUP = {"id": -4242, "type": "group", "title": "<b>Grupp</b>"}
_SUPERGROUP = {"id": -1_004_242, "type": "supergroup", "title": "Supergrupp", "is_forum": True}
_CHANNEL = {"id": -1_009_999, "type": "channel", "title": "Kanal"}
_silent("group-start", lambda u: {"message": _message(u, _GROUP, text="/start")})
_silent("group-feedback", lambda u: {"message": _message(u, _GROUP, text="/feedback")})
_silent("group-free-text", lambda u: {"message": _message(u, _GROUP, text=INJECTION)})
_silent(
    "supergroup-topic-command",
    lambda u: {
        "message": _message(
            u, _SUPERGROUP, text=f"/menu@{BOT_USERNAME}", message_thread_id=3, is_topic_message=True
        )
    },
)
_silent("supergroup-sticker", lambda u: {"message": _message(u, _SUPERGROUP, **_MEDIA["sticker"])})
_silent(
    "channel-post",
    lambda u: {
        "channel_post": {
            "message_id": 1,
            "date": 1,
            "chat": _CHANNEL,
            "sender_chat": _CHANNEL,
            "text": "/start sv-housing",
        }
    },
)
_silent(
    "channel-post-edited",
    lambda u: {
        "edited_channel_post": {
            "message_id": 1,
            "date": 1,
            "edit_date": 2,
            "chat": _CHANNEL,
            "sender_chat": _CHANNEL,
            "text": "x",
        }
    },
)
_silent(
    "edited-private-message-command",
    lambda u: {"edited_message": _message(u, text="/start", edit_date=1_700_000_100)},
)
_silent(
    "edited-private-message-text",
    lambda u: {"edited_message": _message(u, text=TEXT_4096, edit_date=1_700_000_100)},
)
_silent(
    "my-chat-member-bot-blocked",
    lambda u: {
        "my_chat_member": {
            "chat": _chat(u),
            "from": u.to_json(),
            "date": 1,
            "old_chat_member": {
                "status": "member",
                "user": {"id": 123456, "is_bot": True, "first_name": "Bot"},
            },
            "new_chat_member": {
                "status": "kicked",
                "until_date": 0,
                "user": {"id": 123456, "is_bot": True, "first_name": "Bot"},
            },
        }
    },
)
_silent(
    "my-chat-member-added-to-group",
    lambda u: {
        "my_chat_member": {
            "chat": _GROUP,
            "from": u.to_json(),
            "date": 1,
            "old_chat_member": {
                "status": "left",
                "user": {"id": 123456, "is_bot": True, "first_name": "Bot"},
            },
            "new_chat_member": {
                "status": "member",
                "user": {"id": 123456, "is_bot": True, "first_name": "Bot"},
            },
        }
    },
)
_silent(
    "message-from-another-bot-in-group",
    lambda u: {
        "message": _message(u, _GROUP, text="/start")
        | {"from": {"id": 999, "is_bot": True, "first_name": "Spam", "username": "spam_bot"}}
    },
)
_silent(
    "message-reaction",
    lambda u: {
        "message_reaction": {
            "chat": _chat(u),
            "message_id": 1,
            "date": 1,
            "user": u.to_json(),
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "👍"}],
        }
    },
)


@kind("update-with-no-known-field")
async def _unknown_update(h: Harness) -> None:
    # Telegram only sends the kinds asked for, so this comes in through the update queue.
    before = len(h.api.requests)
    for data in ({"update_id": 1}, {"update_id": 2, "future_kind": {"id": 1, "text": "<b>"}}):
        update = Update.de_json(data, h.app.bot)
        await h.app.update_queue.put(update)
    await h.settle()
    assert [r for r in h.api.requests[before:] if r.method.startswith("send")] == []


@kind("private-message-without-sender")
async def _no_sender(h: Harness) -> None:
    user = h.api.new_user()
    message = _message(user, text="/start")
    del message["from"]
    h.api.send_update({"message": message})
    await h.settle()


@kind("forwarded-and-reply-message")
async def _forwarded(h: Harness) -> None:
    user, menu = await _sv_user(h)
    message = _message(
        user,
        text="bostad",
        forward_origin={"type": "hidden_user", "sender_user_name": "<b>X</b>", "date": 1},
        reply_to_message=_bot_message_json(menu),
    )
    reply = await _reply(h, user, lambda: h.api.send_update({"message": message}))
    _fits(reply)


@kind("user-with-odd-profile")
async def _odd_profile(h: Harness) -> None:
    user = h.api.new_user(
        first_name="<b>&amp;\u202e" + "Å" * 200,
        language_code="<script>",
        last_name="{{7*7}}",
        username="x" * 32,
        user_id=2**52 - 1,
    )
    greeting = await h.say(user, "/start")
    assert greeting.button_texts == LANGUAGE_BUTTONS


# The survey's free-text step.
async def _survey_to_confirmation(h: Harness, user: FakeUser, comment: str) -> SentMessage:
    screen = await h.say(user, "/feedback")
    for _ in range(3):
        screen = await h.tap(user, screen, "Hoppa över")
    screen = await h.say(user, comment)
    while "Kontrollera" not in screen.plain:
        screen = await h.tap(user, screen, "Hoppa över")
    return screen


def _feedback_with(h: Harness, word: str) -> int:
    with sqlite3.connect(h.settings.database_path) as raw:
        [(count,)] = raw.execute(
            "SELECT COUNT(*) FROM feedback WHERE instr(comment, ?) > 0", (word,)
        )
    return int(count)


@kind("survey-comment-injection-is-escaped")
async def _survey_injection(h: Harness) -> None:
    user, _ = await _sv_user(h)
    confirm = await _survey_to_confirmation(h, user, f"inj1 {INJECTION} ring 070-123 45 67")
    _fits(confirm)
    assert "[borttaget]" in confirm.plain and "123 45 67" not in confirm.plain  # scrubbed
    for piece in ("<b>fet</b>", "</i>", "&amp;", "{{7*7}}", "${jndi:", "%s%n", "%(x)s"):
        assert piece in confirm.plain, piece  # shown literally, not interpreted
    # ldap://x is a URL like any other scheme (review F16): scrubbed, the braces stay
    assert "${jndi:[borttaget]}" in confirm.plain and "ldap:" not in confirm.plain
    assert [e for e in confirm.entities if e["type"] not in {"bold"}] == []
    thanks = await h.tap(user, confirm, "Skicka")
    assert "Tack" in thanks.plain
    assert _feedback_with(h, "{{7*7}}") == 1
    assert _feedback_with(h, "123 45 67") == 0


@kind("survey-comment-control-and-bidi-characters")
async def _survey_controls(h: Harness) -> None:
    user, _ = await _sv_user(h)
    confirm = await _survey_to_confirmation(h, user, "ctl1 a\x00b\x07c " + RTL + ZERO_WIDTH)
    _fits(confirm)
    assert "\x00" not in confirm.text and "\x07" not in confirm.text
    assert "a b c" in confirm.plain


@kind("survey-comment-1500-astral-characters")
async def _survey_astral(h: Harness) -> None:
    user, _ = await _sv_user(h)
    confirm = await _survey_to_confirmation(h, user, "𝕏" * 1500)
    _fits(confirm)  # 3000 UTF-16 units of comment plus the screen still fit


@kind("survey-comment-1500-ampersands")
async def _survey_ampersands(h: Harness) -> None:
    user, _ = await _sv_user(h)
    confirm = await _survey_to_confirmation(h, user, "&<" * 750)
    _fits(confirm)
    assert "&<" * 750 in confirm.plain


@kind("survey-comment-10000-chars-refused")
async def _survey_long(h: Harness) -> None:
    user, _ = await _sv_user(h)
    screen = await h.say(user, "/feedback")
    for _ in range(3):
        screen = await h.tap(user, screen, "Hoppa över")
    hint = await h.say(user, TEXT_10000)
    _fits(hint)
    assert "1500" in hint.plain  # "write at most 1500 characters"


@kind("survey-comment-emoji-family-and-zero-width-only")
async def _survey_emoji(h: Harness) -> None:
    user, _ = await _sv_user(h)
    confirm = await _survey_to_confirmation(h, user, FAMILY * 200)
    _fits(confirm)
    confirm = await _survey_to_confirmation(h, user, "\u200b\u200d\ufeff")
    _fits(confirm)


@kind("survey-media-at-the-comment-step")
async def _survey_media(h: Harness) -> None:
    user, _ = await _sv_user(h)
    screen = await h.say(user, "/feedback")
    for _ in range(3):
        screen = await h.tap(user, screen, "Hoppa över")
    message = _message(user, **_MEDIA["voice"])
    reply = await _reply(h, user, lambda: h.api.send_update({"message": message}))
    assert reply.plain


@kind("survey-forged-and-oversized-answers")
async def _survey_forged(h: Harness) -> None:
    user, _ = await _sv_user(h)
    screen = await h.say(user, "/feedback")
    for data in (
        "fq:svc:nope",
        "fq:rate:6",
        "fq:mun:stockholm-not-offered",
        "fq:send",
        "fq:" + "x" * 70,
        "fq:svc:school:extra",
        "fq:ok:-",
        "fq",
    ):
        await _press(h, _callback(user, data, _bot_message_json(screen)), reply_to=user)


# --- the tests ----------------------------------------------------------------------------------

assert len({k.id for k in KINDS}) == len(KINDS), "kind ids must be unique"


def test_at_least_fifty_kinds() -> None:
    assert len(KINDS) >= 50, len(KINDS)


@SHARED_LOOP
@pytest.mark.parametrize("case", KINDS, ids=[k.id for k in KINDS])
async def test_hostile_input_is_survived(
    bot: Harness, case: Kind, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    rejected_before = len(bot.api.rejected)
    await case.probe(bot)
    await bot.settle()

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    rejected = bot.api.rejected[rejected_before:]
    unforeseeable = [r for r in rejected if any(t in r.description for t in case.tolerated)]
    assert [r for r in rejected if r not in unforeseeable] == [], "Telegram would reject these"

    # And the next person is served as if nothing had happened.
    user = bot.api.new_user(language_code="sv")
    greeting = await bot.say(user, "/start")
    assert greeting.button_texts == LANGUAGE_BUTTONS
    menu = await bot.tap(user, greeting, "Svenska")
    assert MENU in menu.plain


@SHARED_LOOP
async def test_a_normal_user_is_served_after_all_of_it(bot: Harness) -> None:
    rejected_before = len(bot.api.rejected)
    user, menu = await _sv_user(bot)
    section = await bot.tap(user, menu, "Dina rättigheter")
    assert "Välj ett ämne" in section.plain
    topic = await bot.tap(user, section, section.button_texts[0])
    _fits(topic)
    answer = await bot.say(user, "vad gäller för modersmål")
    assert answer.buttons
    confirm = await _survey_to_confirmation(bot, user, "normal1 allt fungerade")
    thanks = await bot.tap(user, confirm, "Skicka")
    assert "Tack" in thanks.plain
    assert _feedback_with(bot, "normal1") == 1
    await bot.settle()
    assert bot.api.rejected[rejected_before:] == []
