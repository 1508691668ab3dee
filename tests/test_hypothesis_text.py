"""Property-based tests (Hypothesis) on every path free text takes through the bot.

Without Telegram: the search, Telegram HTML rendering (checked with the fake Bot API's strict
parser, the same one that would refuse a message in the end-to-end tests), the scrubbing of
feedback text and its confirmation screen, deep-link payloads and callback data. Every screen
the views can build from the real content is checked exhaustively. One test sends arbitrary text
to the real running bot.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.app import running_bot
from bot.config import Settings
from bot.content.model import LANGUAGES, Lang, Library
from bot.feedback import survey
from bot.feedback.survey import Draft, Step, clean_comment, comment_too_long
from bot.i18n import Translator
from bot.links.deeplinks import MAX_PAYLOAD, DeepLink, build_payload, parse_payload
from bot.privacy.scrubber import scrub
from bot.search.engine import SearchEngine
from bot.ui import callbacks as cb
from bot.ui import privacy as privacy_ui
from bot.ui import screens as views
from bot.ui import survey as survey_ui
from bot.ui.render import MESSAGE_LIMIT, bold, escape, italic, link, pack
from bot.ui.topic import ANSWER, topic_parts, topic_screen
from devtools.fake_telegram import (
    EntityParseError,
    FakeBotApi,
    InProcessRequest,
    SentMessage,
    parse_html,
    utf16_len,
)

# --- strategies ---------------------------------------------------------------------------------

#: Pieces that break naive HTML, template, format-string, bidi and length handling.
HOSTILE_PIECES = (
    "<b>",
    "</i>",
    "<a href='x'>",
    "&amp;",
    "&",
    "&lt;",
    "&#0;",
    "&nbsp;",
    "<",
    ">",
    '"',
    "'",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "%s%n",
    "%(x)s",
    "{0}",
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u0301",
    "😀",
    "👨‍👩‍👧‍👦",
    "🇸🇪",
    "𝕏",
    "\U0010ffff",
    "070-123 45 67",
    "19811218-9876",
    "a@b.se",
    "https://x.se/?a=<b>",
    "Storgatan 5",
    "marker17",
    "bostad",
    "soc",
    "skola",
    "čhavo",
    "asunto",
    " ",
    "\n",
)

#: Any text JSON can carry (Hypothesis leaves out lone surrogates, which JSON cannot hold).
any_text = st.text(max_size=300)
hostile_text = st.one_of(
    any_text,
    st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=6)), max_size=80).map(
        "".join
    ),
)
long_text = st.text(min_size=3000, max_size=5000, alphabet=st.sampled_from("aö😀<& \n"))
callback_like = st.one_of(
    any_text,
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
    st.from_regex(
        r"(lang|langs|menu|top|sec|mun\?|mun|fb|unq|forget|fq|fq:svc|fq:mun)(:[a-z0-9?:_<>-]{0,30}){0,4}",
        fullmatch=True,
    ),
)
payload_like = st.one_of(
    any_text,
    st.from_regex(r"(sv|rom|fi|xx)-[a-z0-9-]{0,70}(_[A-Za-z0-9_-]{0,50})?", fullmatch=True),
)


def _assert_telegram_accepts(html: str, limit: int = MESSAGE_LIMIT) -> str:
    """The visible text of `html`, after checking Telegram would accept it as a message."""
    try:
        parsed = parse_html(html)
    except EntityParseError as exc:
        raise AssertionError(f"Telegram would refuse {html[:200]!r}: {exc}") from None
    assert utf16_len(parsed.text) <= limit
    return parsed.text


def _visible_non_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


# --- shared, built once -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(search_engine: SearchEngine) -> SearchEngine:
    return search_engine


@pytest.fixture(scope="module")
def municipalities(library: Library) -> frozenset[str]:
    return frozenset(m.id for m in library.municipalities)


# --- search -------------------------------------------------------------------------------------


@given(hostile_text)
@example("")
@example("bostad " * 1500)
@example("\u200b" * 4096)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_search_never_raises_and_offers_at_most_three_known_topics(
    engine: SearchEngine, library: Library, text: str
) -> None:
    result = engine.search(text)
    assert result.kind in {"match", "choices", "greeting", "thanks", "none"}
    assert len(result.topics) <= 3
    assert set(result.topic_ids) <= set(library.topic_ids)
    assert len(set(result.topic_ids)) == len(result.topic_ids)
    if result.kind in {"greeting", "thanks", "none"}:
        assert result.topics == ()
    else:
        assert result.topics


@given(long_text)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_search_copes_with_message_sized_text(engine: SearchEngine, text: str) -> None:
    assert len(engine.search(text).topics) <= 3


# --- Telegram HTML ------------------------------------------------------------------------------


@given(hostile_text)
def test_escaped_text_is_shown_exactly_as_written(text: str) -> None:
    parsed = parse_html(escape(text))
    assert parsed.text == text
    assert parsed.entities == []


@given(hostile_text, hostile_text)
def test_markup_helpers_make_one_entity_around_the_text(text: str, path: str) -> None:
    url = "https://example.se/" + path
    for html, kind in (
        (bold(text), "bold"),
        (italic(text), "italic"),
        (link(text, url), "text_link"),
    ):
        parsed = parse_html(html)
        assert parsed.text == text
        if kind is not None and text:
            assert [e["type"] for e in parsed.entities] == [kind]
            assert parsed.entities[0]["length"] == utf16_len(text)


_RENDERERS: tuple[Callable[[str], str], ...] = (
    escape,
    bold,
    italic,
    lambda text: link(text, "https://example.se/?a=1&b=<2>"),
    lambda text: bold(text) + "\n" + escape(text),
)


@given(
    st.lists(
        st.tuples(st.sampled_from(_RENDERERS), st.one_of(hostile_text, long_text)),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([16, 100, 1000, MESSAGE_LIMIT]),
)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_pack_makes_valid_messages_under_the_limit_and_loses_no_text(
    blocks: list[tuple[Callable[[str], str], str]], limit: int
) -> None:
    html_blocks = [render(text) for render, text in blocks]
    messages = pack(html_blocks, limit)
    shown = [_assert_telegram_accepts(message, limit) for message in messages]
    assert all(text.strip() for text in shown), "no empty message"
    written = "".join(parse_html(block).text for block in html_blocks)
    assert _visible_non_space("".join(shown)) == _visible_non_space(written)


# --- feedback free text -------------------------------------------------------------------------


@given(hostile_text)
@example("a\x00b\x07c\x1f\x7f")
@example("ring 070-123 45 67 eller 070-123 45 68")
def test_scrubbing_never_raises_and_is_idempotent(text: str) -> None:
    once = scrub(text)
    assert scrub(once) == once
    cleaned = clean_comment(text)
    if cleaned is not None:
        assert clean_comment(cleaned) == cleaned
        assert cleaned == cleaned.strip()
        assert not any((ord(ch) < 32 and ch not in "\t\n") or ord(ch) == 127 for ch in cleaned)


@given(st.integers(0, 999_999), st.integers(0, 999_999), hostile_text)
def test_marker_words_survive_scrubbing(run: int, number: int, text: str) -> None:
    """The durability run finds each submission by such a word; it must reach the database.

    (Ten digits in a row would be scrubbed as a possible identity or phone number.)
    """
    marker = f"marker{run}x{number}"
    cleaned = clean_comment(f"{marker} {text}")
    assert cleaned is not None and cleaned.split()[0] == marker


@given(hostile_text, st.sampled_from(LANGUAGES), st.booleans())
@example("&<" * 750, "sv", True)
@example("𝕏" * 1500, "fi", True)
@example("👨‍👩‍👧‍👦" * 220, "rom", False)
@settings(deadline=None)
def test_confirmation_shows_any_comment_exactly_and_fits(
    translators: dict[Lang, Translator],
    library: Library,
    text: str,
    lang: Lang,
    hint: bool,
) -> None:
    t = translators[lang]
    draft = Draft(service="housing", rating=3, respect="partly", municipality="haninge")
    draft = draft.with_comment(text)
    if comment_too_long(text):
        return  # refused with a hint instead, nothing to confirm
    screen = survey_ui.confirm_screen(
        t,
        draft,
        lang=lang,
        today=dt.date(2025, 12, 29),
        municipality_names={m.id: m.name for m in library.municipalities},
        hint=survey_ui.save_failed_hint(t) if hint else None,
    )
    [message] = screen.messages
    shown = _assert_telegram_accepts(message)
    if draft.comment is not None:
        assert draft.comment in shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_survey_screen_is_valid_html(
    translators: dict[Lang, Translator], library: Library, lang: Lang
) -> None:
    t = translators[lang]
    offered = tuple((m.id, m.name) for m in library.municipalities)
    names = frozenset(mid for mid, _ in offered)
    screens = [
        survey_ui.question_screen(t, step, municipalities=offered, hint=hint)
        for step in survey.QUESTIONS
        for hint in (None, survey_ui.too_long_hint(t), survey_ui.use_buttons_hint(t))
    ]
    screens += [
        survey_ui.thanks_screen(t, 24),
        survey_ui.cancelled_screen(t),
        survey_ui.limit_screen(t),
    ]
    for screen in screens:
        for message in screen.messages:
            assert _assert_telegram_accepts(message).strip()
        for row in screen.keyboard:
            for button in row:
                assert button.data is not None and len(button.data.encode()) <= 64
                assert (
                    survey_ui.parse(button.data, names) is not None
                    or cb.decode(button.data, library, names) is not None
                )


# --- deep links and callback data ---------------------------------------------------------------


@given(payload_like)
@example("sv-" + "a" * 62)
@example("../../etc/passwd")
def test_deep_link_payloads_never_raise_and_round_trip(payload: str) -> None:
    link_ = parse_payload(payload)
    if link_ is not None:
        assert isinstance(link_, DeepLink)
        assert len(payload) <= MAX_PAYLOAD
        assert build_payload(link_) == payload


@given(callback_like)
@example("x" * 65)
@example("")
def test_callback_data_never_raises_and_only_known_actions_pass(
    library: Library, municipalities: frozenset[str], data: str
) -> None:
    action = cb.decode(data, library, municipalities)
    if action is not None:
        assert cb.decode(cb.encode(action), library, municipalities) == action
        assert len(data.encode()) <= 64
    answer = survey_ui.parse(data, municipalities)
    if answer is not None:
        assert survey_ui.encode(answer) == data


@given(st.sampled_from([Step.SERVICE, Step.RATING, Step.AGE]), any_text)
def test_survey_answers_outside_the_allow_list_are_refused(step: Step, code: str) -> None:
    allowed = {code for code, _ in survey.FIXED_OPTIONS[step]} | {survey_ui.SKIP}
    answer = survey_ui.parse(f"fq:{step.value}:{code}", frozenset())
    assert (answer is not None) == (code in allowed and ":" not in code)


# --- every screen the views build from the real content (exhaustive) ----------------------------


def _all_screens(
    library: Library, translators: dict[Lang, Translator]
) -> Iterator[tuple[str, views.Screen]]:
    offered = tuple(m.id for m in library.municipalities)
    yield "greeting", views.greeting(translators, None)
    for ui in LANGUAGES:
        t = translators[ui]
        yield f"menu/{ui}", views.main_menu(t)
        yield f"help/{ui}", views.help_screen(t)
        yield f"privacy/{ui}", privacy_ui.privacy_screen(t, 180, 24)
        yield f"only-text/{ui}", views.media_screen(t, library)
        yield f"stale/{ui}", views.stale_button_screen(t)
        yield f"miss/{ui}", views.search_miss(t, "deadbeef")
        yield f"thanks/{ui}", views.small_talk(t, "thanks")
        yield f"hello/{ui}", views.small_talk(t, "greeting")
        for saved in (True, False):
            yield f"question-sent/{saved}/{ui}", views.question_sent(t, saved)
            yield f"forgotten/{saved}/{ui}", privacy_ui.forgotten_screen(t, saved)
        yield f"choices/{ui}", views.search_choices(t, library, ui, library.topic_ids[:3])
        for section in library.sections:
            yield f"section/{section.id}/{ui}", views.section_menu(t, library, section.id, ui)
        for topic_id in library.topic_ids:
            yield (
                f"chooser/{topic_id}/{ui}",
                views.municipality_chooser(t, library, offered, topic_id),
            )
            for content in (None, *LANGUAGES):
                for municipality in (None, *offered):
                    if municipality is not None and topic_id not in library.local_topics:
                        continue
                    topic = library.topic(content or ui, topic_id)
                    for part in (ANSWER, *topic_parts(library, topic)):
                        screen = topic_screen(
                            t,
                            library,
                            topic_id,
                            ui_lang=ui,
                            content_lang=content,
                            municipality=municipality,
                            can_change_municipality=True,
                            part=part,
                            has_audio=True,
                        )
                        yield f"topic/{topic_id}/{ui}/{content}/{municipality}/{part}", screen
            others = [other for other in library.topic_ids if other != topic_id][:2]
            preview = topic_screen(t, library, topic_id, ui_lang=ui, alternatives=others)
            yield f"answer-typed/{topic_id}/{ui}", preview


def test_every_screen_from_the_real_content_is_valid_html_and_fits(
    library: Library, translators: dict[Lang, Translator]
) -> None:
    municipalities = frozenset(m.id for m in library.municipalities)
    checked = 0
    for name, screen in _all_screens(library, translators):
        assert screen.messages, name
        for message in screen.messages:
            try:
                assert _assert_telegram_accepts(message).strip(), name
            except AssertionError as exc:
                raise AssertionError(f"{name}: {exc}") from None
        for row in screen.keyboard:
            for button in row:
                assert button.text.strip(), name
                if button.data is not None:
                    assert len(button.data.encode()) <= 64, name
                    assert cb.decode(button.data, library, municipalities) is not None, name
        checked += 1
    topics = len(library.topic_ids)
    assert checked > topics * len(LANGUAGES) * (1 + len(LANGUAGES))


# --- the running bot, with arbitrary text -------------------------------------------------------


@pytest.fixture
async def live(
    tmp_path: Path,
    library: Library,
    translators: dict[Lang, Translator],
    search_engine: SearchEngine,
) -> AsyncIterator[tuple[FakeBotApi, Settings]]:
    async with FakeBotApi() as api:
        config = Settings(token=api.token, api_base_url=api.base_url, data_dir=tmp_path / "data")
        async with running_bot(
            config,
            poll_timeout=1,
            library=library,
            translators=translators,
            search=search_engine,
            transport=lambda: InProcessRequest(api),
        ):
            yield api, config
        assert api.rejected == [], f"Telegram would have rejected: {api.rejected}"


async def _say(api: FakeBotApi, user_text: str, language: str = "Svenska") -> SentMessage:
    user = api.new_user()
    mark = api.mark()
    api.send_text(user, "/start")
    greeting = await api.wait_for_message(user.chat_id, after=mark)
    mark = api.mark()
    api.press(user, greeting, greeting.button_texts.index(language))
    await api.wait_for_message(user.chat_id, after=mark)
    mark = api.mark()
    api.send_text(user, user_text)
    return await api.wait_for_message(user.chat_id, after=mark)


@given(
    st.one_of(hostile_text, st.text(min_size=1, max_size=4096)).filter(bool),
    st.sampled_from(["Svenska", "Romani chib", "Suomi"]),
)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
async def test_the_running_bot_answers_any_text(
    live: tuple[FakeBotApi, Settings],
    caplog: pytest.LogCaptureFixture,
    text: str,
    language: str,
) -> None:
    api, _ = live
    with caplog.at_level(logging.ERROR):
        reply = await _say(api, text, language)
        await api.wait_until_idle()
    assert 1 <= utf16_len(reply.plain) <= MESSAGE_LIMIT
    assert reply.buttons, "an answer with a way forward"
    assert api.rejected == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
