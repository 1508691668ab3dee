"""The feedback survey, without Telegram or screens: steps, answer options, the draft, checks.

A resident answers up to six questions, each skippable, then sees exactly what will be stored
and confirms. The screens and the buttons' callback data are in bot/ui/survey.py; the handler
(bot/handlers/feedback.py) only moves between these pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.content.model import Lang
from bot.i18n import N_
from bot.privacy.scrubber import MARKER, scrub

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

#: The services of the municipal plans (Stockholm's action plan, Huddinge's needs inventory).
SERVICES: tuple[Option, ...] = (
    ("mother-tongue", N_("Mother-tongue tuition")),
    ("preschool", N_("Preschool")),
    ("school", N_("School")),
    ("social", N_("Social services")),
    ("financial", N_("Financial assistance")),
    ("work", N_("Work")),
    ("health", N_("Health care")),
    ("housing", N_("Housing")),
    ("elderly", N_("Elderly care")),
    ("bridge", N_("Bridge-builders")),
    ("place", N_("Meeting places")),
    ("culture", N_("Culture and language")),
    ("influence", N_("Influence and consultation")),
    ("other", N_("Something else")),
)
#: Answers stored before the services followed the plans (migration 3 renamed 'school', which
#: then meant school or mother-tongue tuition). Readable in exports, never offered.
LEGACY_SERVICES: tuple[Option, ...] = (("school-mt", N_("School or mother-tongue tuition")),)

#: Best first, so the scale reads the same way on every screen.
RATINGS: tuple[Option, ...] = (
    ("5", N_("Very good")),
    ("4", N_("Good")),
    ("3", N_("Neither good nor bad")),
    ("2", N_("Bad")),
    ("1", N_("Very bad")),
)
RATING_FACES: dict[str, str] = {"5": "😀", "4": "🙂", "3": "😐", "2": "🙁", "1": "😞"}

#: Ratings grouped so that the shares survive small-cell suppression; the answer is kept too.
RATING_GROUPS: tuple[Option, ...] = (
    ("good", N_("Good (4–5)")),
    ("mixed", N_("Neither (3)")),
    ("bad", N_("Bad (1–2)")),
)


def rating_group(rating: int | None) -> str | None:
    if rating is None:
        return None
    return "good" if rating >= 4 else ("mixed" if rating == 3 else "bad")


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


#: Asked instead when a service was chosen: respect is asked for that service.
RESPECT_FOR_SERVICE = N_("Were you treated with respect in your contact with: %(service)s?")


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


@dataclass(slots=True)
class SurveySession:
    """One person's survey in progress: held in memory only (the person's `user_data`), until
    Send stores the draft without any identifier."""

    lang: Lang
    step: Step
    draft: Draft
    #: Monotonic seconds when the survey started, to forget a survey left for hours.
    started: float


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_comment(text: str, marker: str = MARKER) -> str | None:
    """Scrub personal data and control characters; None if nothing remains.

    ``marker`` replaces what is removed: `bot.ui.survey.removed_marker`, in the resident's
    language.
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
    if draft.service is not None and draft.service not in option_codes(SERVICES):
        problems.append("unknown service")
    if draft.rating is not None and str(draft.rating) not in option_codes(RATINGS):
        problems.append("rating out of range")
    if draft.respect is not None and draft.respect not in option_codes(RESPECT):
        problems.append("unknown respect answer")
    if draft.age_band is not None and draft.age_band not in option_codes(AGE_BANDS):
        problems.append("unknown age band")
    if draft.municipality is not None and draft.municipality not in municipalities:
        problems.append("unknown municipality")
    if draft.comment is not None and len(draft.comment) > MAX_COMMENT_CHARS:
        problems.append("comment too long")
    return tuple(problems)


def option_codes(options: Sequence[Option]) -> frozenset[str]:
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
