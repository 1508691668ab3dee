"""Typed control words ("meny", "apua", "radera mina uppgifter"): content/control-words.yaml.

Checked before the search: a message that is only such a word does what it says, in any of the
three languages. Matching ignores case, punctuation and accents, so that "Hjälp!", "hjalp" and
"HJÄLP" are one word. Loaded once at start-up and on /reload; `match` is a dictionary lookup.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

import yaml

from bot.content.model import LANGUAGES

Control = Literal["menu", "help", "language", "back", "stop", "forget", "privacy", "feedback"]
CONTROLS: tuple[Control, ...] = get_args(Control)

#: Longer messages are questions, never control words (and are not normalised at all).
MAX_CHARS = 60
_NOT_WORD = re.compile(r"[^\w\s]+")


def normalise(text: str) -> str:
    """Lower case, no accents or punctuation, single spaces: "Hjälp!" -> "hjalp"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


@dataclass(frozen=True, slots=True)
class ControlWords:
    #: normalised word or phrase -> what it does
    words: dict[str, Control] = field(default_factory=dict)

    def match(self, text: str) -> Control | None:
        if len(text) > MAX_CHARS:
            return None
        return self.words.get(normalise(text))


def load_control_words(path: Path) -> tuple[ControlWords, list[str]]:
    """The words, and every problem found (empty when the file is valid)."""
    if not path.exists():
        return ControlWords(), ["missing: control words are required"]
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        return ControlWords(), [f"not valid YAML: {exc}"]
    if not isinstance(raw, dict):
        return ControlWords(), ["expected a mapping of actions to words per language"]
    problems = [f"unknown action {key!r}" for key in raw if key not in CONTROLS]
    words: dict[str, Control] = {}
    for control in CONTROLS:
        per_lang = raw.get(control)
        if not isinstance(per_lang, dict):
            problems.append(f"{control}: words for each of {', '.join(LANGUAGES)} are required")
            continue
        problems.extend(
            f"{control}: unknown language {k!r}" for k in per_lang if k not in LANGUAGES
        )
        for lang in LANGUAGES:
            listed = per_lang.get(lang)
            if not isinstance(listed, list) or not listed:
                problems.append(f"{control}.{lang}: at least one word is required")
                continue
            for word in listed:
                key = normalise(word) if isinstance(word, str) else ""
                if not key or len(word) > MAX_CHARS:
                    problems.append(f"{control}.{lang}: {word!r} is not a word or short phrase")
                elif words.get(key, control) != control:
                    problems.append(f"{control}.{lang}: {word!r} already means {words[key]}")
                else:
                    words[key] = control
    return ControlWords(words), problems
