"""An in-memory BM25F index over all topics in all languages, built once at start-up
(`bot.search.build`), whose queries are read word by word (`bot.search.reading`) and scored here.

Design:

- One document per topic id: the Swedish, Finnish and Romani texts of a topic together, each
  analysed with its own language's analyser. A query in any language (or a mix, as residents
  write) can match any language's text; the caller shows the topic in the user's language.
- Fields with weights (BM25F): keywords and titles count most, then headings and summaries, then
  the body (paragraphs, steps, bullets, next steps, contact names).
- Stop words (content/synonyms.yaml) are neither indexed nor searched for.
- Queries are analysed with every analyser whose language the word's letters allow (the user's
  menu language does not tell the query's language; å/ä/ö are not Romani, č/š/ž not Swedish or
  Finnish). Each query word is one *unit*: a set of alternative terms (stems from each analyser,
  synonym concepts, compound parts, typo corrections) of which the best-scoring one counts, so a
  word is never counted twice because several analysers understood it.
- Synonym groups become concept terms: a document that contains any member of a group also
  contains the group's concept term, and so does a query. A word matches a member when the same
  analyser gives both a common term.
- Swedish and Finnish compounds are split into known words (`modersmålsundervisning` also
  indexes `modersmål` and `undervisning` at a lower weight); unknown query words are split the
  same way, and adjacent query words are joined (`försörjnings stöd`).
- Typo tolerance: a query word that matches nothing is compared with the index's words by edit
  distance (rapidfuzz), with a maximum distance that grows with the word's length, cached.
- Neutral words (content/search/concepts.yaml: family words, "help") are understood but point to
  no topic on their own: they score little and do not count as the query's words.
- Situations (concepts.yaml): a question with a word from every slot of a situation ("pappa" +
  "slår") adds `SITUATION_SCORE` to the situation's topic, and its words count as matched there.
- The ranking says how many of the query's words were recognised at all (not only by a guess at
  a typo in a short word), so that the engine can decline to answer a message it did not read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.content.model import Topic
from bot.search import normalise
from bot.search.analyse import Analyser
from bot.search.build import Patterns, build_parts, is_stop, stopword_set, useful
from bot.search.normalise import ascii_fold, tokenize
from bot.search.reading import (
    CONCEPT_WEIGHT,
    CONTENT,
    RECOGNISED,
    Analysed,
    QueryReader,
    flatten,
)
from bot.search.vocabulary import Situation

#: a word whose best match scores less than this (a common word somewhere in a body text, a
#: chance stem of a foreign word) does not count as recognised
WEAK_WORD_SCORE = 1.0
#: score a situation adds to its topic
SITUATION_SCORE = 6.0
#: a question never needs more; a pasted letter must not cost more than a question
MAX_QUERY_WORDS = 30
#: longer "words" are pasted links or codes, not words
MAX_WORD = 40
#: an alternative term this weak (a distant typo correction) does not fill a situation's slot
_SITUATION_MIN_WEIGHT = 0.65


@dataclass(frozen=True, slots=True)
class ScoredTopic:
    topic_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Ranking:
    """Topics by descending score; `units` is how many meaningful words the query had and
    `matched[i]` how many of them topic i matched."""

    topics: tuple[ScoredTopic, ...]
    matched: tuple[int, ...]
    units: int
    #: how many of the `units` words were recognised (None: all of them)
    known: int | None = None
    #: per topic: whether a full situation pointed to it (a weighted word -> topic mapping
    #: adds to the score but is not evidence enough on its own)
    situations: tuple[bool, ...] = ()
    #: per topic: the score of its best-matching single word
    best_word: tuple[float, ...] = ()
    #: per topic: whether a query word matched its title, keywords, headings or summary, or a
    #: synonym group or situation (not only a word somewhere in its body text)
    topical: tuple[bool, ...] = ()


_EMPTY = Ranking((), (), 0)


class SearchIndex:
    """Build with `SearchIndex.build`; then `rank(query)`. Immutable after building apart from
    its caches. Search from one thread at a time (the event loop): the Snowball stemmers keep
    state while stemming. Building a new index (on /reload) in another thread is fine, it has
    its own analysers."""

    def __init__(
        self,
        *,
        topics: tuple[Topic, ...],
        synonyms: tuple[tuple[str, ...], ...],
        stopwords: Sequence[str],
        analysers: Mapping[str, Analyser],
        topic_ids: tuple[str, ...],
        postings: dict[str, dict[int, float]],
        surfaces: dict[int, list[str]],
        known_words: frozenset[str],
        patterns: Patterns,
        neutral: Sequence[str] = (),
        neutral_terms: frozenset[tuple[str, str]] = frozenset(),
        situations: Sequence[Situation] = (),
        situation_keys: dict[str, list[tuple[int, int]]] | None = None,
        situation_docs: tuple[int, ...] = (),
        topical: dict[str, frozenset[int]] | None = None,
    ) -> None:
        self.topics = topics
        self.synonyms = synonyms
        self.stopwords = tuple(stopwords)
        self.topic_ids = topic_ids
        self._stop = stopword_set(stopwords)
        self._analysers = analysers
        self._postings = postings
        self._known_words = known_words
        self.neutral = tuple(neutral)
        self.situations = tuple(situations)
        self._situation_keys = situation_keys or {}
        self._situation_docs = situation_docs
        self._topical = topical
        self._reader = QueryReader(
            analysers=analysers,
            postings=postings,
            surfaces=surfaces,
            known_words=known_words,
            patterns=patterns,
            neutral_terms=neutral_terms,
            situation_keys=self._situation_keys,
        )

    # ------------------------------------------------------------------ building

    @classmethod
    def build(
        cls,
        topics: Iterable[Topic],
        synonyms: Sequence[Sequence[str]],
        *,
        stopwords: Sequence[str] = (),
        analysers: Mapping[str, Analyser] | None = None,
        neutral: Sequence[str] = (),
        situations: Sequence[Situation] = (),
    ) -> SearchIndex:
        """Index `topics` (any languages; topics with the same id form one document)."""
        parts = build_parts(
            topics,
            synonyms,
            stopwords=stopwords,
            analysers=analysers,
            neutral=neutral,
            situations=situations,
        )
        return cls(
            topics=parts.topics,
            synonyms=parts.synonyms,
            stopwords=parts.stopwords,
            analysers=parts.analysers,
            topic_ids=parts.topic_ids,
            postings=parts.postings,
            topical=parts.topical,
            surfaces=parts.surfaces,
            known_words=parts.known_words,
            patterns=parts.patterns,
            neutral=parts.neutral,
            neutral_terms=parts.neutral_terms,
            situations=parts.situations,
            situation_keys=parts.situation_keys,
            situation_docs=parts.situation_docs,
        )

    def replicated(self, copies: int) -> SearchIndex:
        """The same content `copies` times with distinct topic ids (for load tests)."""
        topics = [
            replace(topic, id=f"{topic.id}~{k}") if k else topic
            for k in range(copies)
            for topic in self.topics
        ]
        return SearchIndex.build(
            topics,
            self.synonyms,
            stopwords=self.stopwords,
            analysers=self._analysers,
            neutral=self.neutral,
            situations=self.situations,
        )

    def clear_caches(self) -> None:
        """Forget every memoised query analysis (for cold-start latency measurements)."""
        self._reader.clear_caches()
        for analyser in self._analysers.values():
            analyser.clear_cache()
        normalise.clear_caches()

    # ------------------------------------------------------------------ querying

    def is_stopword(self, word: str) -> bool:
        return is_stop(word, self._stop)

    def rank(self, query: str | Sequence[str], limit: int | None = None) -> Ranking:
        """Score every topic for `query` (a text, or words from `normalise.tokenize`)."""
        words = tokenize(query) if isinstance(query, str) else list(query)
        meaningful = [
            w for w in words if useful(w) and len(w) <= MAX_WORD and not self.is_stopword(w)
        ]
        analysed = [self._reader.word(w) for w in meaningful[:MAX_QUERY_WORDS]]
        units = self._reader.units(meaningful[:MAX_QUERY_WORDS], analysed)
        if not units:
            return _EMPTY
        content = [i for i, (_, _, _, neutral) in enumerate(analysed) if not neutral]
        # content words that match some topic more than weakly (or are words of the texts)
        read: set[int] = set()
        topical_docs: set[int] = set()
        totals: dict[int, float] = defaultdict(float)
        matched: dict[int, set[int]] = defaultdict(set)
        best_word: dict[int, float] = defaultdict(float)
        postings = self._postings
        for position, (unit, kind) in enumerate(units):
            best: dict[int, float] = {}
            for term, weight in unit.items():
                posting = postings.get(term)
                if posting is None:
                    continue
                for doc, score in posting.items():
                    value = score * weight
                    if value > best.get(doc, 0.0):
                        best[doc] = value
            for doc, value in best.items():
                totals[doc] += value
                if kind == CONTENT:
                    matched[doc].add(position)
                    if value > best_word[doc]:
                        best_word[doc] = value
            if kind == CONTENT:
                mine: set[int] = set()
                if self._topical is not None:
                    for term in unit:
                        mine.update(self._topical.get(term, ()))
                    topical_docs.update(mine)
                if any(
                    value >= WEAK_WORD_SCORE and (self._topical is None or doc in mine)
                    for doc, value in best.items()
                ):
                    read.add(position)
        # stop words may fill a situation's slot ("ta" in "soc vill ta mina barn")
        stopped = [
            flatten(self._reader.terms_of(w))
            for w in words[: MAX_QUERY_WORDS * 2]
            if useful(w) and len(w) <= MAX_WORD and self.is_stopword(w)
        ]
        situated = self._situations(analysed, stopped)
        for doc, (weight, filled) in situated.items():
            totals[doc] += SITUATION_SCORE * weight
            mine = {i for i in filled if i < len(analysed)}
            matched[doc].update(i for i in mine if not analysed[i][3])
            read.update(mine)
            topical_docs.add(doc)
        known = sum(
            1
            for i in content
            if analysed[i][2] in RECOGNISED
            and (
                i in read
                or ascii_fold(meaningful[i]) in self._known_words
                or (analysed[i][2] == "known" and _in_group(analysed[i][1]))
            )
        )
        order = sorted(totals, key=lambda d: (-totals[d], d))
        if limit is not None:
            order = order[:limit]
        return Ranking(
            topics=tuple(ScoredTopic(self.topic_ids[d], round(totals[d], 4)) for d in order),
            matched=tuple(len(matched[d]) for d in order),
            units=len(content),
            known=known,
            situations=tuple(d in situated and situated[d][0] >= 1.0 for d in order),
            best_word=tuple(round(best_word[d], 4) for d in order),
            topical=tuple(self._topical is None or d in topical_docs for d in order),
        )

    def _situations(
        self, analysed: list[Analysed], stopped: Sequence[dict[str, float]] = ()
    ) -> dict[int, tuple[float, set[int]]]:
        """doc -> (the largest weight of its situations found, the query words that fill them);
        `stopped` are the terms of the query's stop words, which fill slots but are not query
        words (their positions start after the analysed words')."""
        if not self._situation_keys:
            return {}
        filled: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        candidates = [
            (i, alternatives)
            for i, (_, alternatives, quality, _) in enumerate(analysed)
            if quality in RECOGNISED
        ]
        candidates.extend((len(analysed) + j, terms) for j, terms in enumerate(stopped))
        for i, alternatives in candidates:
            for term, weight in alternatives.items():
                if weight < _SITUATION_MIN_WEIGHT:
                    continue
                for number, slot in self._situation_keys.get(term, ()):
                    filled[number][slot].add(i)
        found: dict[int, tuple[float, set[int]]] = {}
        for number, slots in filled.items():
            situation = self.situations[number]
            if len(slots) < len(situation.slots):
                continue
            words = _distinct_fill([slots[j] for j in range(len(situation.slots))])
            if words is not None:
                doc = self._situation_docs[number]
                weight, filled_words = found.get(doc, (0.0, set()))
                found[doc] = (max(weight, situation.weight), filled_words | words)
        return found


def _in_group(alternatives: Mapping[str, float]) -> bool:
    """Whether a word read as typed is a member of a synonym group (in any inflection): an
    editor listed it, so it was read even when the group is common in every topic's text."""
    return any(term[0] == "~" and weight >= CONCEPT_WEIGHT for term, weight in alternatives.items())


def _distinct_fill(slots: list[set[int]]) -> set[int] | None:
    """Words filling every slot, a different word for each slot (None if impossible)."""
    used: set[int] = set()

    def fill(j: int) -> bool:
        if j == len(slots):
            return True
        for word in sorted(slots[j]):
            if word not in used:
                used.add(word)
                if fill(j + 1):
                    return True
                used.discard(word)
        return False

    return used if fill(0) else None
