"""Screens are plain data: checked here without any bot, for every topic and language."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.content import Library
from bot.content.model import LANGUAGES, Lang
from bot.i18n import Translator
from bot.ui import callbacks as cb
from bot.ui import privacy as privacy_ui
from bot.ui import screens as views
from bot.ui.render import MESSAGE_LIMIT, visible_len
from bot.ui.topic import SOURCES, topic_screen
from devtools.fake_telegram import parse_html

MUNICIPALITIES = frozenset({"malmo", "goteborg", "haninge", "stockholm", "huddinge"})


def _assert_valid(screen: views.Screen, library: Library) -> None:
    for message in screen.messages:
        parse_html(message)  # raises on HTML that Telegram would reject
        assert 0 < visible_len(message) <= MESSAGE_LIMIT
    for row in screen.keyboard:
        for b in row:
            assert b.data is not None and len(b.data.encode()) <= 64
            assert cb.decode(b.data, library, MUNICIPALITIES) is not None, b.data


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_topic_screen_is_valid_html_within_limits(
    library: Library, translators: dict[Lang, Translator], lang: Lang
) -> None:
    for topic_id in library.topic_ids:
        screen = topic_screen(
            translators[lang], library, topic_id, ui_lang=lang, municipality="malmo"
        )
        assert len(screen.messages) == 1, topic_id
        _assert_valid(screen, library)


def test_greeting_orders_by_client_language_and_names_each_language_in_itself(
    translators: dict[Lang, Translator],
) -> None:
    assert [b.text for (b,) in views.greeting(translators, None).keyboard] == [
        "Svenska",
        "Romani chib",
        "Suomi",
    ]
    assert views.greeting(translators, "fi-FI").keyboard[0][0].text == "Suomi"
    assert views.language_order("rom") == ("rom", "sv", "fi")
    assert views.language_order("en") == ("sv", "rom", "fi")


def test_unreviewed_translation_says_so_and_offers_swedish(
    library: Library, translators: dict[Lang, Translator]
) -> None:
    rom = topic_screen(translators["rom"], library, "housing", ui_lang="rom")
    notice = translators["rom"]._("This translation has not yet been checked by a native speaker.")
    assert library.topics[("rom", "housing")].review == "draft"
    assert notice in rom.text
    assert any(b.data == "top:housing:sv" for row in rom.keyboard for b in row)
    swedish = topic_screen(translators["sv"], library, "housing", ui_lang="sv")
    # Swedish is the reference, not a translation: a draft says so in its own words (issue 14).
    assert translators["sv"]._("This text has not yet been checked by an expert.") in swedish.text
    assert "modersmålstalare" not in swedish.text
    assert not any(b.data == "top:housing:sv" for row in swedish.keyboard for b in row)


def test_reviewed_swedish_text_has_no_notice(
    library: Library, translators: dict[Lang, Translator]
) -> None:
    reviewed = replace(library.topics[("sv", "housing")], review="reviewed")
    patched = replace(library, topics={**library.topics, ("sv", "housing"): reviewed})
    screen = topic_screen(translators["sv"], patched, "housing", ui_lang="sv")
    assert "granskad" not in screen.text


def test_sources_show_only_known_verification_dates(
    library: Library, translators: dict[Lang, Translator]
) -> None:
    screen = topic_screen(translators["sv"], library, "housing", ui_lang="sv", part=SOURCES)
    # housing's sources were read in stored copies on unknown days: no date is invented.
    assert "Källor" in screen.messages[-1] or any("Källor" in m for m in screen.messages)
    assert "2026" not in "".join(screen.messages).split("Källor")[-1]
    lvu = topic_screen(
        translators["sv"], library, "compulsory-care-lvu", ui_lang="sv", part=SOURCES
    )
    assert "läst i sparad kopia 3 december 2026" in "".join(lvu.messages)


def test_reviewed_translation_has_no_notice(
    library: Library, translators: dict[Lang, Translator]
) -> None:
    reviewed = replace(library.topics[("fi", "housing")], review="reviewed")
    topics = {**library.topics, ("fi", "housing"): reviewed}
    patched = replace(library, topics=topics)
    screen = topic_screen(translators["fi"], patched, "housing", ui_lang="fi")
    assert "äidinkielinen" not in screen.text


def test_missing_translation_falls_back_with_a_notice(
    library: Library, translators: dict[Lang, Translator]
) -> None:
    topics = {k: v for k, v in library.topics.items() if k != ("fi", "work")}
    patched = replace(library, topics=topics)
    screen = topic_screen(translators["fi"], patched, "work", ui_lang="fi")
    assert library.topics[("sv", "work")].title in screen.text
    assert translators["fi"]._("This topic is not translated yet. Here is the Swedish text.") in (
        screen.text
    )


def test_show_in_swedish_keeps_buttons_in_the_users_language(
    library: Library, translators: dict[Lang, Translator]
) -> None:
    screen = topic_screen(translators["fi"], library, "housing", ui_lang="fi", content_lang="sv")
    assert library.topics[("sv", "housing")].title in screen.text
    labels = [b.text for row in screen.keyboard for b in row]
    assert any("Suomi" in label for label in labels)  # "back to Finnish"
    assert any(
        library.topic("fi", r).title in " ".join(labels)
        for r in library.topics[("fi", "housing")].related
    )


def test_local_topic_lists_only_the_chosen_municipality(
    library: Library, translators: dict[Lang, Translator]
) -> None:
    malmo = topic_screen(
        translators["sv"], library, "libraries", ui_lang="sv", municipality="malmo"
    )
    for place in library.places:
        if "library" in place.kinds:
            assert (place.name in malmo.text) == (place.municipality == "malmo"), place.id


def test_typed_question_answer_is_short_with_did_you_mean(
    library: Library, translators: dict[Lang, Translator]
) -> None:
    # Issue 11: a typed question gets the same answer-first screen as the menu (it used to get
    # a title-and-summary preview with "Read more"), plus the other likely topics.
    for lang in LANGUAGES:
        screen = topic_screen(
            translators[lang],
            library,
            "financial-assistance",
            ui_lang=lang,
            alternatives=["debt-advice"],
        )
        _assert_valid(screen, library)
        assert visible_len(screen.text) < 800
        data = [b.data for row in screen.keyboard for b in row]
        assert "top:debt-advice" in data
        assert "tp:financial-assistance:n" in data


@pytest.mark.parametrize("lang", LANGUAGES)
def test_menus_and_information_screens_are_valid(
    library: Library, translators: dict[Lang, Translator], lang: Lang
) -> None:
    t = translators[lang]
    screens = [
        views.main_menu(t),
        views.help_screen(t),
        privacy_ui.privacy_screen(t, 180, 24),
        privacy_ui.forgotten_screen(t, True),
        views.media_screen(t, library),
        views.stale_button_screen(t),
        views.municipality_chooser(t, library, ["malmo", "goteborg"], "libraries"),
        views.search_choices(t, library, lang, ["housing", "work"]),
        views.search_miss(t, "0123abcd"),
        views.small_talk(t, "thanks"),
        *(views.section_menu(t, library, s.id, lang) for s in library.sections),
    ]
    for screen in screens:
        _assert_valid(screen, library)
    privacy = privacy_ui.privacy_screen(t, 180, 24).text
    assert "180" in privacy and "24" in privacy


def test_one_plausible_topic_is_offered_as_a_question_not_as_several(
    library: Library, translators: dict[Lang, Translator]
) -> None:
    for lang, t in translators.items():
        one = views.search_choices(t, library, lang, ["housing"])
        several = views.search_choices(t, library, lang, ["housing", "work"])
        assert one.text != several.text
        assert t._("Is this what you are looking for?") in one.text
        assert len(one.keyboard) == 2  # the topic, then the menu
