"""The feedback survey, without Telegram: steps, answer options, the draft and every screen.

A resident answers up to six questions, each skippable, then sees exactly what will be stored
and confirms. The handler (bot/handlers/feedback.py) only moves between these pure functions.

Callback data (all under 64 bytes, parsed against the allow-lists below by `parse`):

    fq:<step>:<code>   choose an option        fq:<step>:-   skip the step
    fq:send            store the confirmed draft  fq:x       cancel, nothing is stored
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bot import callbacks as cb
from bot.content.model import Lang
from bot.i18n import LANGUAGE_NAMES, N_, Translator
from bot.privacy.scrubber import MARKER, scrub
from bot.render import bold, escape
from bot.views import Button, Keyboard, Screen, button

PREFIX = "fq"
SKIP = "-"
MAX_CALLBACK_BYTES = 64
#: Longest free text kept, counted after scrubbing; longer text is refused, never cut silently.
MAX_COMMENT_CHARS = 1500


class Step(StrEnum):
    SERVICE = "svc"
    RATING = "rate"
    RESPECT = "resp"
    COMMENT = "txt"
    AGE = "age"
    MUNICIPALITY = "mun"
    #: Not a question: the confirmation screen.
    CONFIRM = "ok"


QUESTIONS: tuple[Step, ...] = (
    Step.SERVICE,
    Step.RATING,
    Step.RESPECT,
    Step.COMMENT,
    Step.AGE,
    Step.MUNICIPALITY,
)

Option = tuple[str, str]

SERVICES: tuple[Option, ...] = (
    ("school", N_("School or mother-tongue tuition")),
    ("preschool", N_("Preschool")),
    ("social", N_("Social services")),
    ("bridge", N_("Bridge-builder")),
    ("place", N_("Meeting place or library")),
    ("health", N_("Health care")),
    ("housing", N_("Housing")),
    ("work", N_("Work")),
    ("other", N_("Something else")),
)

#: Best first, so the scale reads the same way on every screen.
RATINGS: tuple[Option, ...] = (
    ("5", N_("Very good")),
    ("4", N_("Good")),
    ("3", N_("Neither good nor bad")),
    ("2", N_("Bad")),
    ("1", N_("Very bad")),
)
RATING_FACES: dict[str, str] = {"5": "😀", "4": "🙂", "3": "😐", "2": "🙁", "1": "😞"}

RESPECT: tuple[Option, ...] = (
    ("yes", N_("Yes")),
    ("partly", N_("Partly")),
    ("no", N_("No")),
)

AGE_BANDS: tuple[Option, ...] = (
    ("u18", N_("Under 18")),
    ("18-30", N_("18–30 years")),
    ("31-50", N_("31–50 years")),
    ("51+", N_("51 or older")),
)

FIXED_OPTIONS: dict[Step, tuple[Option, ...]] = {
    Step.SERVICE: SERVICES,
    Step.RATING: RATINGS,
    Step.RESPECT: RESPECT,
    Step.AGE: AGE_BANDS,
}

QUESTION_TEXTS: dict[Step, str] = {
    Step.SERVICE: N_("Which service is your feedback about?"),
    Step.RATING: N_("How did it go?"),
    Step.RESPECT: N_("Were you treated with respect?"),
    Step.COMMENT: N_(
        "Do you want to tell more in your own words? Write a message. "
        "Please do not write names, phone numbers or personal identity numbers."
    ),
    Step.AGE: N_("How old are you?"),
    Step.MUNICIPALITY: N_("Which municipality do you live in?"),
}


# --- the draft ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Draft:
    """The answers so far; None means skipped or not yet asked. `comment` is already scrubbed."""

    service: str | None = None
    rating: int | None = None
    respect: str | None = None
    comment: str | None = None
    age_band: str | None = None
    municipality: str | None = None

    def answer(self, step: Step, code: str) -> Draft:
        """The draft with `code` (already checked by `parse`) as the answer to `step`."""
        match step:
            case Step.SERVICE:
                return replace(self, service=code)
            case Step.RATING:
                return replace(self, rating=int(code))
            case Step.RESPECT:
                return replace(self, respect=code)
            case Step.AGE:
                return replace(self, age_band=code)
            case Step.MUNICIPALITY:
                return replace(self, municipality=code)
        raise ValueError(f"step {step} takes no option")

    def skip(self, step: Step) -> Draft:
        fields = {
            Step.SERVICE: "service",
            Step.RATING: "rating",
            Step.RESPECT: "respect",
            Step.COMMENT: "comment",
            Step.AGE: "age_band",
            Step.MUNICIPALITY: "municipality",
        }
        if step not in fields:
            raise ValueError(f"step {step} cannot be skipped")
        return replace(self, **{fields[step]: None})

    def with_comment(self, text: str, marker: str = MARKER) -> Draft:
        """The draft with the scrubbed text as comment (None if nothing is left of it)."""
        return replace(self, comment=clean_comment(text, marker))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def removed_marker(t: Translator) -> str:
    """What replaces removed personal data, in the resident's language ("[borttaget]")."""
    return t._("[removed]")


def clean_comment(text: str, marker: str = MARKER) -> str | None:
    """Scrub personal data and control characters; None if nothing remains.

    ``marker`` replaces what is removed: `removed_marker` in the resident's language.
    """
    cleaned = _CONTROL.sub(" ", text)
    for _ in range(3):  # until stable, so scrubbing stored text again changes nothing
        scrubbed = scrub(cleaned, marker)
        if scrubbed == cleaned:
            break
        cleaned = scrubbed
    cleaned = cleaned.strip()
    return cleaned or None


def comment_too_long(text: str, marker: str = MARKER) -> bool:
    cleaned = clean_comment(text, marker)
    return cleaned is not None and len(cleaned) > MAX_COMMENT_CHARS


def validate(draft: Draft, municipalities: Collection[str]) -> tuple[str, ...]:
    """Problems that must keep a draft out of the database; empty when it may be stored."""
    problems: list[str] = []
    if draft.service is not None and draft.service not in _codes(SERVICES):
        problems.append("unknown service")
    if draft.rating is not None and str(draft.rating) not in _codes(RATINGS):
        problems.append("rating out of range")
    if draft.respect is not None and draft.respect not in _codes(RESPECT):
        problems.append("unknown respect answer")
    if draft.age_band is not None and draft.age_band not in _codes(AGE_BANDS):
        problems.append("unknown age band")
    if draft.municipality is not None and draft.municipality not in municipalities:
        problems.append("unknown municipality")
    if draft.comment is not None and len(draft.comment) > MAX_COMMENT_CHARS:
        problems.append("comment too long")
    return tuple(problems)


def _codes(options: Sequence[Option]) -> frozenset[str]:
    return frozenset(code for code, _ in options)


# --- flow ---------------------------------------------------------------------------------------


def questions(has_municipalities: bool) -> tuple[Step, ...]:
    """The questions asked: the municipality only when there is one to offer."""
    return tuple(s for s in QUESTIONS if s is not Step.MUNICIPALITY or has_municipalities)


def next_step(step: Step, has_municipalities: bool) -> Step:
    """The step after `step`: the next question, or the confirmation after the last one."""
    asked = questions(has_municipalities)
    if step not in asked:
        return Step.CONFIRM
    index = asked.index(step)
    return asked[index + 1] if index + 1 < len(asked) else Step.CONFIRM


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
            if code in _codes(FIXED_OPTIONS.get(step, ())):
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
) -> Screen:
    """The screen asking `step`; `municipalities` are (id, name) pairs offered at that step."""
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
    lines += ["", escape(t._(QUESTION_TEXTS[step]))]
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
