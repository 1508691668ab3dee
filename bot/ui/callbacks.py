"""Callback data: short strings for inline buttons, parsed back against an allow-list.

Clients can send any bytes as callback data, so parsing never trusts it: every part must name a
known language, section, topic or municipality, or the data is rejected (None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.content.model import LANGUAGES, Lang, Library

MAX_CALLBACK_BYTES = 64
_TOKEN = re.compile(r"[0-9a-f]{8}")
#: A topic part: a (short answer), n (what to do), p (places), q (sources), s0..s99 (a section).
_PART = re.compile(r"[anpq]|s[0-9]{1,2}")


@dataclass(frozen=True, slots=True)
class ChooseLanguage:
    lang: Lang


@dataclass(frozen=True, slots=True)
class ShowLanguages:
    pass


@dataclass(frozen=True, slots=True)
class MainMenu:
    pass


@dataclass(frozen=True, slots=True)
class OpenSection:
    section_id: str


@dataclass(frozen=True, slots=True)
class OpenTopic:
    topic_id: str
    #: Show the text in this language instead of the user's ("show in Swedish").
    content_lang: Lang | None = None


@dataclass(frozen=True, slots=True)
class ShowPart:
    """One part of a topic, shown in place of the message (bot/ui/topic.py)."""

    topic_id: str
    part: str
    content_lang: Lang | None = None


@dataclass(frozen=True, slots=True)
class Listen:
    """Send the topic's recording in `lang` as a voice note."""

    topic_id: str
    lang: Lang


@dataclass(frozen=True, slots=True)
class Helpful:
    """ "Was this helpful?": an anonymous yes or no for a topic."""

    topic_id: str
    yes: bool


@dataclass(frozen=True, slots=True)
class ChooseMunicipality:
    municipality_id: str
    #: The topic to open once chosen, if the choice was asked for on the way to a local topic.
    then_topic: str | None = None


@dataclass(frozen=True, slots=True)
class AskMunicipality:
    then_topic: str | None = None


@dataclass(frozen=True, slots=True)
class StartFeedback:
    pass


@dataclass(frozen=True, slots=True)
class SubmitQuestion:
    """Pass the question the bot could not answer to the editors (token of the pending one):
    "ask" shows what would be saved, "send" saves it, "cancel" drops it."""

    token: str
    step: Literal["ask", "send", "cancel"] = "ask"


@dataclass(frozen=True, slots=True)
class ShowPrivacy:
    """The privacy screen (what /privacy shows), from the first-contact card's button."""


@dataclass(frozen=True, slots=True)
class ClearChat:
    """/forget's offer to delete the recent messages of this chat (token of the offer)."""

    token: str


@dataclass(frozen=True, slots=True)
class Forget:
    confirmed: bool


Action = (
    ChooseLanguage
    | ShowLanguages
    | MainMenu
    | OpenSection
    | OpenTopic
    | ShowPart
    | Listen
    | Helpful
    | ChooseMunicipality
    | AskMunicipality
    | StartFeedback
    | SubmitQuestion
    | ClearChat
    | ShowPrivacy
    | Forget
)


def encode(action: Action) -> str:
    match action:
        case ChooseLanguage(lang):
            data = f"lang:{lang}"
        case ShowLanguages():
            data = "langs"
        case MainMenu():
            data = "menu"
        case OpenSection(section_id):
            data = f"sec:{section_id}"
        case OpenTopic(topic_id, None):
            data = f"top:{topic_id}"
        case OpenTopic(topic_id, content_lang):
            data = f"top:{topic_id}:{content_lang}"
        case ShowPart(topic_id, part, None):
            data = f"tp:{topic_id}:{part}"
        case ShowPart(topic_id, part, content_lang):
            data = f"tp:{topic_id}:{part}:{content_lang}"
        case Listen(topic_id, lang):
            data = f"say:{topic_id}:{lang}"
        case Helpful(topic_id, yes):
            data = f"ok:{topic_id}:{'y' if yes else 'n'}"
        case ChooseMunicipality(municipality_id, then_topic):
            data = f"mun:{municipality_id}" + (f":{then_topic}" if then_topic else "")
        case AskMunicipality(then_topic):
            data = "mun?" + (f":{then_topic}" if then_topic else "")
        case StartFeedback():
            data = "fb"
        case SubmitQuestion(token, "ask"):
            data = f"unq:{token}"
        case SubmitQuestion(token, step):
            data = f"unq:{token}:{step}"
        case ClearChat(token):
            data = f"clr:{token}"
        case ShowPrivacy():
            data = "priv"
        case Forget(confirmed):
            data = "forget:yes" if confirmed else "forget:no"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data}")
    return data


def decode(data: str | object, library: Library, municipalities: frozenset[str]) -> Action | None:
    """The action a button stands for, or None for anything unknown, stale or forged."""
    if not isinstance(data, str) or not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    head, _, rest = data.partition(":")
    parts = rest.split(":") if rest else []
    topics = set(library.topic_ids)
    sections = {section.id for section in library.sections}
    match head, parts:
        case "lang", [lang] if lang in LANGUAGES:
            return ChooseLanguage(lang)
        case "langs", []:
            return ShowLanguages()
        case "menu", []:
            return MainMenu()
        case "sec", [section_id] if section_id in sections:
            return OpenSection(section_id)
        case "top", [topic_id] if topic_id in topics:
            return OpenTopic(topic_id)
        case "top", [topic_id, lang] if topic_id in topics and lang in LANGUAGES:
            return OpenTopic(topic_id, lang)
        case "tp", [topic_id, part] if topic_id in topics and _PART.fullmatch(part):
            return ShowPart(topic_id, part)
        case "tp", [topic_id, part, lang] if (
            topic_id in topics and _PART.fullmatch(part) and lang in LANGUAGES
        ):
            return ShowPart(topic_id, part, lang)
        case "say", [topic_id, lang] if topic_id in topics and lang in LANGUAGES:
            return Listen(topic_id, lang)
        case "ok", [topic_id, "y" | "n" as answer] if topic_id in topics:
            return Helpful(topic_id, answer == "y")
        case "mun", [municipality_id] if municipality_id in municipalities:
            return ChooseMunicipality(municipality_id)
        case "mun", [municipality_id, topic_id] if (
            municipality_id in municipalities and topic_id in topics
        ):
            return ChooseMunicipality(municipality_id, topic_id)
        case "mun?", []:
            return AskMunicipality()
        case "mun?", [topic_id] if topic_id in topics:
            return AskMunicipality(topic_id)
        case "fb", []:
            return StartFeedback()
        case "unq", [token] if _TOKEN.fullmatch(token):
            return SubmitQuestion(token)
        case "unq", [token, "send" | "cancel" as step] if _TOKEN.fullmatch(token):
            return SubmitQuestion(token, step)
        case "clr", [token] if _TOKEN.fullmatch(token):
            return ClearChat(token)
        case "priv", []:
            return ShowPrivacy()
        case "forget", ["yes" | "no" as answer]:
            return Forget(answer == "yes")
    return None
