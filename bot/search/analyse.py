"""Language analysers: a word (as produced by `normalise.tokenize`) -> its index terms.

- Swedish and Finnish: Snowball stemmers (the maintained `snowballstemmer` package), run on the
  word with å/ä/ö kept, the stem then folded to ASCII; a second term stems the ASCII form, so that
  text typed without å/ä/ö meets text written with them even where the stemmer treats them
  differently. A light key after stemming joins forms the stemmers keep apart: Swedish -ning/-ing
  and definite -an/-et (`swedish_key`), Finnish consonant gradation and -ks- stems (`finnish_key`).
- Romani chib: `romani_normalise` (one canonical spelling) and light suffix stripping of the
  commonest derivational, case and verb endings (Vlax Romani has no maintained stemmer).

The user's interface language does not tell the language of a query (residents mix Swedish words
into Romani and type Finnish in the Swedish menu), so queries are analysed with every analyser
the word's letters allow; documents only with the analyser of their own language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

import snowballstemmer

from bot.search.normalise import ascii_fold, keep_nordic, romani_normalise

_CACHE_LIMIT = 100_000


class Analyser(Protocol):
    lang: str

    def terms(self, word: str) -> tuple[str, ...]:
        """Index terms for one word from `normalise.tokenize` (lower case, diacritics kept)."""
        ...

    def clear_cache(self) -> None: ...


_FI_KEY_MIN = 5
_FI_KS = re.compile(r"([aeiouy])ks$")
_FI_GRADATION = re.compile(r"nt|nn|nk|ng|mp|mm|lt|ll|rt|rr|([^aeiouy])\1|d")
_FI_GRADE = {"nt": "n", "nn": "n", "nk": "n", "ng": "n", "mp": "m", "mm": "m", "lt": "l"}
_FI_GRADE.update({"ll": "l", "rt": "r", "rr": "r", "d": "t"})


def finnish_key(stem: str) -> str:
    """Fold Finnish consonant gradation out of a Snowball stem, which keeps the grades apart:
    asunto/asunnon -> `asuno`, ilmoitus/ilmoituksen -> `ilmoitus`, kenkä/kengän -> `kenk`."""
    stem = _FI_KS.sub(r"\1s", stem)
    if len(stem) < _FI_KEY_MIN:
        return stem  # short stems collide when folded: kunta/kunnia, haku/hakkaa
    return _FI_GRADATION.sub(lambda m: _FI_GRADE.get(m.group(), m.group()[0]), stem)


_SV_ENDINGS = (("ning", 4), ("ing", 4), ("an", 4), ("et", 4))


def swedish_key(stem: str) -> str:
    """Endings the Swedish Snowball stemmer keeps but that separate a word from its relatives:
    -ning/-ing (utredning ~ utreda, placering ~ placera), definite -an/-et (förskolan ~
    förskola, barnet ~ barn), and the -an of ansökan/anmälan (~ ansöka, anmäla)."""
    for ending, keep in _SV_ENDINGS:
        if stem.endswith(ending) and len(stem) - len(ending) >= keep:
            return stem[: -len(ending)]
    return stem


def _identity(stem: str) -> str:
    return stem


class _CachedAnalyser:
    """Terms of a word, cached (queries repeat words); digits stay as they are in every language."""

    lang: str

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, ...]] = {}

    def clear_cache(self) -> None:
        self._cache.clear()

    def terms(self, word: str) -> tuple[str, ...]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        result = (word,) if word.isdigit() else self._analyse(word)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = result
        return result

    def _analyse(self, word: str) -> tuple[str, ...]:
        raise NotImplementedError


class SnowballAnalyser(_CachedAnalyser):
    """Snowball stemming for Swedish or Finnish, terms folded to ASCII."""

    def __init__(self, lang: str, algorithm: str, key: Callable[[str], str] = _identity) -> None:
        super().__init__()
        self.lang = lang
        self._stemmer = snowballstemmer.stemmer(algorithm)
        self._key = key

    def _analyse(self, word: str) -> tuple[str, ...]:
        stem = self._stemmer.stemWord
        key = self._key
        nordic = keep_nordic(word)
        first = key(ascii_fold(stem(nordic)))
        folded = ascii_fold(nordic)
        second = key(stem(folded)) if folded != nordic else first
        return (first,) if second == first else (first, second)


# Romani endings, longest first: abstract nouns (-ipe/-ipen/-imos: žutipe "help" ~ žutil "helps",
# phuripe "old age" ~ phuro "old"), cases (-esa/-asa instrumental, -eske/-enge dative,
# -estar/-endar ablative, -enca sociative, -ate locative; -ske/-star after a consonant, common in
# Finnish Kaale: kheereske, sossustar), diminutive -orr-, plural and gender
# vowels, and the commonest verb endings (-av, -es, -el, -il, -as, -en, -ena, past -das/-dem/-de).
_ROMANI_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        (
            *("ipen", "ipe", "iben", "ibe", "imos", "imata", "il"),  # žutipe ~ žutil ~ žuto
            *("endar", "estar", "enge", "enca", "ensa", "ende", "eske", "esko", "eski"),
            *("esa", "ehe", "atar", "asa", "ake", "aki", "ako", "ate"),
            *("enske", "ske", "star"),  # dative/ablative after a consonant: xabenske, sossustar
            *("ja", "jake", "jasa", "jatar", "ore", "ori", "oro", "ora"),
            *("das", "dem", "dam", "dan", "de", "ava", "ela", "ena"),
            *("av", "as", "el", "en", "es", "an", "ol", "o", "a", "e", "i", "u"),
        ),
        key=len,
        reverse=True,
    )
)
_ROMANI_MIN_STEM = 3


def romani_stem(word: str) -> str:
    """Strip one common Romani ending from a word in `romani_normalise` form."""
    for suffix in _ROMANI_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _ROMANI_MIN_STEM:
            return word[: -len(suffix)]
    return word


class RomaniAnalyser(_CachedAnalyser):
    lang = "rom"

    def _analyse(self, word: str) -> tuple[str, ...]:
        return (romani_stem(romani_normalise(word)),)


def default_analysers() -> dict[str, Analyser]:
    return {
        "sv": SnowballAnalyser("sv", "swedish", swedish_key),
        "fi": SnowballAnalyser("fi", "finnish", finnish_key),
        "rom": RomaniAnalyser(),
    }


def split_compound(
    word: str, is_word: Callable[[str], bool], *, min_part: int = 3, depth: int = 2
) -> tuple[str, ...] | None:
    """Split a Swedish/Finnish compound into known words, longest first part first:
    `modersmålsundervisning` -> (`modersmål`, `undervisning`) when both are known; a linking
    -s- (Swedish) is dropped from the first part. None if no split into known words exists."""
    if len(word) < 2 * min_part + 1:
        return None
    for i in range(len(word) - min_part, min_part - 1, -1):
        left, right = word[:i], word[i:]
        if not is_word(left):
            if not (left.endswith("s") and len(left) > min_part and is_word(left[:-1])):
                continue
            left = left[:-1]
        if is_word(right):
            return (left, right)
        if depth > 1:
            rest = split_compound(right, is_word, min_part=min_part, depth=depth - 1)
            if rest:
                return (left, *rest)
    return None
