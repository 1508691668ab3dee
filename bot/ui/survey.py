"""The feedback survey's screens and the callback data of its buttons.

Callback data (all under 64 bytes, parsed against the survey's allow-lists by `parse`):

    fq:<step>:<code>   choose an option        fq:<step>:-   skip the step
    fq:send            store the confirmed draft  fq:x       cancel, nothing is stored
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from bot.content.model import Lang
from bot.feedback.survey import (
    AGE_BANDS,
    FIXED_OPTIONS,
    MAX_COMMENT_CHARS,
    QUESTION_TEXTS,
    QUESTIONS,
    RATING_FACES,
    RATINGS,
    RESPECT,
    RESPECT_FOR_SERVICE,
    SERVICES,
    Draft,
    Option,
    Step,
    option_codes,
    questions,
)
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.ui import callbacks as cb
from bot.ui.privacy import staff_see_summary
from bot.ui.render import bold, escape
from bot.ui.screens import Button, Keyboard, Screen, button

PREFIX = "fq"
SKIP = "-"
MAX_CALLBACK_BYTES = 64

# --- callback data ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choose:
    step: Step
    code: str


@dataclass(frozen=True, slots=True)
class Skip:
    step: Step


@dataclass(frozen=True, slots=True)
class Send:
    pass


@dataclass(frozen=True, slots=True)
class Cancel:
    pass


Answer = Choose | Skip | Send | Cancel

CALLBACK_PATTERN = rf"^{PREFIX}:"


def encode(answer: Answer) -> str:
    match answer:
        case Choose(step, code):
            data = f"{PREFIX}:{step.value}:{code}"
        case Skip(step):
            data = f"{PREFIX}:{step.value}:{SKIP}"
        case Send():
            data = f"{PREFIX}:send"
        case Cancel():
            data = f"{PREFIX}:x"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data}")
    return data


def parse(data: object, municipalities: Collection[str]) -> Answer | None:
    """The answer a button stands for, or None for anything unknown or forged."""
    if not isinstance(data, str) or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split(":")
    if parts[0] != PREFIX:
        return None
    match parts[1:]:
        case ["send"]:
            return Send()
        case ["x"]:
            return Cancel()
        case [step_code, code] if step_code in _QUESTION_CODES:
            step = Step(step_code)
            if code == SKIP:
                return Skip(step)
            if step is Step.MUNICIPALITY:
                return Choose(step, code) if code in municipalities else None
            if code in option_codes(FIXED_OPTIONS.get(step, ())):
                return Choose(step, code)
    return None


_QUESTION_CODES = frozenset(step.value for step in QUESTIONS)


# --- screens ------------------------------------------------------------------------------------


def _controls(t: Translator, step: Step) -> tuple[Button, ...]:
    return (
        Button("» " + t._("Skip"), encode(Skip(step))),
        Button("✖ " + t._("Cancel"), encode(Cancel())),
    )


def _menu_button(t: Translator) -> tuple[Button, ...]:
    return (button("☰ " + t._("Menu"), cb.MainMenu()),)


def question_screen(
    t: Translator,
    step: Step,
    *,
    municipalities: Sequence[tuple[str, str]] = (),
    hint: str | None = None,
    service: str | None = None,
) -> Screen:
    """The screen asking `step`; `municipalities` are (id, name) pairs offered at that step.

    `service` is the service chosen so far: respect is then asked for that service."""
    if step is Step.CONFIRM:
        raise ValueError("the confirmation is built by confirm_screen")
    asked = questions(bool(municipalities))
    lines = []
    if hint:
        lines += [escape(hint), ""]
    header = bold(t._("Anonymous feedback")) + f" ({asked.index(step) + 1}/{len(asked)})"
    lines.append(header)
    if step is Step.SERVICE:
        lines.append(
            escape(
                t._(
                    "Nothing about who you are is saved. You can skip any question "
                    "and cancel at any time."
                )
            )
        )
    question = t._(QUESTION_TEXTS[step])
    if step is Step.RESPECT and service is not None:
        question = t._(RESPECT_FOR_SERVICE) % {"service": _label(t, SERVICES, service)}
    lines += ["", escape(question)]
    rows: list[tuple[Button, ...]] = []
    if step is Step.MUNICIPALITY:
        rows += [(Button(name, encode(Choose(step, mid))),) for mid, name in municipalities]
    elif step is Step.RESPECT:
        rows.append(
            tuple(Button(t._(label), encode(Choose(step, code))) for code, label in RESPECT)
        )
    elif step is not Step.COMMENT:
        for code, label in FIXED_OPTIONS[step]:
            text = t._(label)
            if step is Step.RATING:
                text = f"{RATING_FACES[code]} {text}"
            rows.append((Button(text, encode(Choose(step, code))),))
    rows.append(_controls(t, step))
    return Screen(("\n".join(lines),), tuple(rows))


def _label(t: Translator, options: Sequence[Option], code: str | None) -> str:
    if code is None:
        return t._("(skipped)")
    return next((t._(label) for c, label in options if c == code), code)


def removed_marker(t: Translator) -> str:
    """What replaces removed personal data, in the resident's language ("[borttaget]")."""
    return t._("[removed]")


def confirm_screen(
    t: Translator,
    draft: Draft,
    *,
    lang: Lang,
    today: dt.date,
    municipality_names: Mapping[str, str],
    hint: str | None = None,
) -> Screen:
    """Exactly what `save_feedback` will store, in words, before anything is stored."""
    skipped = t._("(skipped)")
    rating = None if draft.rating is None else str(draft.rating)
    municipality = (
        skipped
        if draft.municipality is None
        else municipality_names.get(draft.municipality, draft.municipality)
    )
    year, week, _ = today.isocalendar()
    rows = [
        (t._("Service"), _label(t, SERVICES, draft.service)),
        (t._("How it went"), _label(t, RATINGS, rating)),
        (t._("Treated with respect"), _label(t, RESPECT, draft.respect)),
        (t._("Age"), _label(t, AGE_BANDS, draft.age_band)),
        (t._("Municipality"), municipality),
        (t._("Language"), LANGUAGE_NAMES[lang]),
        (t._("When"), t._("week %(week)s, %(year)s") % {"week": week, "year": year}),
    ]
    lines = []
    if hint:
        lines += [escape(hint), ""]
    lines += [
        bold(t._("Check before sending")),
        escape(t._("This is exactly what will be saved:")),
        "",
    ]
    lines += [f"{bold(name)}: {escape(value)}" for name, value in rows]
    lines.append(bold(t._("Your words")) + ":")
    lines.append(escape(draft.comment) if draft.comment else escape(skipped))
    marker = removed_marker(t)
    if draft.comment and marker in draft.comment:
        lines += [
            "",
            escape(
                t._("Things that looked like personal data were replaced by %(marker)s.")
                % {"marker": marker}
            ),
        ]
    lines += [
        "",
        escape(t._("Not saved: your name, your Telegram account, the day and the time.")),
    ]
    keyboard: Keyboard = (
        (
            Button("✅ " + t._("Send"), encode(Send())),
            Button("✖ " + t._("Cancel"), encode(Cancel())),
        ),
    )
    return Screen(("\n".join(lines),), keyboard)


def thanks_screen(t: Translator, retention_months: int) -> Screen:
    text = "\n".join(
        [
            bold(t._("Thank you! Your feedback is saved.")),
            "",
            escape(
                t._(
                    "Municipality staff read the feedback, without knowing who sent it, and use "
                    "it to make services better. That is why you will not get an answer."
                )
            ),
            escape(
                t._("Your own words are deleted after %(months)s months.")
                % {"months": retention_months}
            ),
            escape(staff_see_summary(t)),
        ]
    )
    return Screen((text,), (_menu_button(t),))


def cancelled_screen(t: Translator) -> Screen:
    return Screen((escape(t._("Cancelled. Nothing was saved.")),), (_menu_button(t),))


def limit_screen(t: Translator) -> Screen:
    text = t._(
        "You have already sent feedback several times today. Thank you! You can send more tomorrow."
    )
    return Screen((escape(text),), (_menu_button(t),))


def too_long_hint(t: Translator) -> str:
    return t._("That is too long. Please write at most %(count)s characters, or press Skip.") % {
        "count": MAX_COMMENT_CHARS
    }


def use_buttons_hint(t: Translator) -> str:
    return t._("Please answer with the buttons, or press Skip.")


def save_failed_hint(t: Translator) -> str:
    return t._("Sorry, saving did not work and nothing was saved. Please try again.")
