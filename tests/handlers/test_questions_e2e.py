"""Typed questions end to end: found topics in the user's language, small talk, and misses."""

from __future__ import annotations

import sqlite3

import pytest

from bot.content import Library
from devtools.fake_telegram import FakeUser

from .conftest import Harness

LANGUAGE_BUTTON = {"sv": "Svenska", "rom": "Romani chib", "fi": "Suomi"}


async def _user(h: Harness, lang: str) -> FakeUser:
    user = h.api.new_user()
    greeting = await h.say(user, "/start")
    await h.tap(user, greeting, LANGUAGE_BUTTON[lang])
    return user


@pytest.mark.parametrize(
    ("lang", "question", "topic_id"),
    [
        ("sv", "hur söker man försörjningsstöd", "financial-assistance"),
        ("fi", "toimeentulotuki hakemus", "financial-assistance"),
        ("rom", "modersmål romani čhib ande škola", "mother-tongue-tuition"),
    ],
)
async def test_question_is_answered_with_the_topic_in_the_users_language(
    harness: Harness, library: Library, lang: str, question: str, topic_id: str
) -> None:
    user = await _user(harness, lang)
    reply = await harness.say(user, question)
    titles = {library.topic(lang, topic_id).title}  # type: ignore[arg-type]
    shown = reply.plain + " ".join(reply.button_texts)
    assert any(title in shown for title in titles), shown[:300]


async def test_a_question_in_another_language_answers_in_the_users_language(
    harness: Harness, library: Library
) -> None:
    user = await _user(harness, "fi")
    reply = await harness.say(user, "modersmål i skolan")
    assert library.topic("fi", "mother-tongue-tuition").title in reply.plain + str(
        reply.button_texts
    )


@pytest.mark.parametrize(("lang", "text"), [("sv", "hej"), ("rom", "sastipe"), ("fi", "kiitos")])
async def test_small_talk_gets_a_friendly_reply(harness: Harness, lang: str, text: str) -> None:
    user = await _user(harness, lang)
    reply = await harness.say(user, text)
    assert "📨" not in " ".join(reply.button_texts)  # not treated as a search miss
    assert len(reply.button_texts) == 6  # the main menu


async def test_miss_can_be_passed_on_scrubbed_and_without_identifier(harness: Harness) -> None:
    user = await _user(harness, "sv")
    question = "xyzzy plugh 070-123 45 67 qwerty"
    reply = await harness.say(user, question)
    assert "📨" in reply.button_texts[0]
    confirm = await harness.tap(user, reply, "📨")  # shown first, scrubbed (review F5)
    assert "070-123 45 67" not in confirm.plain and "[borttaget]" in confirm.plain
    done = await harness.tap(user, confirm, "Skicka")
    assert "Tack" in done.plain
    with sqlite3.connect(harness.settings.database_path) as raw:
        rows = raw.execute("SELECT * FROM unanswered_questions").fetchall()
        misses = raw.execute("SELECT lang, count FROM search_misses").fetchall()
    assert len(rows) == 1
    stored = " ".join(map(str, rows[0]))
    assert "070-123 45 67" not in stored and "[borttaget]" in stored
    assert str(user.id) not in stored
    assert misses == [("sv", 1)]


async def test_stale_submit_button_stores_nothing(harness: Harness) -> None:
    user = await _user(harness, "sv")
    reply = await harness.say(user, "xyzzy plugh")
    old_data = reply.flat_buttons[0].callback_data
    assert old_data is not None
    confirm = await harness.tap(user, reply, "📨")
    send_data = confirm.flat_buttons[0].callback_data
    assert send_data is not None
    done = await harness.tap(user, confirm, "Skicka")
    # The question and the bot's copy are deleted from the chat once sent (issue 10), so a
    # second press of the offer or of Send can only come as forged data on a live message.
    mark = harness.api.mark()
    harness.api.press_data(user, done, old_data)  # the same button pressed a second time
    again = await harness.api.wait_for_message(user.chat_id, after=mark)
    assert "gäller inte längre" in again.plain
    menu = await harness.say(user, "/menu")
    mark = harness.api.mark()
    harness.api.press_data(user, menu, send_data)
    again = await harness.api.wait_for_message(user.chat_id, after=mark)
    assert "gäller inte längre" in again.plain
    with sqlite3.connect(harness.settings.database_path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM unanswered_questions").fetchone() == (1,)
