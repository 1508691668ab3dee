"""Deep-link payloads: `<lang>-<topic-id>[_<source-tag>]`, as printed on posters and QR codes.

Telegram allows at most 64 characters of `A-Z a-z 0-9 _ -`. Topic ids use `-` but never `_`, so
the first `_` separates the source tag. Anything malformed parses to None, never to an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.model import LANGUAGES, Lang

MAX_PAYLOAD = 64
#: Deep-link targets that are not topics: the main menu and the feedback survey
#: (`sv-menu_haninge1`, `rom-survey_haninge1`). No content topic may use these ids.
MENU_TARGET = "menu"
SURVEY_TARGET = "survey"
SPECIAL_TARGETS = (MENU_TARGET, SURVEY_TARGET)
_PAYLOAD = re.compile(r"^(sv|rom|fi)-([a-z0-9]+(?:-[a-z0-9]+)*)(?:_([A-Za-z0-9_-]{1,40}))?$")


@dataclass(frozen=True, slots=True)
class DeepLink:
    lang: Lang
    topic_id: str
    source_tag: str | None = None


def parse_payload(payload: str) -> DeepLink | None:
    """Parse a /start payload; None for anything that is not a well-formed deep link."""
    if len(payload) > MAX_PAYLOAD:
        return None
    match = _PAYLOAD.fullmatch(payload)
    if match is None:
        return None
    lang, topic_id, tag = match.groups()
    assert lang in LANGUAGES
    return DeepLink(lang, topic_id, tag)


def build_payload(link: DeepLink) -> str:
    payload = f"{link.lang}-{link.topic_id}"
    if link.source_tag:
        payload += f"_{link.source_tag}"
    if parse_payload(payload) != link:
        raise ValueError(f"cannot build a valid deep link for {link}")
    return payload


def deep_link_url(bot_username: str, link: DeepLink) -> str:
    return f"https://t.me/{bot_username}?start={build_payload(link)}"
