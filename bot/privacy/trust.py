"""Trust questions ("vem ligger bakom den här boten", "kuka näkee mitä kirjoitan", "ko dikhel so
ramov") are answered with the privacy screen, not a topic search (issue 10, item 3).

The phrases are content (content/trust-questions.yaml), read once at start-up. A message matches
a phrase when each of its word beginnings begins some word of the message, compared in lower
case without diacritics. Plain Python, no Telegram.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

FILE = "trust-questions.yaml"
_WORD = re.compile(r"[a-z0-9]+")
#: Longer messages are real questions about something else that happen to share words.
MAX_WORDS = 16


def fold(text: str) -> list[str]:
    """Lower-case words without diacritics (ä -> a, č -> c)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(plain)


@dataclass(frozen=True, slots=True)
class TrustQuestions:
    phrases: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def load(cls, path: Path) -> TrustQuestions:
        """The phrases of every language in the file; none if the file does not exist."""
        if not path.is_file():
            return cls()
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        phrases: list[tuple[str, ...]] = []
        for lang, items in (data.get("phrases") or {}).items():
            for item in items or ():
                words = tuple(w for part in item for w in fold(str(part)))
                if not words:
                    raise ValueError(f"{path}: empty phrase in {lang}")
                phrases.append(words)
        return cls(tuple(phrases))

    def matches(self, text: str) -> bool:
        words = fold(text)
        if not words or len(words) > MAX_WORDS:
            return False
        return any(
            all(any(word.startswith(start) for word in words) for start in phrase)
            for phrase in self.phrases
        )
