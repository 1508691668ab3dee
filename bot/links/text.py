"""Poster text: a topic summary cut to one line at a sentence boundary."""

from __future__ import annotations

import re

#: The one-line description on a poster: the summary's first sentence(s), at most this long.
DESCRIPTION_MAX = 150
_DESCRIPTION_MIN = 45
_SENTENCE_BREAK = re.compile(r"[.?!]\s+")


def sentences(text: str) -> list[str]:
    """Split at . ? ! followed by a space and a capital letter, or by a digit unless a digit
    came before the dot: "Ring 112. Vill du", "november. 8 april" split; "8. huhtikuuta" does not.
    """
    text = " ".join(text.split())
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if after.isupper() or (after.isdigit() and not before.isdigit()):
            parts.append(text[start : match.start() + 1])
            start = match.end()
    parts.append(text[start:])
    return [part for part in parts if part]


def one_line(summary: str, max_len: int = DESCRIPTION_MAX) -> str:
    """The summary's first sentence, with the next ones while it is very short or a question
    waits for its answer ("Är du i fara? Ring 112."); cut at a word with … when still too long.
    """
    parts = sentences(summary)
    if not parts:
        return ""
    chosen = [parts[0]]
    for part in parts[1:]:
        text = " ".join(chosen)
        wanted = len(text) < _DESCRIPTION_MIN or text.endswith("?")
        if not wanted or len(text) + 1 + len(part) > max_len:
            break
        chosen.append(part)
    while len(chosen) > 1 and chosen[-1].endswith("?"):
        chosen.pop()  # a question whose answer did not fit
    text = " ".join(chosen)
    if len(text) > max_len:
        cut = text[: max_len - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
        text = cut + "…"
    return text
