"""Issue 11, end to end: answer first for every topic, language and way in; every part one tap
away; voice notes uploaded once; media, control words, tagged posters and "Was this helpful?"."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.error import BadRequest

from bot.app import running_bot
from bot.config import REPO_ROOT, Settings
from bot.content import Library
from bot.content.model import LANGUAGES, Lang, Topic
from bot.i18n import Translator
from bot.storage.helpful import helpful_counts
from bot.ui.screens import SECTION_TITLES
from bot.ui.topic import FIRST_SCREEN_MAX
from devtools.fake_telegram import (
    FakeBotApi,
    FakeUser,
    InProcessRequest,
    SentMessage,
    UploadedFile,
    utf16_len,
)
from devtools.ogg_opus import silent_ogg_opus

from .conftest import Harness

LANGUAGE_BUTTON = {"sv": "Svenska", "rom": "Romani chib", "fi": "Suomi"}
MENU = {"sv": "Huvudmeny", "rom": "Baro menu", "fi": "Päävalikko"}
MUNICIPALITY = "Malmö"


def _flat(text: str) -> str:
    return " ".join(text.split())


async def _choose(h: Harness, user: FakeUser, lang: str) -> None:
    greeting = await h.say(user, "/start")
    await h.tap(user, greeting, LANGUAGE_BUTTON[lang])


async def _past_chooser(h: Harness, user: FakeUser, message: SentMessage) -> SentMessage:
    """A local topic asks for the municipality first (once); choose Malmö."""
    if any(text == MUNICIPALITY for text in message.button_texts):
        return await h.tap(user, message, MUNICIPALITY)
    return message


async def _press(h: Harness, user: FakeUser, message: SentMessage, data: str) -> SentMessage:
    mark = h.api.mark()
    h.api.press_data(user, message, data)
    return await h.api.wait_for_message(user.chat_id, after=mark)


def _typed_query(h: Harness, topic: Topic, lang: Lang) -> str | None:
    """Words a person might type that the search answers with this topic first."""
    for query in (topic.title, *topic.keywords):
        result = h.services.search.search(query)
        if result.kind == "match" and result.topic_ids[0] == topic.id:
            return query
    return None


def _full_text(library: Library, topic: Topic) -> list[str]:
    """Every text a reader must be able to reach: the whole topic, as before issue 11."""
    texts = [topic.summary, *topic.next_steps]
    for section in topic.sections:
        texts += [section.heading, *([section.text] if section.text else [])]
        texts += [*section.steps, *section.bullets]
    texts += [contact.name for contact in topic.contacts]
    texts += [source.title for source in topic.sources]
    if topic.id in library.local_topics:
        texts += [place.name for place in library.places_for(topic.id, "malmo")]
    return texts


async def _check_answer_first(
    h: Harness, user: FakeUser, first: SentMessage, library: Library, topic: Topic, way: str
) -> int:
    where = f"{topic.lang}/{topic.id}/{way}"
    size = utf16_len(first.plain)
    assert size <= FIRST_SCREEN_MAX, f"{where}: first screen {size} > {FIRST_SCREEN_MAX}"
    assert _flat(topic.summary) in _flat(first.plain), where
    assert _flat(topic.next_steps[0]) in _flat(first.plain), where
    if topic.id in library.local_topics:
        assert MUNICIPALITY in first.plain, where
        nearest = library.places_for(topic.id, "malmo")
        assert not nearest or nearest[0].name in first.plain, where
    part_data = [
        b.callback_data
        for b in first.flat_buttons
        if b.callback_data and b.callback_data.startswith(f"tp:{topic.id}:")
    ]
    seen = [first.plain]
    for data in part_data:  # each part exactly one tap from the first screen
        shown = await _press(h, user, first, data)
        assert shown.message_id == first.message_id, f"{where}: {data} not in place"
        seen.append(shown.plain)
        first = await _press(h, user, shown, f"tp:{topic.id}:a")
    reachable = _flat("\n".join(seen))
    missing = [text for text in _full_text(library, topic) if _flat(text) not in reachable]
    assert missing == [], f"{where}: not reachable in one tap: {missing}"
    assert any(b.callback_data == f"ok:{topic.id}:y" for b in first.flat_buttons), where
    return size


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_topic_answers_first_from_menu_deep_link_and_typed_question(
    harness: Harness, library: Library, translators: dict[Lang, Translator], lang: Lang
) -> None:
    t = translators[lang]
    icons = library.pictograms
    sizes: list[int] = []
    for section in library.sections:
        for topic_id in section.topic_ids:
            topic = library.topic(lang, topic_id)
            # 1. the menu
            user = harness.api.new_user(language_code=None)
            await _choose(harness, user, lang)
            menu = await harness.say(user, "/menu")
            shown = await harness.tap(user, menu, t._(SECTION_TITLES[section.id]))
            label = icons.label(icons.topic(topic_id), topic.title)
            first = await _past_chooser(harness, user, await harness.tap(user, shown, label))
            sizes.append(await _check_answer_first(harness, user, first, library, topic, "menu"))
            # 2. a deep link (a poster's QR code)
            user = harness.api.new_user(language_code=None)
            first = await harness.say(user, f"/start {lang}-{topic_id}")
            first = await _past_chooser(harness, user, first)
            sizes.append(await _check_answer_first(harness, user, first, library, topic, "link"))
            # 3. a typed question
            query = _typed_query(harness, topic, lang)
            assert query is not None, f"{lang}/{topic_id}: no typed words find it first"
            user = harness.api.new_user(language_code=None)
            await _choose(harness, user, lang)
            first = await _past_chooser(harness, user, await harness.say(user, query))
            sizes.append(await _check_answer_first(harness, user, first, library, topic, "typed"))
    assert len(sizes) == 3 * len(library.topic_ids)
    assert max(sizes) <= FIRST_SCREEN_MAX


# --- voice notes --------------------------------------------------------------------------------


def _with_audio(content: Path) -> None:
    folder = content / "audio" / "sv"
    folder.mkdir(parents=True)
    (folder / "housing.ogg").write_bytes(silent_ogg_opus(2.0))
    (folder / "housing.yaml").write_text("variety: rikssvenska\nreview: draft\n", encoding="utf-8")
    (folder / "welcome.ogg").write_bytes(silent_ogg_opus(1.0, serial=7))
    (folder / "welcome.yaml").write_text("variety: rikssvenska\nreview: draft\n", encoding="utf-8")


@pytest.fixture
async def audio_harness(tmp_path: Path) -> AsyncIterator[Harness]:
    content = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "content", content)
    _with_audio(content)
    async with FakeBotApi() as api:
        settings = Settings(
            token=api.token,
            api_base_url=api.base_url,
            data_dir=tmp_path / "data",
            content_dir=content,
        )
        async with running_bot(
            settings, poll_timeout=1, transport=lambda: InProcessRequest(api)
        ) as app:
            yield Harness(api, app, settings)
        assert api.rejected == [], f"Telegram would have rejected: {api.rejected}"


def _voice_requests(api: FakeBotApi) -> list[object]:
    return [r.params.get("voice") for r in api.requests if r.method == "sendVoice"]


async def test_a_recorded_topic_is_sent_as_a_voice_note_uploaded_once(
    audio_harness: Harness,
) -> None:
    h = audio_harness
    first_user, second_user = h.api.new_user(), h.api.new_user()
    for user in (first_user, second_user):
        topic = await h.say(user, "/start sv-housing")
        assert "🔊" in topic.button_texts[0]
        mark = h.api.mark()
        h.api.press(user, topic, 0)
        voice = await h.api.wait_for_message(user.chat_id, after=mark)
        assert voice.kind == "voice" and voice.file and voice.file.startswith(b"OggS")
        assert "Bostad" in voice.plain  # the caption names the topic
    uploads = _voice_requests(h.api)
    assert isinstance(uploads[0], UploadedFile)
    assert isinstance(uploads[1], str) and uploads[1].startswith("FAKE-FILE-")  # the file_id
    # A topic without a recording has no listen button.
    other = await h.say(first_user, "/start sv-work")
    assert not any("🔊" in text for text in other.button_texts)


async def test_greeting_and_media_replies_carry_the_spoken_welcome(
    audio_harness: Harness,
) -> None:
    h = audio_harness
    user = h.api.new_user(language_code="sv")
    mark = h.api.mark()
    h.api.send_text(user, "/start")
    await h.settle()
    kinds = [message.kind for _, message in h.api.events_since(mark)]
    assert kinds == ["text", "voice"]
    greeting = h.api.events_since(mark)[0].message
    await h.tap(user, greeting, "Svenska")
    mark = h.api.mark()
    h.api.send_update(_media_update(user, voice=_FILE | {"duration": 3}))
    await h.settle()
    sent = [message for kind, message in h.api.events_since(mark) if kind == "sent"]
    assert [message.kind for message in sent] == ["voice", "text"]
    assert "bara läsa text" in sent[1].plain
    # The welcome was uploaded once, with the greeting; the media reply reused its file_id.
    uploads = _voice_requests(h.api)
    assert isinstance(uploads[0], UploadedFile) and isinstance(uploads[1], str)


async def test_the_fake_refuses_a_voice_note_that_is_not_ogg_opus(audio_harness: Harness) -> None:
    user = audio_harness.api.new_user()
    await audio_harness.say(user, "/start")
    bot = audio_harness.app.bot
    try:
        with pytest.raises(BadRequest, match=r"(?i)ogg/opus"):
            await bot.send_voice(user.chat_id, voice=b"ID3 not an ogg file", filename="x.mp3")
    finally:
        assert [r.method for r in audio_harness.api.rejected] == ["sendVoice"]
        audio_harness.api.rejected.clear()


# --- media, control words, tagged posters, helpful ----------------------------------------------

_FILE = {"file_id": "AgAD", "file_unique_id": "AQAD"}


def _media_update(user: FakeUser, **content: object) -> dict[str, object]:
    return {
        "message": {
            "message_id": 77,
            "date": 0,
            "chat": {"id": user.chat_id, "type": "private", "first_name": user.first_name},
            "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
            **content,
        }
    }


@pytest.mark.parametrize(
    ("content", "helper"),
    [
        ({"voice": _FILE | {"duration": 3}}, "Personer som kan hjälpa dig"),
        ({"photo": [_FILE | {"width": 90, "height": 90}]}, "Hjälp med brev nära dig"),
    ],
)
async def test_voice_and_photo_get_big_buttons_to_help_and_the_menu(
    harness: Harness, content: dict[str, object], helper: str
) -> None:
    user = harness.api.new_user()
    await _choose(harness, user, "sv")
    mark = harness.api.mark()
    harness.api.send_update(_media_update(user, **content))
    reply = await harness.api.wait_for_message(user.chat_id, after=mark)
    assert "bara läsa text" in reply.plain
    assert any(helper in text for text in reply.button_texts)
    assert any("Meny" in text for text in reply.button_texts)
    help_topic = await _past_chooser(harness, user, await harness.tap(user, reply, helper))
    assert "Brobyggare" in help_topic.plain or "brobyggare" in help_topic.plain
    menu = await harness.tap(user, help_topic, "Meny")
    assert "Huvudmeny" in menu.plain


@pytest.mark.parametrize(
    ("lang", "word", "expected"),
    [
        ("sv", "meny", "Huvudmeny"),
        ("sv", "Menyn!", "Huvudmeny"),
        ("fi", "valikko", "Päävalikko"),
        ("rom", "baro menu", "Baro menu"),
        ("sv", "hjälp", "/menu"),
        ("fi", "apua", "/menu"),
        ("rom", "žutipe", "/menu"),
        ("rom", "zutipe", "/menu"),
        ("sv", "språk", "Välj ditt språk"),
        ("fi", "takaisin", "Päävalikko"),
        ("rom", "palpale", "Baro menu"),
        ("sv", "integritet", "Det här sparas om dig"),
    ],
)
async def test_typed_control_words_do_what_they_say(
    harness: Harness, lang: str, word: str, expected: str
) -> None:
    user = harness.api.new_user(language_code=None)
    await _choose(harness, user, lang)
    reply = await harness.say(user, word)
    assert expected in reply.plain, reply.plain


@pytest.mark.parametrize(
    "phrase", ["radera mina uppgifter", "poista tietoni", "khos mire informacije", "Radera!"]
)
async def test_typed_delete_my_data_deletes_it(harness: Harness, phrase: str) -> None:
    user = harness.api.new_user(language_code=None)
    await _choose(harness, user, "sv")
    key = harness.services.keys.key(user.id)
    assert (await harness.services.db.get_preference(key, harness.services.today())).lang == "sv"
    await harness.say(user, phrase)
    assert (await harness.services.db.get_preference(key, harness.services.today())).lang is None


async def test_a_question_with_a_control_word_inside_still_searches(harness: Harness) -> None:
    user = harness.api.new_user()
    await _choose(harness, user, "sv")
    reply = await harness.say(user, "hjälp med hyran")
    assert "Bostad" in reply.plain


async def test_a_registered_poster_tag_opens_the_local_topic_for_its_place(
    harness: Harness,
) -> None:
    user = harness.api.new_user()
    topic = await harness.say(user, "/start sv-meeting-places_haninge1")
    assert "Haninge" in topic.plain and "Vilken kommun" not in topic.plain
    key = harness.services.keys.key(user.id)
    preference = await harness.services.db.get_preference(key, harness.services.today())
    assert preference.municipality == "haninge"
    # An unregistered tag behaves as before: the municipality is asked for.
    other = harness.api.new_user()
    chooser = await harness.say(other, "/start sv-meeting-places_poster7")
    assert "Vilken kommun" in chooser.plain


async def test_helpful_votes_are_anonymous_counters_one_per_person_and_day(
    harness: Harness,
) -> None:
    first, second = harness.api.new_user(), harness.api.new_user()
    for user in (first, second):
        topic = await harness.say(user, "/start fi-housing")
        for data in ("ok:housing:y", "ok:housing:y", "ok:housing:n"):
            harness.api.press_data(user, topic, data)
    await harness.settle()
    counts = await helpful_counts(harness.services.db)
    assert [(c.topic_id, c.lang, c.yes, c.no) for c in counts] == [("housing", "fi", 2, 0)]
    answers = [a.text for a in harness.api.callback_answers if a.text]
    assert answers.count("Kiitos! Vastauksesi on nimetön.") == 6
