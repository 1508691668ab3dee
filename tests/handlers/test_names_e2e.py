"""Names and handles typed in a feedback comment, end to end (issue 10): removed before the
resident confirms, the marker in the resident's language, and nowhere on disk or in the log,
with the bot's loggers at DEBUG."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from bot.content.model import Lang
from devtools.fake_telegram import FakeUser, SentMessage

from .conftest import Harness

LANGUAGE_BUTTON = {"sv": "Svenska", "rom": "Romani chib", "fi": "Suomi"}

# (typed comment, the names and handles in it, what is kept around them)
COMMENTS: dict[Lang, tuple[str, tuple[str, ...], str]] = {
    "sv": (
        "Jag heter Maria Stanescu. Handläggaren Eva Holm var otrevlig mot familjen Taikon, "
        "skriv till @maria_st85 eller t.me/maria_st85",
        ("Stanescu", "Eva Holm", "Taikon", "maria_st85"),
        "var otrevlig mot familjen",
    ),
    "fi": (
        "Nimeni on Marja Virtanen. Sosiaalityöntekijä Anna Lundbergille lähetin kolme viestiä, "
        "Marjalle ei vastattu.",
        ("Virtanen", "Lundberg", "Marjalle", "Marja"),
        "lähetin kolme viestiä",
    ),
    "rom": (
        "Me sem e Dragana Kaldaras. O handläggari Zoran Jovanović na del amen love, "
        "dem o lil Draganeske.",
        ("Dragana", "Kaldaras", "Zoran", "Jovanović", "Draganeske"),
        "na del amen love",
    ),
}


async def _press(h: Harness, user: FakeUser, message: SentMessage, label: str) -> SentMessage:
    current = h.api.get_message(message.chat_id, message.message_id) or message
    matches = [
        i
        for i, text in enumerate(current.button_texts)
        if text == label or text.endswith(" " + label)
    ]
    assert len(matches) == 1, f"no single button {label!r} in {current.button_texts}"
    mark = h.api.mark()
    h.api.press(user, current, matches[0])
    return await h.api.wait_for_message(user.chat_id, after=mark)


@pytest.mark.parametrize("lang", sorted(COMMENTS))
async def test_names_are_removed_before_confirmation_and_never_stored_or_logged(
    harness: Harness, caplog: pytest.LogCaptureFixture, lang: Lang
) -> None:
    # The bot's own loggers at DEBUG; libraries as production holds them (python-telegram-bot
    # logs whole updates at DEBUG, which is why production never lets it below INFO).
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    h = harness
    t = h.services.translators[lang]
    typed, names, kept = COMMENTS[lang]
    marker = t._("[removed]")
    assert marker.startswith("[") and (marker == "[borttaget]") == (lang == "sv")

    user = h.api.new_user()
    greeting = await h.say(user, "/start")
    await h.tap(user, greeting, LANGUAGE_BUTTON[lang])
    screen = await h.say(user, "/feedback")
    for _ in range(3):
        screen = await _press(h, user, screen, t._("Skip"))
    screen = await h.say(user, typed)
    for _ in range(2):
        screen = await _press(h, user, screen, t._("Skip"))

    assert kept in screen.plain and marker in screen.plain  # shown before anything is stored
    for name in names:
        assert name not in screen.plain, name
    await _press(h, user, screen, t._("Send"))
    await h.settle()

    with sqlite3.connect(h.settings.database_path) as raw:
        [(comment,)] = list(raw.execute("SELECT comment FROM feedback"))
    assert kept in comment and marker in comment
    database = h.settings.database_path
    files = [database, database.with_name(database.name + "-wal")]
    data = b"".join(path.read_bytes() for path in files if path.exists())
    assert kept.encode() in data  # the comment is on disk, so the search below means something
    log = caplog.text
    for name in names:
        assert name not in comment, name
        assert name.encode() not in data, name
        assert name not in log, name
