"""Text normalisation for search: case, diacritics, tokens and Romani spelling variants.

Three levels of folding are used:

- `keep_nordic`: lower case, every diacritic removed *except* å, ä and ö, which Swedish and Finnish
  stemmers need (`läkare`, `äidinkieli`). Used before stemming.
- `ascii_fold`: lower case, every diacritic removed (å/ä -> a, ö -> o). Index terms are stored in
  this form, so that a resident who types `forsorjningsstod` or `aidinkieli` still matches.
- `romani_normalise`: `ascii_fold` plus one canonical spelling for Romani chib, which has no
  standard orthography: č/ch/čh/tj/tš/cs -> c, š/sh/sj/sch -> s, ž/zh/dž/dj -> z, x -> h,
  doubled letters collapsed, apostrophes dropped (so `čhavo`, `chavo`, `tjhavo`, `chhavo` meet).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NORDIC = frozenset("åäö")
# Letters that NFKD does not decompose into base letter + combining mark.
_SPECIAL = {
    "ø": "ö",
    "æ": "ä",
    "ß": "ss",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "ı": "i",
    "þ": "th",
    "œ": "oe",
}
_APOSTROPHES = "'’ʼ`´‘"

# A word: letters/digits, optionally joined by apostrophes (t'aven) or a colon before a Finnish
# case ending on an abbreviation (DO:lle, 1177:ään; the ending is dropped in `tokenize`).
_WORD = re.compile(r"[^\W_]+(?:[" + _APOSTROPHES + r":][^\W_]+)*")


def _strip_marks(text: str, keep: frozenset[str]) -> str:
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text.casefold()):
        if char in keep or char.isascii():
            out.append(char)
            continue
        char = _SPECIAL.get(char, char)
        if char in keep:
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


@lru_cache(maxsize=65536)
def keep_nordic(text: str) -> str:
    """Lower case without diacritics, except that å, ä, ö stay (for Swedish/Finnish stemmers)."""
    return _strip_marks(text, _NORDIC)


_NORDIC_TO_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o"})


@lru_cache(maxsize=65536)
def ascii_fold(text: str) -> str:
    """Lower case with every diacritic removed (å/ä -> a, ö -> o)."""
    return keep_nordic(text).translate(_NORDIC_TO_ASCII)


def tokenize(text: str) -> list[str]:
    """Words of `text`, lower case, diacritics kept (the analysers fold them; č/š/ž and å/ä/ö
    tell which language a word can be). Apostrophes inside a word are dropped (t'aven ->
    taven); a colon ending (DO:lle) is cut off; hyphenated words are split (huoli-ilmoitus)."""
    tokens: list[str] = []
    for match in _WORD.finditer(unicodedata.normalize("NFC", text.casefold())):
        word = match.group().split(":", 1)[0]
        for char in _APOSTROPHES:
            word = word.replace(char, "")
        if word:
            tokens.append(word)
    return tokens


_ROMANI_ONLY = frozenset("čšžćǧśź")


def script_languages(word: str) -> tuple[bool, bool]:
    """(can be Swedish/Finnish, can be Romani) judging by the letters: å/ä/ö are not written in
    Romani chib, č/š/ž are not written in Swedish or Finnish."""
    nordic = any(c in _NORDIC for c in word)
    romani = any(c in _ROMANI_ONLY for c in word)
    if nordic and romani:
        return True, True
    return not romani, not nordic


# Romani: letters with a caron/acute that stand for one canonical sound, mapped before the other
# diacritics are stripped (otherwise č would become c and š s by accident, which is the same here,
# but ž/ǧ/x need their own values).
_ROMANI_LETTERS = str.maketrans(
    {
        "č": "c",
        "ć": "c",
        "ĉ": "c",
        "ç": "c",
        "š": "s",
        "ś": "s",
        "ş": "s",
        "ž": "z",
        "ź": "z",
        "ż": "z",
        "ǧ": "z",
        "ĝ": "z",
        "ğ": "z",
        "x": "h",
        "w": "v",
        "q": "k",
    }
)
# Digraphs after the letter step, longest first: tš -> ts, dž -> dz, čh -> ch on the way here.
_ROMANI_DIGRAPHS = re.compile(r"tsch|tsh|tch|sch|dzh|dzs|ts|tj|cs|cz|ch|sh|sj|sz|dz|dj|zh|zj")
_DIGRAPH_VALUE = {
    "tsch": "c",
    "tsh": "c",
    "tch": "c",
    "sch": "s",
    "dzh": "z",
    "dzs": "z",
    "ts": "c",
    "tj": "c",
    "cs": "c",
    "cz": "c",
    "ch": "c",
    "sh": "s",
    "sj": "s",
    "sz": "s",
    "dz": "z",
    "dj": "z",
    "zh": "z",
    "zj": "z",
}
_DOUBLED = re.compile(r"(.)\1+")
_FINAL_VOWEL_I = re.compile(r"([aeou])i$")


@lru_cache(maxsize=65536)
def romani_normalise(word: str) -> str:
    """One canonical spelling of a Romani word: `čhavo`, `chavo`, `tjavo`, `tšhavo`, `chhavo` ->
    `cavo`; `šukar`, `shukar`, `sjukar` -> `sukar`; `žuvli`, `zhuvli`, `džuvli` -> `zuvli`;
    `xabe` -> `habe`; `kai` -> `kaj`; `t'aven` -> `taven`; `sociálo` -> `socialo`."""
    word = unicodedata.normalize("NFC", word.casefold())
    for char in _APOSTROPHES:
        word = word.replace(char, "")
    word = ascii_fold(word.translate(_ROMANI_LETTERS))
    word = _DOUBLED.sub(r"\1", word)
    for _ in range(2):  # twice: tjh -> ch -> c
        word = _ROMANI_DIGRAPHS.sub(lambda m: _DIGRAPH_VALUE[m.group()], word)
        word = _DOUBLED.sub(r"\1", word)
    return _FINAL_VOWEL_I.sub(r"\1j", word)


def clear_caches() -> None:
    """Forget memoised results (for cold-start latency measurements)."""
    keep_nordic.cache_clear()
    ascii_fold.cache_clear()
    romani_normalise.cache_clear()
