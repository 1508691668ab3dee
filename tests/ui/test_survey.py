"""The survey without Telegram: options, callback data, flow, screens and validation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.model import LANGUAGES, Lang
from bot.feedback import survey
from bot.feedback.survey import (
    AGE_BANDS,
    FIXED_OPTIONS,
    MAX_COMMENT_CHARS,
    QUESTIONS,
    RATINGS,
    RESPECT,
    SERVICES,
    Draft,
    Step,
)
from bot.i18n import Translator
from bot.privacy.scrubber import MARKER
from bot.ui import survey as survey_ui
from bot.ui.render import MESSAGE_LIMIT, visible_len
from bot.ui.survey import Cancel, Choose, Send, Skip
from devtools.fake_telegram import parse_html

DAY = dt.date(2026, 11, 19)  # ISO week 2026-W47
MUNICIPALITIES = (("haninge", "Haninge"), ("malmo", "Malmö"))
MUNICIPALITY_IDS = frozenset(mid for mid, _ in MUNICIPALITIES)
PERSONNUMMER = "19811218-9876"
PHONE = "070-123 45 67"


def _all_callback_data(t: Translator) -> list[str]:
    data = []
    for step in QUESTIONS:
        screen = survey_ui.question_screen(t, step, municipalities=MUNICIPALITIES)
        data += [b.data for row in screen.keyboard for b in row if b.data]
    confirm = survey_ui.confirm_screen(
        t, Draft(), lang=t.lang, today=DAY, municipality_names=dict(MUNICIPALITIES)
    )
    data += [b.data for row in confirm.keyboard for b in row if b.data]
    return data


def test_options_match_the_issue() -> None:
    # Issue 12: the categories of the municipal plans, mother-tongue tuition on its own.
    assert [code for code, _ in SERVICES] == [
        "mother-tongue",
        "preschool",
        "school",
        "social",
        "financial",
        "work",
        "health",
        "housing",
        "elderly",
        "bridge",
        "place",
        "culture",
        "influence",
        "other",
    ]
    assert sorted(int(code) for code, _ in RATINGS) == [1, 2, 3, 4, 5]
    assert [code for code, _ in RESPECT] == ["yes", "partly", "no"]
    assert [code for code, _ in AGE_BANDS] == ["u18", "18-30", "31-50", "51+"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_label_and_question_is_translated(
    translators: dict[Lang, Translator], lang: Lang
) -> None:
    t = translators[lang]
    for options in FIXED_OPTIONS.values():
        for _, label in options:
            assert t._(label) != label, f"{lang}: {label!r} untranslated"
    for text in survey.QUESTION_TEXTS.values():
        assert t._(text) != text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_button_round_trips_and_fits_telegram(
    translators: dict[Lang, Translator], lang: Lang
) -> None:
    for data in _all_callback_data(translators[lang]):
        assert len(data.encode()) <= 64
        answer = survey_ui.parse(data, MUNICIPALITY_IDS)
        assert answer is not None, data
        assert survey_ui.encode(answer) == data


@pytest.mark.parametrize(
    "data",
    [
        "fq",
        "fq:",
        "fq:svc",
        "fq:svc:bank",  # not a service
        "fq:rate:6",
        "fq:rate:0",
        "fq:resp:maybe",
        "fq:age:99",
        "fq:mun:stockholm",  # a real municipality, but not offered here
        "fq:ok:send",  # the confirmation is not a question
        "fq:txt:hello",  # the free text comes as a message, never as callback data
        "fq:svc:school:extra",
        "fq:send:now",
        "xq:svc:school",
        "fb",
        "fq:svc:school" + "x" * 60,
        "",
    ],
)
def test_forged_callback_data_is_rejected(data: str) -> None:
    assert survey_ui.parse(data, MUNICIPALITY_IDS) is None


def test_non_string_callback_data_is_rejected() -> None:
    assert survey_ui.parse(None, MUNICIPALITY_IDS) is None
    assert survey_ui.parse(b"fq:svc:school", MUNICIPALITY_IDS) is None


@given(st.text(max_size=80))
def test_parse_accepts_only_what_encode_produces(data: str) -> None:
    answer = survey_ui.parse(data, MUNICIPALITY_IDS)
    if answer is not None:
        assert survey_ui.encode(answer) == data


def test_the_text_step_can_only_be_skipped() -> None:
    assert survey_ui.parse("fq:txt:-", MUNICIPALITY_IDS) == Skip(Step.COMMENT)
    assert survey_ui.parse("fq:send", MUNICIPALITY_IDS) == Send()
    assert survey_ui.parse("fq:x", MUNICIPALITY_IDS) == Cancel()
    assert survey_ui.parse("fq:mun:malmo", MUNICIPALITY_IDS) == Choose(Step.MUNICIPALITY, "malmo")


def test_flow_visits_every_question_then_confirms() -> None:
    step, seen = Step.SERVICE, []
    while step is not Step.CONFIRM:
        seen.append(step)
        step = survey.next_step(step, has_municipalities=True)
    assert tuple(seen) == QUESTIONS
    assert survey.next_step(Step.AGE, has_municipalities=False) is Step.CONFIRM
    assert Step.MUNICIPALITY not in survey.questions(False)


@pytest.mark.parametrize("step", QUESTIONS)
def test_every_question_can_be_skipped_and_cancelled(
    translators: dict[Lang, Translator], step: Step
) -> None:
    t = translators["sv"]
    screen = survey_ui.question_screen(t, step, municipalities=MUNICIPALITIES)
    last_row = [survey_ui.parse(b.data, MUNICIPALITY_IDS) for b in screen.keyboard[-1]]
    assert last_row == [Skip(step), Cancel()]
    assert "Hoppa över" in screen.keyboard[-1][0].text
    parse_html(screen.text)  # raises if Telegram would reject the HTML
    position = QUESTIONS.index(step) + 1
    assert f"({position}/{len(QUESTIONS)})" in screen.text


def test_question_buttons(translators: dict[Lang, Translator]) -> None:
    t = translators["sv"]
    rating = survey_ui.question_screen(t, Step.RATING)
    labels = [row[0].text for row in rating.keyboard[:-1]]
    assert labels == [
        "😀 Mycket bra",
        "🙂 Bra",
        "😐 Varken bra eller dåligt",
        "🙁 Dåligt",
        "😞 Mycket dåligt",
    ]
    respect = survey_ui.question_screen(t, Step.RESPECT)
    assert [b.text for b in respect.keyboard[0]] == ["Ja", "Delvis", "Nej"]
    municipality = survey_ui.question_screen(t, Step.MUNICIPALITY, municipalities=MUNICIPALITIES)
    assert [row[0].text for row in municipality.keyboard[:-1]] == ["Haninge", "Malmö"]
    comment = survey_ui.question_screen(t, Step.COMMENT)
    assert len(comment.keyboard) == 1  # only skip and cancel: the answer is typed
    assert "personnummer" in comment.text
    first = survey_ui.question_screen(t, Step.SERVICE)
    assert "avbryta" in first.text  # the first screen says everything is optional


def test_without_municipalities_there_are_five_questions(
    translators: dict[Lang, Translator],
) -> None:
    screen = survey_ui.question_screen(translators["fi"], Step.AGE)
    assert "(5/5)" in screen.text
    with pytest.raises(ValueError, match="confirm_screen"):
        survey_ui.question_screen(translators["fi"], Step.CONFIRM)


def test_draft_answers_and_skips() -> None:
    draft = Draft()
    draft = draft.answer(Step.SERVICE, "housing").answer(Step.RATING, "2")
    draft = draft.answer(Step.RESPECT, "partly").answer(Step.AGE, "51+")
    draft = draft.answer(Step.MUNICIPALITY, "malmo").with_comment("  Bra bemötande  ")
    assert draft == Draft("housing", 2, "partly", "Bra bemötande", "51+", "malmo")
    assert draft.skip(Step.RATING).rating is None
    assert draft.skip(Step.COMMENT).comment is None
    with pytest.raises(ValueError):
        draft.answer(Step.COMMENT, "x")
    with pytest.raises(ValueError):
        draft.skip(Step.CONFIRM)


def test_comment_is_scrubbed_on_the_way_in() -> None:
    draft = Draft().with_comment(f"Jag heter Ali, pnr {PERSONNUMMER}, ring {PHONE}.")
    assert draft.comment is not None
    assert "9876" not in draft.comment and "45 67" not in draft.comment
    assert "Ali" not in draft.comment  # names go too (issue 10)
    assert draft.comment.count(MARKER) == 3
    assert Draft().with_comment(" \n\t ").comment is None
    assert Draft().with_comment("a\x00b\x1bc").comment == "a b c"


def test_scrubbing_is_stable() -> None:
    text = f"mejla ali at gmail dot com eller {PHONE}, Storgatan 12, {PERSONNUMMER}"
    once = survey.clean_comment(text)
    assert once is not None
    assert survey.clean_comment(once) == once


def test_comment_length_limit_counts_the_stored_text() -> None:
    assert not survey.comment_too_long("a" * MAX_COMMENT_CHARS)
    assert survey.comment_too_long("a" * (MAX_COMMENT_CHARS + 1))
    assert not survey.comment_too_long(" " * 5000)


def test_validate() -> None:
    good = Draft("school", 5, "yes", "ok", "u18", "haninge")
    assert survey.validate(good, MUNICIPALITY_IDS) == ()
    assert survey.validate(Draft(), MUNICIPALITY_IDS) == ()  # everything skipped is fine
    bad = Draft("bank", 6, "maybe", "x" * (MAX_COMMENT_CHARS + 1), "99", "stockholm")
    assert survey.validate(bad, MUNICIPALITY_IDS) == (
        "unknown service",
        "rating out of range",
        "unknown respect answer",
        "unknown age band",
        "unknown municipality",
        "comment too long",
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_confirmation_shows_exactly_what_is_stored(
    translators: dict[Lang, Translator], lang: Lang
) -> None:
    t = translators[lang]
    marker = survey_ui.removed_marker(t)  # in the resident's language (issue 10)
    assert (marker == MARKER) == (lang == "sv")
    draft = Draft("health", 4, "no", None, "31-50", "malmo").with_comment(
        f"<b>Väntade</b> länge & ring mig {PHONE}", marker
    )
    screen = survey_ui.confirm_screen(
        t, draft, lang=lang, today=DAY, municipality_names=dict(MUNICIPALITIES)
    )
    plain = parse_html(screen.text).text
    assert t._("Health care") in plain and t._("Good") in plain and t._("No") in plain
    assert t._("31–50 years") in plain and "Malmö" in plain
    assert "47" in plain and "2026" in plain  # the week, never the day
    assert "19" not in plain.split(t._("Your words"))[0]  # DAY is the 19th: not shown
    assert f"<b>Väntade</b> länge & ring mig {marker}" in plain  # shown as typed, escaped
    assert "45 67" not in plain
    assert (
        t._("Things that looked like personal data were replaced by %(marker)s.")
        % {"marker": marker}
        in plain
    )
    assert [survey_ui.parse(b.data, MUNICIPALITY_IDS) for b in screen.keyboard[0]] == [
        Send(),
        Cancel(),
    ]


def test_confirmation_marks_skipped_answers(translators: dict[Lang, Translator]) -> None:
    t = translators["sv"]
    screen = survey_ui.confirm_screen(t, Draft(), lang="sv", today=DAY, municipality_names={})
    plain = parse_html(screen.text).text
    assert plain.count("(hoppade över)") == 6
    assert MARKER not in plain


def test_confirmation_with_the_longest_comment_fits_one_message(
    translators: dict[Lang, Translator],
) -> None:
    for lang in LANGUAGES:
        draft = Draft("other", 1, "no", "&" * MAX_COMMENT_CHARS, "51+", "malmo")
        screen = survey_ui.confirm_screen(
            translators[lang],
            draft,
            lang=lang,
            today=DAY,
            municipality_names=dict(MUNICIPALITIES),
            hint=survey_ui.save_failed_hint(translators[lang]),
        )
        assert len(screen.messages) == 1
        assert visible_len(screen.text) <= MESSAGE_LIMIT
        parse_html(screen.text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_closing_screens(translators: dict[Lang, Translator], lang: Lang) -> None:
    t = translators[lang]
    thanks = survey_ui.thanks_screen(t, 24)
    assert "24" in parse_html(thanks.text).text
    for screen in (thanks, survey_ui.cancelled_screen(t), survey_ui.limit_screen(t)):
        parse_html(screen.text)
        assert screen.keyboard[-1][0].data == "menu"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_respect_is_asked_for_the_service_chosen(
    translators: dict[Lang, Translator], lang: Lang
) -> None:
    t = translators[lang]
    screen = survey_ui.question_screen(t, Step.RESPECT, service="mother-tongue")
    assert t._("Mother-tongue tuition") in screen.messages[0]
    plain = survey_ui.question_screen(t, Step.RESPECT)
    assert t._("Mother-tongue tuition") not in plain.messages[0]
