"""Reading a query's words: how each analyser that a word's letters allow understands it, its
synonym concepts, compound parts and typo corrections as weighted alternative terms, and how well
the word was recognised ("known", "part", "fuzzy", "guess", "unknown"). Memoised per word.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.search.analyse import Analyser, split_compound
from bot.search.build import MIN_COMPOUND, Patterns
from bot.search.normalise import ascii_fold, script_languages

#: weights of alternative query terms relative to the word as typed
CONCEPT_WEIGHT = 0.8
QUERY_PART_WEIGHT = 0.7
FUZZY_WEIGHTS: Mapping[int, float] = {1: 0.85, 2: 0.7, 3: 0.6}
_MIN_QUERY_PART = 4
#: words shorter than this must share their first letter with a typo correction
_FUZZY_SAME_FIRST_BELOW = 8
_CACHE_LIMIT = 50_000
#: Romani case endings that varieties put on Swedish/Finnish loanwords, and the weight of the
#: loanword read without its ending
_ROMANI_CASE_ENDINGS = ("eske", "ske", "star", "sa")
_MIN_LOAN_BASE = 4
LOAN_BASE_WEIGHT = 0.9
#: weight of a neutral word (family words, "help") relative to a content word
NEUTRAL_WEIGHT = 0.25
#: typo corrections of words shorter than this (or more than one edit away) do not count as
#: recognising the word
_FUZZY_KNOWN_FROM = 7
#: weight of a word's terms by (neutral, how it was recognised): a guess at a typo in a short
#: word counts less than a word that was read
GUESS_WEIGHT = 0.6
_FACTOR: dict[tuple[bool, str], float] = {
    (neutral, quality): (NEUTRAL_WEIGHT if neutral else 1.0)
    * (GUESS_WEIGHT if quality == "guess" else 1.0)
    for neutral in (False, True)
    for quality in ("known", "part", "fuzzy", "guess", "unknown")
}
#: how a word must have been recognised to count as read (and to fill a situation's slot)
RECOGNISED = frozenset({"known", "part", "fuzzy"})
#: kinds of query units: a content word, a neutral word, a joined pair of words
CONTENT, NEUTRAL, EXTRA = 0, 1, 2

#: a query word analysed: terms per analyser, alternatives with weights, how it was recognised
#: ("known", "part" of a compound, "fuzzy" for a typo correction of a long word, "guess" for one
#: of a short word, "unknown"), and whether it is a neutral word
Analysed = tuple["LangTerms", dict[str, float], str, bool]
#: lang -> term -> weight: how one query word is understood by each analyser
LangTerms = dict[str, dict[str, float]]


def max_typo_distance(length: int) -> int:
    """How many edits a word of `length` letters may be away from a known word."""
    if length < 4:
        return 0
    if length <= 6:
        return 1
    if length <= 10:
        return 2
    return 3


class QueryReader:
    """Reads query words against one index's vocabulary, with caches. One thread at a time."""

    def __init__(
        self,
        *,
        analysers: Mapping[str, Analyser],
        postings: Mapping[str, object],
        surfaces: dict[int, list[str]],
        known_words: frozenset[str],
        patterns: Patterns,
        neutral_terms: frozenset[tuple[str, str]],
        situation_keys: Mapping[str, object],
    ) -> None:
        self._analysers = analysers
        self._postings = postings
        self._surfaces = surfaces
        self._known_words = known_words
        self._patterns = patterns
        self._neutral_terms = neutral_terms
        self._situation_keys = situation_keys
        #: every term of every synonym member, also the second word of a phrase ("builder")
        self._pattern_terms = frozenset(
            term
            for entries in patterns.values()
            for pattern, _ in entries
            for terms in pattern
            for term in terms
        )
        self._fuzzy_cache: dict[str, LangTerms] = {}
        self._word_cache: dict[str, Analysed] = {}

    def clear_caches(self) -> None:
        self._fuzzy_cache.clear()
        self._word_cache.clear()

    def units(
        self, words: list[str], analysed: list[Analysed]
    ) -> list[tuple[dict[str, float], int]]:
        """(alternative terms, kind) per word (content, neutral: weighed down), plus extra units
        for joined word pairs."""
        units = [
            {t: w * _FACTOR[neutral, quality] for t, w in alternatives.items()}
            for _, alternatives, quality, neutral in analysed
        ]
        # Synonym phrases ("ekonomiskt bistånd") across consecutive words; a guess at a typo in
        # a short word is too loose to complete a phrase ("came home" is not "home care").
        for start, (by_lang, _, quality, _) in enumerate(analysed):
            if quality not in RECOGNISED:
                continue
            for lang, terms in by_lang.items():
                for term, weight in terms.items():
                    for pattern, concept in self._patterns.get((lang, term), ()):
                        if len(pattern) < 2 or start + len(pattern) > len(words):
                            continue
                        if all(
                            analysed[start + j][2] in RECOGNISED
                            and pattern[j] & analysed[start + j][0].get(lang, {}).keys()
                            for j in range(1, len(pattern))
                        ):
                            value = weight * CONCEPT_WEIGHT
                            for j in range(start, start + len(pattern)):
                                if units[j].get(concept, 0.0) < value:
                                    units[j][concept] = value
        result = [
            (unit, NEUTRAL if neutral else CONTENT)
            for unit, (_, _, _, neutral) in zip(units, analysed, strict=True)
        ]
        # Words written apart that the index knows as one ("försörjnings stöd").
        for first, second in itertools.pairwise(words):
            joined = first + second
            if len(joined) >= MIN_COMPOUND and ascii_fold(joined) in self._known_words:
                result.append((flatten(self.terms_of(joined)), EXTRA))
        return result

    def terms_of(self, word: str, weight: float = 1.0) -> LangTerms:
        """How each analyser that the word's letters allow understands it. A Swedish or Finnish
        word with a Romani case ending (`vuokraske`, `doktoriske`, `kommunasa`: Finnish Kaale
        and other varieties inflect loanwords) is also read without the ending."""
        nordic, romani = script_languages(word)
        result = {
            lang: dict.fromkeys(analyser.terms(word), weight)
            for lang, analyser in self._analysers.items()
            if (romani if lang == "rom" else nordic)
        }
        if nordic and romani:
            for ending in _ROMANI_CASE_ENDINGS:
                if word.endswith(ending) and len(word) - len(ending) >= _MIN_LOAN_BASE:
                    base = word[: -len(ending)]
                    for lang in ("sv", "fi"):
                        analyser = self._analysers.get(lang)
                        if analyser is None:
                            continue
                        mine = result.setdefault(lang, {})
                        for term in analyser.terms(base):
                            mine.setdefault(term, weight * LOAN_BASE_WEIGHT)
                    break
        return result

    def _known(self, by_lang: LangTerms) -> bool:
        return any(
            term in self._postings
            or (lang, term) in self._patterns
            or term in self._situation_keys
            or term in self._pattern_terms
            or (lang, term) in self._neutral_terms
            for lang, terms in by_lang.items()
            for term in terms
        )

    def word(self, word: str) -> Analysed:
        """(terms per analyser, alternatives incl. one-word synonym concepts, how the word was
        recognised, whether it is neutral), cached."""
        cached = self._word_cache.get(word)
        if cached is not None:
            return cached
        by_lang = self.terms_of(word)
        quality = "known"
        neutral = any(
            (lang, term) in self._neutral_terms for lang, terms in by_lang.items() for term in terms
        )
        if not self._known(by_lang):
            folded = ascii_fold(word)
            parts = split_compound(folded, self._known_words.__contains__, min_part=_MIN_QUERY_PART)
            extra = (
                [self.terms_of(part, QUERY_PART_WEIGHT) for part in parts]
                if parts
                else [self._fuzzy(folded)]
            )
            if parts:
                quality = "part"
            elif not extra[0]:
                quality = "unknown"
            else:
                nearest = max(w for terms in extra[0].values() for w in terms.values())
                close = nearest >= FUZZY_WEIGHTS[1] and len(folded) >= _FUZZY_KNOWN_FROM
                quality = "fuzzy" if close else "guess"
            for more in extra:
                for lang, terms in more.items():
                    mine = by_lang.setdefault(lang, {})
                    for term, weight in terms.items():
                        if weight > mine.get(term, 0.0):
                            mine[term] = weight
        alternatives = flatten(by_lang)
        for lang, terms in by_lang.items():
            for term, weight in terms.items():
                for pattern, concept in self._patterns.get((lang, term), ()):
                    value = weight * CONCEPT_WEIGHT
                    if len(pattern) == 1 and value > alternatives.get(concept, 0.0):
                        alternatives[concept] = value
        if not neutral and quality in RECOGNISED:
            neutral = any(
                ("", concept) in self._neutral_terms
                for concept in alternatives
                if concept[0] == "~"
            )
        if len(self._word_cache) >= _CACHE_LIMIT:
            self._word_cache.clear()
        result: Analysed = (by_lang, alternatives, quality, neutral)
        self._word_cache[word] = result
        return result

    def _fuzzy(self, word: str) -> LangTerms:
        """Terms of the known words closest to an unknown word, weighted by distance."""
        cached = self._fuzzy_cache.get(word)
        if cached is not None:
            return cached
        limit = max_typo_distance(len(word))
        found: LangTerms = {}
        if limit and not word.isdigit():
            best: list[tuple[str, int]] = []
            for length in range(len(word) - limit, len(word) + limit + 1):
                choices = self._surfaces.get(length)
                if not choices:
                    continue
                for choice, distance, _ in process.extract(
                    word, choices, scorer=OSA.distance, score_cutoff=limit, limit=5
                ):
                    if len(word) < _FUZZY_SAME_FIRST_BELOW and choice[0] != word[0]:
                        continue
                    best.append((choice, int(distance)))
            if best:
                nearest = min(d for _, d in best)
                weight = FUZZY_WEIGHTS.get(nearest, 0.5)
                for choice, distance in best:
                    if distance == nearest:
                        for lang, terms in self.terms_of(choice, weight).items():
                            found.setdefault(lang, {}).update(terms)
        if len(self._fuzzy_cache) >= _CACHE_LIMIT:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[word] = found
        return found


def flatten(by_lang: LangTerms) -> dict[str, float]:
    flat: dict[str, float] = {}
    for terms in by_lang.values():
        for term, weight in terms.items():
            if weight > flat.get(term, 0.0):
                flat[term] = weight
    return flat
