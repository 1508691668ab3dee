"""Bring text into one form before looking for personal data, and map findings back.

Personal data can hide from patterns written for ASCII: a zero-width space or a soft hyphen
splits a number into two, full-width (８５０１０１) and Arabic-Indic (٨٥٠١٠١) digits are not
``[0-9]``, "＠" is not "@", and an RTL override (U+202E) shows reversed digits in their real
order. `normalize` therefore

* applies NFKC (full-width letters, digits and punctuation become ASCII, ligatures split),
* turns every decimal digit of any script into its ASCII digit,
* drops invisible format characters (Unicode category Cf: zero-width space and joiners, soft
  hyphen, bidirectional controls, BOM) and variation selectors,
* reverses the text between an RTL override and the next pop (U+202C), which is how it is shown,
* reads a letter O between digits as a zero ("85O1O1").

Findings are made on the normalised text; `Normalized.span` maps a span back to the original
text, so the caller replaces exactly what the resident typed. Most messages are already normal
(ASCII, or NFKC letters without format characters): they take a fast path without a copy.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

__all__ = ["FORMAT_CHARACTERS", "Normalized", "normalize"]

#: Every character of Unicode category Cf (Unicode 14), plus variation selectors and the
#: combining grapheme joiner, which are invisible too. A test checks this against unicodedata.
FORMAT_CHARACTERS: Final = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef"
)
_FORMAT: Final = re.compile(f"[{FORMAT_CHARACTERS}]")
_NON_ASCII_DIGIT: Final = re.compile(r"(?![0-9])\d")
_O_FOR_ZERO: Final = re.compile(r"(?<=[0-9])[Oo](?=[0-9])")
_RLO: Final = "\u202e"
_POP: Final = "\u202c"


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text; ``starts``/``ends`` give each character's source span (None: same)."""

    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced ``text[start:end]`` (end > start)."""
        if self.starts is None or self.ends is None:
            return start, end
        return min(self.starts[start:end]), max(self.ends[start:end])


def _visual_order(text: str) -> list[int]:
    """Indices of ``text`` in display order: an RTL override shows its run reversed."""
    order: list[int] = []
    index = 0
    while index < len(text):
        if text[index] != _RLO:
            order.append(index)
            index += 1
            continue
        end = text.find(_POP, index + 1)
        if end == -1:
            end = len(text)
        order.append(index)
        order.extend(range(end - 1, index, -1))
        index = end
    return order


def _ascii_digits(chunk: str) -> str:
    if not _NON_ASCII_DIGIT.search(chunk):
        return chunk
    return "".join(
        str(unicodedata.decimal(char)) if _NON_ASCII_DIGIT.match(char) else char for char in chunk
    )


def normalize(text: str) -> Normalized:
    """Return the normalised form of ``text`` with a map back to it (see the module docstring)."""
    if text.isascii():
        if "O" in text or "o" in text:
            fixed = _O_FOR_ZERO.sub("0", text)
            if fixed != text:
                return Normalized(fixed)  # same length: offsets are unchanged
        return Normalized(text)
    if (
        not _FORMAT.search(text)
        and not _NON_ASCII_DIGIT.search(text)
        and unicodedata.is_normalized("NFKC", text)
    ):
        return Normalized(_O_FOR_ZERO.sub("0", text))
    order = _visual_order(text) if _RLO in text else range(len(text))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    cluster: list[int] = []

    def flush() -> None:
        if not cluster:
            return
        source = "".join(text[i] for i in cluster)
        out = _ascii_digits(unicodedata.normalize("NFKC", source))
        out = _FORMAT.sub("", out)
        low, high = min(cluster), max(cluster) + 1
        for char in out:
            chars.append(char)
            starts.append(low)
            ends.append(high)
        cluster.clear()

    for index in order:
        char = text[index]
        if _FORMAT.match(char):
            continue
        if cluster and unicodedata.combining(char):
            cluster.append(index)  # a combining mark belongs to the character before it
            continue
        flush()
        cluster.append(index)
    flush()
    normal = _O_FOR_ZERO.sub("0", "".join(chars))
    return Normalized(normal, tuple(starts), tuple(ends))
