"""Source tags that bridge-builders register: validated, lower-cased, tied to a municipality and
a place name. Only registered tags are counted as reach (finding F8: a free-text tag could carry
a name or a personnummer, and a tag made for one person would disclose that person)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.links.rows import LinkError

#: Lower-case letters, digits, '-' and '_', starting with a letter or digit; short enough that
#: every topic's payload stays within 64 characters (checked again per target).
TAG_MAX = 24
_TAG = re.compile(rf"[a-z0-9][a-z0-9_-]{{1,{TAG_MAX - 1}}}")
#: Six digits in a row look like a date of birth, a personnummer or a phone number.
_DIGIT_RUN = re.compile(r"\d{6,}")
PLACE_MAX = 60


@dataclass(frozen=True, slots=True)
class SourceTag:
    tag: str
    municipality: str
    place: str | None


def normalise_tag(raw: str) -> str:
    """The tag lower-cased, or LinkError with a one-line reason for the bridge-builder."""
    tag = raw.strip().lower()
    if not _TAG.fullmatch(tag):
        raise LinkError(
            f"invalid tag {raw!r}: 2-{TAG_MAX} characters a-z, 0-9, '-' or '_', "
            "starting with a letter or digit"
        )
    if _DIGIT_RUN.search(tag.replace("-", "").replace("_", "")):
        raise LinkError(
            f"invalid tag {raw!r}: six digits in a row look like a personal or phone number"
        )
    return tag


def fold_tag(raw: str) -> str:
    """How a tag from a deep link is looked up: case variants are one tag."""
    return raw.strip().lower()


def clean_place(raw: str | None) -> str | None:
    """A place name for the poster: one line, no control characters, at most 60 characters."""
    if raw is None:
        return None
    text = " ".join(
        "".join(ch for ch in raw if not unicodedata.category(ch).startswith("C")).split()
    )
    if not text:
        return None
    if len(text) > PLACE_MAX:
        raise LinkError(f"place name too long: at most {PLACE_MAX} characters")
    return text
