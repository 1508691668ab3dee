"""The resident's and the bridge-builder's journeys, end to end through the real Application."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.content import Library
from bot.links.deeplinks import DeepLink, build_payload
from devtools.fake_telegram import FakeUser

from .conftest import Harness

MENU = {"sv": "Huvudmeny", "rom": "Baro menu", "fi": "Päävalikko"}
LANGUAGE_BUTTON = {"sv": "Svenska", "rom": "Romani chib", "fi": "Suomi"}


async def _choose(h: Harness, user: FakeUser, lang: str) -> None:
    greeting = await h.say(user, "/start")
    await h.tap(user, greeting, LANGUAGE_BUTTON[lang])


async def test_start_offers_three_languages_in_their_own_names(harness: Harness) -> None:
    user = harness.api.new_user(language_code="en")
    greeting = await harness.say(user, "/start")
    assert greeting.button_texts == ["Svenska", "Romani chib", "Suomi"]
    assert "Välj ditt språk" in greeting.plain and "Valitse kielesi" in greeting.plain


async def test_telegram_language_orders_but_does_not_choose(harness: Harness) -> None:
    user = harness.api.new_user(language_code="fi")
    greeting = await harness.say(user, "/start")
    assert greeting.button_texts[0] == "Suomi"
    assert len(greeting.button_texts) == 3  # still a choice, not a decision
    stored = await harness.services.db.get_preference(
        harness.services.keys.key(user.id), harness.services.today()
    )
    assert stored.lang is None


@pytest.mark.parametrize("lang", ["sv", "rom", "fi"])
async def test_choosing_a_language_edits_the_greeting_into_the_main_menu(
    harness: Harness, lang: str
) -> None:
    user = harness.api.new_user()
    greeting = await harness.say(user, "/start")
    menu = await harness.tap(user, greeting, LANGUAGE_BUTTON[lang])
    assert menu.message_id == greeting.message_id and menu.edited
    assert MENU[lang] in menu.plain
    assert len(menu.button_texts) == 6  # four sections, feedback, change language
    again = await harness.say(user, "/menu")
    assert MENU[lang] in again.plain


async def test_menu_to_section_to_topic_and_back(harness: Harness, library: Library) -> None:
    user = harness.api.new_user()
    await _choose(harness, user, "sv")
    menu = await harness.say(user, "/menu")
    section = await harness.tap(user, menu, "Skola och förskola")
    icons = library.pictograms
    titles = [
        icons.label(icons.topic(t), library.topic("sv", t).title)
        for t in library.section("school").topic_ids
    ]
    assert section.button_texts[: len(titles)] == titles  # one pictogram per topic (issue 11)
    topic = await harness.tap(user, section, titles[0])
    assert library.topic("sv", "mother-tongue-tuition").summary.split(".")[0] in topic.plain
    # Answer first (issue 11): the sources are one tap away, in the same message.
    sources = await harness.tap(user, topic, "Källor")
    assert "Källor" in sources.plain and sources.message_id == topic.message_id
    topic = await harness.tap(user, sources, "Kort svar")
    back = await harness.tap(user, topic, "« Skola och förskola")
    assert back.message_id == menu.message_id  # navigation edits one message in place
    home = await harness.tap(user, back, "Meny")
    assert "Huvudmeny" in home.plain


async def test_related_topic_opens_in_one_tap(harness: Harness, library: Library) -> None:
    user = harness.api.new_user()
    await _choose(harness, user, "fi")
    topic = library.topic("fi", "financial-assistance")
    related = library.topic("fi", topic.related[0])
    opened = await harness.say(user, "/start fi-financial-assistance")
    shown = await harness.tap(user, opened, "→ " + related.title)
    assert related.title in shown.plain


async def test_every_deep_link_opens_its_topic_in_its_language(
    harness: Harness, library: Library
) -> None:
    for lang in ("sv", "rom", "fi"):
        for topic_id in library.topic_ids:
            # One person per link: one person opening dozens of links a second would meet the
            # flood control and the per-chat rate limit (bot/plumbing/flood.py, ratelimit.py).
            user = harness.api.new_user(language_code="sv")
            payload = build_payload(DeepLink(lang, topic_id))  # type: ignore[arg-type]
            message = await harness.say(user, f"/start {payload}")
            title = library.topic(lang, topic_id).title  # type: ignore[arg-type]
            if "Malmö" in message.button_texts:  # asked once per user, then remembered
                assert topic_id in library.local_topics
                message = await harness.tap(user, message, "Malmö")
            assert title in message.plain, (lang, topic_id)
        menu = await harness.say(user, "/menu")
        assert MENU[lang] in menu.plain  # the deep link set the language


async def test_source_tags_are_counted_per_day_without_the_person(harness: Harness) -> None:
    users = [harness.api.new_user() for _ in range(3)]
    for user in users:
        await harness.say(user, "/start rom-mother-tongue-tuition_haninge1")
    counts = await harness.services.db.deeplink_counts()
    assert [(tag, count) for tag, _, count in counts] == [("haninge1", 3)]


@pytest.mark.parametrize(
    "payload",
    [
        "xx-housing",
        "sv-no-such-topic",
        "sv-housing_" + "x" * 60,
        "sv_housing",
        "<script>",
        "sv-housing extra words",
    ],
)
async def test_bad_deep_links_fall_back_to_the_greeting(harness: Harness, payload: str) -> None:
    user = harness.api.new_user()
    message = await harness.say(user, f"/start {payload}")
    assert message.button_texts == ["Svenska", "Romani chib", "Suomi"]
    assert await harness.services.db.deeplink_counts() == []


async def test_show_in_swedish_and_back(harness: Harness, library: Library) -> None:
    user = harness.api.new_user()
    topic = await harness.say(user, "/start rom-child-concern-report")
    assert "ej granskad" in topic.plain  # unreviewed Romani text says so in one line
    swedish = await harness.tap(user, topic, "Sikav švedikanes")
    assert library.topic("sv", "child-concern-report").title in swedish.plain
    assert "granskad" not in swedish.plain.split("\n")[1]
    back = await harness.tap(user, swedish, "Romani chib")
    assert library.topic("rom", "child-concern-report").title in back.plain


async def test_local_topic_asks_for_municipality_once(harness: Harness, library: Library) -> None:
    user = harness.api.new_user()
    await _choose(harness, user, "sv")
    chooser = await harness.say(user, "/start sv-libraries")
    assert "Vilken kommun" in chooser.plain
    shown = await harness.tap(user, chooser, "Malmö")
    malmo_place = library.places_for("libraries", "malmo")[0]
    assert malmo_place.name in shown.plain
    again = await harness.say(user, "/start sv-libraries")
    assert malmo_place.name in again.plain  # remembered like the language
    chooser = await harness.tap(user, again, "Byt kommun")
    shown = await harness.tap(user, chooser, "Göteborg")
    assert malmo_place.name not in shown.plain and "Göteborg" in shown.plain


async def test_privacy_says_what_is_stored_in_plain_words(harness: Harness) -> None:
    user = harness.api.new_user()
    await _choose(harness, user, "fi")
    privacy = await harness.say(user, "/privacy")
    assert "180" in privacy.plain and "24" in privacy.plain
    assert "Telegram" in privacy.plain and "/forget" in privacy.plain


async def test_forget_deletes_everything_stored_about_the_user(harness: Harness) -> None:
    user = harness.api.new_user()
    await _choose(harness, user, "rom")
    key = harness.services.keys.key(user.id)
    assert (await harness.services.db.get_preference(key, harness.services.today())).lang == "rom"
    reply = await harness.say(user, "/forget")
    assert reply.plain  # confirmed in the language that was just forgotten
    with sqlite3.connect(harness.settings.database_path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM preferences").fetchone() == (0,)
    after = await harness.say(user, "/menu")
    assert after.button_texts == ["Svenska", "Romani chib", "Suomi"]


async def test_forged_callback_data_is_answered_and_harmless(harness: Harness) -> None:
    user = harness.api.new_user()
    await _choose(harness, user, "sv")
    menu = await harness.say(user, "/menu")
    for forged in ["top:../../etc", "lang:en", "x" * 64, "sec:admin", "mun:nowhere:housing"]:
        mark = harness.api.mark()
        query_id = harness.api.press_data(user, menu, forged)
        reply = await harness.api.wait_for_message(user.chat_id, after=mark)
        assert "gäller inte längre" in reply.plain
        await harness.settle()
        assert query_id in {answer.callback_query_id for answer in harness.api.callback_answers}


async def test_every_callback_query_is_answered(harness: Harness) -> None:
    user = harness.api.new_user()
    greeting = await harness.say(user, "/start")
    menu = await harness.tap(user, greeting, "Suomi")
    section = await harness.tap(user, menu, "Oikeutesi")
    await harness.tap(user, section, "Valikko")
    await harness.settle()
    presses = [r for r in harness.api.requests if r.method == "answerCallbackQuery"]
    assert len(presses) == 3


async def test_groups_channels_and_edits_get_no_reply(harness: Harness) -> None:
    user = harness.api.new_user()
    harness.api.send_text(user, "/start", chat_type="group")
    harness.api.send_text(user, "/menu", chat_type="supergroup")
    harness.api.send_text(user, "hej", chat_type="channel")
    harness.api.send_update(
        {
            "edited_message": {
                "message_id": 1,
                "date": 0,
                "edit_date": 1,
                "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
                "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
                "text": "/start",
            }
        }
    )
    await harness.settle()
    sends = [r for r in harness.api.requests if r.method.startswith("send")]
    assert sends == []
    greeting = await harness.say(user, "/start")  # and the private chat still works
    assert greeting.button_texts[0] == "Svenska"


async def test_media_in_private_chat_gets_one_short_line(harness: Harness) -> None:
    user = harness.api.new_user()
    await _choose(harness, user, "sv")
    mark = harness.api.mark()
    harness.api.send_update(
        {
            "message": {
                "message_id": 99,
                "date": 0,
                "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
                "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
                "sticker": {
                    "file_id": "x",
                    "file_unique_id": "y",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                },
            }
        }
    )
    reply = await harness.api.wait_for_message(user.chat_id, after=mark)
    assert "bara läsa text" in reply.plain and len(reply.plain) < 80


async def test_free_text_gets_a_useful_answer(harness: Harness) -> None:
    user = harness.api.new_user()
    await _choose(harness, user, "sv")
    reply = await harness.say(user, "vad gäller för modersmål")
    assert reply.button_texts  # an answer with a way forward, never silence


async def test_commands_are_registered_in_swedish_finnish_and_default(harness: Harness) -> None:
    await harness.settle()
    languages = {lang for _, lang in harness.api.commands}
    assert {"", "sv", "fi"} <= languages
    names = {name for name, _ in harness.api.commands[next(iter(harness.api.commands))]}
    assert {"start", "menu", "language", "help", "privacy", "forget"} <= names


async def test_nothing_personal_reaches_the_data_dir(harness: Harness) -> None:
    user = harness.api.new_user(first_name="Zlatana", username="zlatana_k")
    await _choose(harness, user, "sv")
    await harness.say(user, "mitt namn är Zlatana och jag undrar om soc")
    await harness.say(user, "/start sv-libraries_poster7")
    await harness.services.db.flush_counters()
    await asyncio.sleep(0)
    blob = b"".join(p.read_bytes() for p in harness.settings.data_dir.rglob("*") if p.is_file())
    for secret in (str(user.id).encode(), b"Zlatana", b"zlatana_k", b"undrar om soc"):
        assert secret not in blob
