"""The anonymous feedback survey, end to end: the real Application polling the fake Bot API."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import pytest

from bot.content.model import LANGUAGES, Lang
from bot.feedback.survey import MAX_COMMENT_CHARS
from bot.handlers import feedback as feedback_handler
from bot.i18n import Translator
from bot.privacy.scrubber import MARKER
from bot.storage import feedback as store
from bot.storage.database import iso_week
from bot.storage.exports import week_month
from devtools.fake_telegram import FakeUser, SentMessage

from .conftest import Harness

LANGUAGE_BUTTON = {"sv": "Svenska", "rom": "Romani chib", "fi": "Suomi"}
PERSONNUMMER = "19811218-9876"
PHONE = "070-123 45 67"


def _t(h: Harness, lang: Lang) -> Translator:
    return h.services.translators[lang]


def _rows(h: Harness, sql: str = "SELECT * FROM feedback") -> list[tuple[Any, ...]]:
    """Through a second connection, which sees only what is committed."""
    with sqlite3.connect(h.settings.database_path) as raw:
        return list(raw.execute(sql))


async def _choose(h: Harness, user: FakeUser, lang: Lang) -> None:
    greeting = await h.say(user, "/start")
    await h.tap(user, greeting, LANGUAGE_BUTTON[lang])


async def _press(h: Harness, user: FakeUser, message: SentMessage, label: str) -> SentMessage:
    """Press the button whose text is `label` (after an emoji or symbol, if any)."""
    current = h.api.get_message(message.chat_id, message.message_id) or message
    texts = current.button_texts
    matches = [i for i, text in enumerate(texts) if text == label or text.endswith(" " + label)]
    assert len(matches) == 1, f"no single button {label!r} in {texts}"
    mark = h.api.mark()
    h.api.press(user, current, matches[0])
    return await h.api.wait_for_message(user.chat_id, after=mark)


async def _skip(h: Harness, user: FakeUser, message: SentMessage, lang: Lang) -> SentMessage:
    return await _press(h, user, message, _t(h, lang)._("Skip"))


async def _skip_all(h: Harness, user: FakeUser, lang: Lang) -> SentMessage:
    screen = await h.say(user, "/feedback")
    for _ in range(6):
        screen = await _skip(h, user, screen, lang)
    return screen


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_full_survey_in_each_language(harness: Harness, lang: Lang) -> None:
    h, t = harness, _t(harness, lang)
    user = h.api.new_user()
    await _choose(h, user, lang)
    service = await h.say(user, "/feedback")
    assert t._("Which service is your feedback about?") in service.plain
    assert "(1/6)" in service.plain
    rating = await _press(h, user, service, t._("Housing"))
    assert rating.message_id == service.message_id  # one message, edited step by step
    respect = await _press(h, user, rating, t._("Good"))
    comment = await _press(h, user, respect, t._("Partly"))
    assert t._("Which municipality do you live in?") not in comment.plain
    age = await h.say(user, "Hyresvärden lyssnade inte.")
    assert t._("How old are you?") in age.plain
    municipality = await _press(h, user, age, t._("18–30 years"))
    confirm = await _press(h, user, municipality, "Haninge")
    for shown in (t._("Housing"), t._("Good"), t._("Partly"), t._("18–30 years"), "Haninge"):
        assert shown in confirm.plain
    assert "Hyresvärden lyssnade inte." in confirm.plain
    assert _rows(h) == []  # nothing is written before the person confirms
    thanks = await _press(h, user, confirm, t._("Send"))
    assert t._("Thank you! Your feedback is saved.") in thanks.plain
    assert "24" in thanks.plain  # says how long the words are kept
    [row] = _rows(h)
    week = iso_week(h.services.today())
    assert row[1:] == (
        week,
        lang,
        "housing",
        4,
        "partly",
        "Hyresvärden lyssnade inte.",
        "18-30",
        "haninge",
        week_month(week),  # the month of the week's Thursday: nothing finer than the week
        0,  # not handled
        0,  # not approved for quoting
        1,  # came with a comment
    )


async def test_the_menu_button_starts_the_survey_in_place(harness: Harness) -> None:
    h = harness
    user = h.api.new_user()
    await _choose(h, user, "fi")
    menu = await h.say(user, "/menu")
    survey = await h.tap(user, menu, "Anna palautetta")
    assert survey.message_id == menu.message_id
    assert "Mitä palvelua palautteesi koskee?" in survey.plain


async def test_every_step_can_be_skipped(harness: Harness) -> None:
    h = harness
    user = h.api.new_user()
    await _choose(h, user, "sv")
    confirm = await _skip_all(h, user, "sv")
    assert confirm.plain.count("(hoppade över)") == 6
    thanks = await _press(h, user, confirm, "Skicka")
    assert "Tack!" in thanks.plain
    assert _rows(
        h, "SELECT lang, service, rating, respect, comment, age_band, municipality FROM feedback"
    ) == [("sv", None, None, None, None, None, None)]


async def test_cancel_midway_stores_nothing(harness: Harness) -> None:
    h = harness
    user = h.api.new_user()
    await _choose(h, user, "rom")
    t = _t(h, "rom")
    service = await h.say(user, "/feedback")
    rating = await _press(h, user, service, t._("Health care"))
    cancelled = await _press(h, user, rating, t._("Cancel"))
    assert t._("Cancelled. Nothing was saved.") in cancelled.plain
    # /cancel at the free-text step, after typing nothing yet.
    screen = await h.say(user, "/feedback")
    for _ in range(3):
        screen = await _skip(h, user, screen, "rom")
    cancelled = await h.say(user, "/cancel")
    assert t._("Cancelled. Nothing was saved.") in cancelled.plain
    # Cancel on the confirmation screen, with text typed.
    screen = await h.say(user, "/feedback")
    for _ in range(3):
        screen = await _skip(h, user, screen, "rom")
    confirm = await h.say(user, "Nas lačhe")
    for _ in range(2):
        confirm = await _skip(h, user, confirm, "rom")
    assert "Nas lačhe" in confirm.plain
    await _press(h, user, confirm, t._("Cancel"))
    await h.settle()
    assert _rows(h) == []
    assert b"Nas lach" not in h.settings.database_path.read_bytes()


async def test_personal_data_is_scrubbed_before_confirmation_and_never_stored(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    h = harness
    user = h.api.new_user(first_name="Zlatana", username="zlatana_k")
    await _choose(h, user, "sv")
    screen = await h.say(user, "/feedback")
    for _ in range(3):
        screen = await _skip(h, user, screen, "sv")
    typed = f"Ring mig på {PHONE}, mitt personnummer är {PERSONNUMMER}. Bra hjälp!"
    screen = await h.say(user, typed)
    for _ in range(2):
        screen = await _skip(h, user, screen, "sv")
    expected = f"Ring mig på {MARKER}, mitt personnummer är {MARKER}. Bra hjälp!"
    assert expected in screen.plain  # what will be stored, shown before it is stored
    assert "9876" not in screen.plain and "45 67" not in screen.plain
    thanks = await _press(h, user, screen, "Skicka")
    assert "Tack!" in thanks.plain
    await h.settle()

    assert _rows(h, "SELECT comment FROM feedback") == [(expected,)]
    database = h.settings.database_path
    wal = database.with_name(database.name + "-wal")
    assert wal.exists()  # the bot is still running: the last commits live in the WAL
    raw = database.read_bytes() + wal.read_bytes()
    assert b"Bra hj" in raw  # the scrubbed comment is there, so the search below is meaningful
    needles = [
        PERSONNUMMER,
        "198112189876",
        "8112189876",
        PHONE,
        "0701234567",
        str(user.id),
        "Zlatana",
        "zlatana_k",
    ]
    for needle in needles:
        assert needle.encode() not in raw, needle
        assert needle.encode("utf-16-le") not in raw, needle
        assert needle not in caplog.text, needle
    for record in caplog.records:
        assert str(user.id) not in str(record.args)


async def test_acknowledged_only_after_the_commit(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    user = h.api.new_user()
    await _choose(h, user, "sv")
    real_save = store.save_feedback
    seen: list[tuple[int, bool]] = []

    def thanked() -> bool:
        return any("Tack!" in m.plain for m in h.api.messages_in(user.chat_id))

    async def failing(*args: Any, **kwargs: Any) -> str:
        raise sqlite3.OperationalError("disk I/O error")

    async def observed(*args: Any, **kwargs: Any) -> str:
        feedback_id = await real_save(*args, **kwargs)
        # The commit is visible to another connection, and the person has not been told yet.
        seen.append((len(_rows(h)), thanked()))
        return feedback_id

    confirm = await _skip_all(h, user, "sv")
    monkeypatch.setattr(feedback_handler.store, "save_feedback", failing)
    again = await _press(h, user, confirm, "Skicka")
    assert "inget sparades" in again.plain and "Kontrollera" in again.plain
    assert not thanked() and _rows(h) == []

    monkeypatch.setattr(feedback_handler.store, "save_feedback", observed)
    thanks = await _press(h, user, again, "Skicka")
    assert "Tack!" in thanks.plain
    assert seen == [(1, False)]


async def test_a_few_submissions_per_person_and_day(harness: Harness) -> None:
    h = harness
    user, other = h.api.new_user(), h.api.new_user()
    await _choose(h, user, "sv")
    await _choose(h, other, "sv")
    for _ in range(3):
        confirm = await _skip_all(h, user, "sv")
        assert "Tack!" in (await _press(h, user, confirm, "Skicka")).plain
    refused = await h.say(user, "/feedback")
    assert "redan skickat synpunkter flera gånger i dag" in refused.plain
    menu = await h.say(user, "/menu")
    refused = await h.tap(user, menu, "Lämna synpunkter")
    assert "redan skickat" in refused.plain
    # The limit is checked again on Send: a survey opened while under the limit is refused
    # if the limit was reached meanwhile, and nothing is stored.
    confirm = await _skip_all(h, other, "sv")
    limiter = h.services.feedback_limiter
    key = h.services.keys.key(other.id)
    while limiter.try_acquire(key, h.services.today()):
        pass
    late = await _press(h, other, confirm, "Skicka")
    assert "redan skickat" in late.plain
    assert _rows(h, "SELECT COUNT(*) FROM feedback") == [(3,)]
    # Only keys are counted, in memory: no Telegram id is held by the limiter.
    assert str(user.id) not in repr(vars(limiter))


async def test_typing_where_a_button_is_expected_asks_again(harness: Harness) -> None:
    h = harness
    user = h.api.new_user()
    await _choose(h, user, "sv")
    service = await h.say(user, "/feedback")
    rating = await _press(h, user, service, "Boende")
    again = await h.say(user, "det var bra")
    assert "Svara med knapparna" in again.plain and "Hur gick det?" in again.plain
    respect = await _press(h, user, again, "Bra")
    assert "respekt" in respect.plain
    assert rating.message_id != again.message_id


async def test_too_long_text_is_refused_not_cut(harness: Harness) -> None:
    h = harness
    user = h.api.new_user()
    await _choose(h, user, "sv")
    screen = await h.say(user, "/feedback")
    for _ in range(3):
        screen = await _skip(h, user, screen, "sv")
    refused = await h.say(user, "x" * (MAX_COMMENT_CHARS + 1))
    assert "för långt" in refused.plain and str(MAX_COMMENT_CHARS) in refused.plain
    accepted = await h.say(user, "kort")
    assert "Hur gammal är du?" in accepted.plain


async def test_other_commands_and_buttons_leave_the_survey(harness: Harness) -> None:
    h = harness
    user = h.api.new_user()
    await _choose(h, user, "sv")
    screen = await h.say(user, "/feedback")
    for _ in range(3):
        screen = await _skip(h, user, screen, "sv")
    menu = await h.say(user, "/menu")  # does what it always does
    assert "Huvudmeny" in menu.plain
    answer = await h.say(user, "vad gäller för modersmål")  # a question, not feedback
    assert "Hur gammal är du?" not in answer.plain and "Kontrollera" not in answer.plain
    # A menu button pressed during the survey works too and ends the survey.
    service = await h.say(user, "/feedback")
    menu = await h.say(user, "/menu")
    section = await h.tap(user, menu, "Skola och förskola")
    assert "Välj ett ämne" in section.plain
    stale = await _press(h, user, service, "Boende")
    assert "gäller inte längre" in stale.plain
    await h.settle()
    assert _rows(h) == []


async def test_forged_and_stale_survey_buttons(harness: Harness) -> None:
    h = harness
    user = h.api.new_user()
    await _choose(h, user, "sv")
    service = await h.say(user, "/feedback")
    rating = await _press(h, user, service, "Arbete")
    for forged in ["fq:svc:bank", "fq:rate:9", "fq:svc:school", "fq:send", "fq:mun:nowhere"]:
        mark = h.api.mark()
        query_id = h.api.press_data(user, rating, forged)
        shown = await h.api.wait_for_message(user.chat_id, after=mark)
        assert "Hur gick det?" in shown.plain  # the current question again
        await h.settle()
        answers = {a.callback_query_id: a.text for a in h.api.callback_answers}
        assert answers[query_id] == "Den knappen gäller inte längre."
    respect = await _press(h, user, shown, "Dåligt")
    assert "respekt" in respect.plain
    await h.settle()
    assert _rows(h) == []


async def test_an_abandoned_survey_does_not_catch_later_messages(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    user = h.api.new_user()
    await _choose(h, user, "sv")
    now = [1000.0]
    monkeypatch.setattr(feedback_handler, "clock", lambda: now[0])
    screen = await h.say(user, "/feedback")
    for _ in range(3):
        screen = await _skip(h, user, screen, "sv")
    now[0] += feedback_handler.SESSION_MAX_AGE + 1  # the person went away for hours
    answer = await h.say(user, "vad gäller för modersmål")
    assert "Hur gammal är du?" not in answer.plain  # answered as a question
    await h.settle()
    assert _rows(h) == []


@pytest.mark.parametrize("start", ["/feedback", "/feedback extra words"])
async def test_feedback_before_choosing_a_language_asks_for_the_language(
    harness: Harness, start: str
) -> None:
    user = harness.api.new_user()
    greeting = await harness.say(user, start)
    assert greeting.button_texts == ["Svenska", "Romani chib", "Suomi"]


async def test_feedback_is_for_private_chats_only(harness: Harness) -> None:
    h = harness
    user = h.api.new_user()
    await _choose(h, user, "sv")
    mark = h.api.mark()
    h.api.send_text(user, "/feedback", chat_type="group")
    await h.settle()
    assert [e for e in h.api.events_since(mark) if e.message.chat_id != user.chat_id] == []
