"""An in-memory BM25F index over all topics in all languages, built once at start-up.

Design:

- One document per topic id: the Swedish, Finnish and Romani texts of a topic together, each
  analysed with its own language's analyser. A query in any language (or a mix, as residents
  write) can match any language's text; the caller shows the topic in the user's language.
- Fields with weights (BM25F): keywords and titles count most, then headings and summaries, then
  the body (paragraphs, steps, bullets, next steps, contact names).
- Queries are analysed with every analyser (the user's menu language does not tell the query's
  language). Each query word is one *unit*: a set of alternative terms (stems from each analyser,
  synonym concepts, compound parts, typo corrections) of which the best-scoring one counts, so a
  word is never counted twice because three analysers understood it.
- Synonym groups (from content/synonyms.yaml) become concept terms: a document that contains any
  member of a group also contains the group's concept term, and so does a query.
- Swedish and Finnish compounds are split into known words (`modersmålsundervisning` also
  indexes `modersmål` and `undervisning` at a lower weight); unknown query words are split the
  same way, and adjacent query words are joined (`försörjnings stöd`).
- Typo tolerance: a query word that matches nothing is compared with the index's word list by
  edit distance (rapidfuzz), with a maximum distance that grows with the word's length, cached.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content.model import Topic
from bot.search.analyse import Analyser, default_analysers, split_compound
from bot.search.normalise import ascii_fold, romani_normalise, tokenize

#: field -> (weight, length normalisation b)
FIELDS: Mapping[str, tuple[float, float]] = {
    "title": (3.0, 0.5),
    "keywords": (3.0, 0.3),
    "headings": (1.5, 0.5),
    "summary": (1.5, 0.75),
    "body": (1.0, 0.75),
}
K1 = 1.2
#: weight of a compound part in a document (the whole compound counts 1)
PART_WEIGHT = 0.5
#: weights of alternative query terms relative to the word as typed
CONCEPT_WEIGHT = 0.8
QUERY_PART_WEIGHT = 0.7
FUZZY_WEIGHTS: Mapping[int, float] = {1: 0.85, 2: 0.7, 3: 0.6}
_COMPOUND_LANGS = frozenset({"sv", "fi"})
_MIN_COMPOUND = 7
_CACHE_LIMIT = 50_000


def max_typo_distance(length: int) -> int:
    """How many edits a word of `length` letters may be away from a known word."""
    if length < 4:
        return 0
    if length <= 6:
        return 1
    if length <= 10:
        return 2
    return 3


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


_EMPTY = Ranking((), (), 0)


def topic_fields(topic: Topic) -> dict[str, list[str]]:
    """The texts of a topic per index field."""
    body: list[str] = []
    for block in topic.sections:
        if block.text:
            body.append(block.text)
        body.extend(block.steps)
        body.extend(block.bullets)
    body.extend(topic.next_steps)
    for contact in topic.contacts:
        body.append(contact.name)
        if contact.note:
            body.append(contact.note)
    return {
        "title": [topic.title],
        "keywords": list(topic.keywords),
        "headings": [block.heading for block in topic.sections],
        "summary": [topic.summary],
        "body": body,
    }


def _useful(word: str) -> bool:
    return len(word) >= 2 or word.isdigit()


class SearchIndex:
    """Build with `SearchIndex.build`; then `rank(query)`. Immutable after building apart from
    its caches, so it can be shared by concurrent handlers."""

    def __init__(
        self,
        *,
        topics: tuple[Topic, ...],
        synonyms: tuple[tuple[str, ...], ...],
        stopwords: frozenset[str],
        analysers: Mapping[str, Analyser],
        topic_ids: tuple[str, ...],
        postings: dict[str, dict[int, float]],
        surfaces: dict[int, list[str]],
        known_words: frozenset[str],
        concept_single: dict[str, frozenset[str]],
        concept_phrases: dict[str, list[tuple[tuple[frozenset[str], ...], str]]],
    ) -> None:
        self.topics = topics
        self.synonyms = synonyms
        self.stopwords = stopwords
        self.topic_ids = topic_ids
        self._analysers = analysers
        self._postings = postings
        self._surfaces = surfaces
        self._known_words = known_words
        self._concept_single = concept_single
        self._concept_phrases = concept_phrases
        self._fuzzy_cache: dict[str, dict[str, float]] = {}
        self._unit_cache: dict[str, dict[str, float]] = {}

    # ------------------------------------------------------------------ building

    @classmethod
    def build(
        cls,
        topics: Iterable[Topic],
        synonyms: Sequence[Sequence[str]],
        *,
        stopwords: Iterable[str] = (),
        analysers: Mapping[str, Analyser] | None = None,
    ) -> SearchIndex:
        """Index `topics` (any languages; topics with the same id form one document)."""
        topics = tuple(topics)
        groups = tuple(tuple(group) for group in synonyms)
        analysers = dict(analysers or default_analysers())
        stop = _stopword_set(stopwords)

        topic_ids: list[str] = []
        position: dict[str, int] = {}
        # doc -> field -> list of (lang, words)
        docs: list[dict[str, list[tuple[str, list[str]]]]] = []
        for topic in topics:
            if topic.is_fallback:
                continue  # a Swedish stand-in: the Swedish topic is indexed already
            if topic.id not in position:
                position[topic.id] = len(topic_ids)
                topic_ids.append(topic.id)
                docs.append({field: [] for field in FIELDS})
            doc = docs[position[topic.id]]
            for field, texts in topic_fields(topic).items():
                for text in texts:
                    words = [w for w in tokenize(text) if _useful(w)]
                    doc[field].append((topic.lang, words))

        # Pass 1: the vocabulary, for compound splitting and typo tolerance.
        surfaces_all: set[str] = set()
        lang_terms: dict[str, set[str]] = defaultdict(set)
        for doc in docs:
            for parts in doc.values():
                for lang, words in parts:
                    analyser = analysers[lang]
                    for word in words:
                        surfaces_all.add(ascii_fold(word))
                        lang_terms[lang].update(analyser.terms(word))
        for group in groups:
            for member in group:
                surfaces_all.update(ascii_fold(w) for w in tokenize(member))
        surfaces_all -= stop

        def is_word_for(lang: str) -> _IsWord:
            return _IsWord(analysers[lang], surfaces_all, lang_terms[lang], stop)

        # Synonym concepts, per language for documents, and across analysers for queries.
        concept_single: dict[str, set[str]] = defaultdict(set)
        concept_phrases: dict[str, list[tuple[tuple[frozenset[str], ...], str]]] = defaultdict(list)
        doc_patterns: dict[str, list[tuple[tuple[frozenset[str], ...], str]]] = {
            lang: [] for lang in analysers
        }
        for g, group in enumerate(groups):
            concept = f"~{g}"
            for member in group:
                words = [w for w in tokenize(member) if _useful(w)]
                if not words:
                    continue
                for lang, analyser in analysers.items():
                    doc_patterns[lang].append(
                        (tuple(frozenset(analyser.terms(w)) for w in words), concept)
                    )
                pattern = tuple(
                    frozenset(t for analyser in analysers.values() for t in analyser.terms(w))
                    for w in words
                )
                if len(pattern) == 1:
                    for term in pattern[0]:
                        concept_single[term].add(concept)
                else:
                    for term in pattern[0]:
                        concept_phrases[term].append((pattern, concept))
        doc_first: dict[str, dict[str, list[tuple[tuple[frozenset[str], ...], str]]]] = {}
        for lang, patterns in doc_patterns.items():
            first: dict[str, list[tuple[tuple[frozenset[str], ...], str]]] = defaultdict(list)
            for pattern, concept in patterns:
                for term in pattern[0]:
                    first[term].append((pattern, concept))
            doc_first[lang] = first

        # Pass 2: weighted term frequencies per document and field.
        tfs: list[dict[str, dict[str, float]]] = []
        lengths: list[dict[str, int]] = []
        is_word_cache = {lang: is_word_for(lang) for lang in analysers}
        split_cache: dict[tuple[str, str], tuple[str, ...]] = {}
        for doc in docs:
            doc_tf: dict[str, dict[str, float]] = {}
            doc_len: dict[str, int] = {}
            for field, parts in doc.items():
                tf: dict[str, float] = defaultdict(float)
                length = 0
                for lang, words in parts:
                    analyser = analysers[lang]
                    sequence: list[frozenset[str]] = []
                    for word in words:
                        length += 1
                        terms = analyser.terms(word)
                        for term in terms:
                            tf[term] += 1.0
                        sequence.append(frozenset(terms))
                        if lang in _COMPOUND_LANGS and len(word) >= _MIN_COMPOUND:
                            key = (lang, word)
                            if key not in split_cache:
                                split_cache[key] = _split_terms(word, analyser, is_word_cache[lang])
                            for term in split_cache[key]:
                                if term not in terms:
                                    tf[term] += PART_WEIGHT
                    for concept in _find_concepts(sequence, doc_first[lang]):
                        tf[concept] += 1.0
                doc_tf[field] = tf
                doc_len[field] = length
            tfs.append(doc_tf)
            lengths.append(doc_len)

        postings = _bm25f(tfs, lengths)
        surfaces_by_length: dict[int, list[str]] = defaultdict(list)
        for surface in sorted(surfaces_all):
            if len(surface) >= 4 and not surface.isdigit():
                surfaces_by_length[len(surface)].append(surface)
        return cls(
            topics=topics,
            synonyms=groups,
            stopwords=stop,
            analysers=analysers,
            topic_ids=tuple(topic_ids),
            postings=postings,
            surfaces=dict(surfaces_by_length),
            known_words=frozenset(surfaces_all),
            concept_single={t: frozenset(c) for t, c in concept_single.items()},
            concept_phrases=dict(concept_phrases),
        )

    def replicated(self, copies: int) -> SearchIndex:
        """The same content `copies` times with distinct topic ids (for load tests)."""
        topics = [
            replace(topic, id=f"{topic.id}~{k}") if k else topic
            for k in range(copies)
            for topic in self.topics
        ]
        return SearchIndex.build(
            topics, self.synonyms, stopwords=self.stopwords, analysers=self._analysers
        )

    def clear_caches(self) -> None:
        self._fuzzy_cache.clear()
        self._unit_cache.clear()

    # ------------------------------------------------------------------ querying

    def is_stopword(self, word: str) -> bool:
        return ascii_fold(word) in self.stopwords or romani_normalise(word) in self.stopwords

    def rank(self, query: str | Sequence[str], limit: int | None = None) -> Ranking:
        """Score every topic for `query` (a text, or words from `normalise.tokenize`)."""
        words = tokenize(query) if isinstance(query, str) else list(query)
        words = [w for w in words if _useful(w)]
        units = self._units(words)
        if not units:
            return _EMPTY
        content_units = sum(1 for unit, extra in units if not extra)
        totals: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        postings = self._postings
        for unit, extra in units:
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
                if not extra:
                    matched[doc] += 1
        order = sorted(totals, key=lambda d: (-totals[d], d))
        if limit is not None:
            order = order[:limit]
        return Ranking(
            topics=tuple(ScoredTopic(self.topic_ids[d], round(totals[d], 4)) for d in order),
            matched=tuple(matched[d] for d in order),
            units=content_units,
        )

    def _terms_of(self, word: str) -> dict[str, float]:
        return {t: 1.0 for analyser in self._analysers.values() for t in analyser.terms(word)}

    def _known(self, terms: Iterable[str]) -> bool:
        return any(t in self._postings or t in self._concept_single for t in terms)

    def _unit(self, word: str) -> dict[str, float]:
        """Alternative terms for one query word (before synonym phrases), cached."""
        cached = self._unit_cache.get(word)
        if cached is not None:
            return cached
        unit = self._terms_of(word)
        if not self._known(unit) and not self.is_stopword(word):
            parts = split_compound(word, self._query_is_word)
            if parts:
                for part in parts:
                    for term in self._terms_of(part):
                        unit.setdefault(term, QUERY_PART_WEIGHT)
            else:
                for term, weight in self._fuzzy(ascii_fold(word)).items():
                    if weight > unit.get(term, 0.0):
                        unit[term] = weight
        for term in list(unit):
            for concept in self._concept_single.get(term, ()):
                weight = unit[term] * CONCEPT_WEIGHT
                if weight > unit.get(concept, 0.0):
                    unit[concept] = weight
        if len(self._unit_cache) >= _CACHE_LIMIT:
            self._unit_cache.clear()
        self._unit_cache[word] = unit
        return unit

    def _query_is_word(self, part: str) -> bool:
        if len(part) < 3 or self.is_stopword(part):
            return False
        return ascii_fold(part) in self._known_words or self._known(self._terms_of(part))

    def _units(self, words: list[str]) -> list[tuple[dict[str, float], bool]]:
        """(unit, is_extra) per meaningful word, plus extra units for joined word pairs."""
        units = [dict(self._unit(w)) for w in words]
        # Synonym phrases ("ekonomiskt bistånd", "lačho dives") across consecutive words.
        if self._concept_phrases:
            for start in range(len(words)):
                for term in list(units[start]):
                    for pattern, concept in self._concept_phrases.get(term, ()):
                        end = start + len(pattern)
                        if end > len(words):
                            continue
                        if all(pattern[j] & units[start + j].keys() for j in range(len(pattern))):
                            for j in range(start, end):
                                if units[j].get(concept, 0.0) < CONCEPT_WEIGHT:
                                    units[j][concept] = CONCEPT_WEIGHT
        result = [
            (unit, False)
            for word, unit in zip(words, units, strict=True)
            if not self.is_stopword(word)
        ]
        # Words written apart that the index knows as one ("försörjnings stöd").
        for first, second in itertools.pairwise(words):
            joined = first + second
            if len(joined) >= _MIN_COMPOUND and ascii_fold(joined) in self._known_words:
                result.append((self._terms_of(joined), True))
        return result

    def _fuzzy(self, word: str) -> dict[str, float]:
        """Terms of the known words closest to an unknown word, with a weight by distance."""
        cached = self._fuzzy_cache.get(word)
        if cached is not None:
            return cached
        limit = max_typo_distance(len(word))
        found: dict[str, float] = {}
        if limit and not word.isdigit():
            best: list[tuple[str, int]] = []
            for length in range(len(word) - limit, len(word) + limit + 1):
                choices = self._surfaces.get(length)
                if not choices:
                    continue
                for choice, distance, _ in process.extract(
                    word, choices, scorer=OSA.distance, score_cutoff=limit, limit=3
                ):
                    best.append((choice, int(distance)))
            if best:
                nearest = min(d for _, d in best)
                for choice, distance in best:
                    if distance == nearest:
                        for term in self._terms_of(choice):
                            found[term] = FUZZY_WEIGHTS.get(distance, 0.5)
        if len(self._fuzzy_cache) >= _CACHE_LIMIT:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[word] = found
        return found


class _IsWord:
    """Whether a piece of a compound is a known word in one language."""

    def __init__(
        self, analyser: Analyser, surfaces: set[str], terms: set[str], stop: frozenset[str]
    ) -> None:
        self._analyser = analyser
        self._surfaces = surfaces
        self._terms = terms
        self._stop = stop

    def __call__(self, part: str) -> bool:
        if len(part) < 3:
            return False
        folded = ascii_fold(part)
        if folded in self._stop:
            return False
        return folded in self._surfaces or any(t in self._terms for t in self._analyser.terms(part))


def _split_terms(word: str, analyser: Analyser, is_word: _IsWord) -> tuple[str, ...]:
    parts = split_compound(word, is_word)
    if not parts:
        return ()
    return tuple(t for part in parts for t in analyser.terms(part))


def _find_concepts(
    sequence: list[frozenset[str]],
    first: Mapping[str, list[tuple[tuple[frozenset[str], ...], str]]],
) -> list[str]:
    """Synonym concepts whose member occurs in a sequence of word term-sets (one per match)."""
    found: list[str] = []
    for start, terms in enumerate(sequence):
        seen: set[str] = set()
        for term in terms:
            for pattern, concept in first.get(term, ()):
                if concept in seen:
                    continue
                end = start + len(pattern)
                if end > len(sequence):
                    continue
                if all(pattern[j] & sequence[start + j] for j in range(1, len(pattern))):
                    seen.add(concept)
                    found.append(concept)
    return found


def _bm25f(
    tfs: list[dict[str, dict[str, float]]], lengths: list[dict[str, int]]
) -> dict[str, dict[int, float]]:
    n_docs = len(tfs)
    if not n_docs:
        return {}
    average = {field: (sum(doc[field] for doc in lengths) / n_docs) or 1.0 for field in FIELDS}
    weighted: dict[str, dict[int, float]] = defaultdict(dict)
    for d, doc_tf in enumerate(tfs):
        for field, tf in doc_tf.items():
            weight, b = FIELDS[field]
            norm = 1.0 - b + b * lengths[d][field] / average[field]
            for term, count in tf.items():
                weighted[term][d] = weighted[term].get(d, 0.0) + weight * count / norm
    postings: dict[str, dict[int, float]] = {}
    for term, per_doc in weighted.items():
        df = len(per_doc)
        idf = math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
        postings[term] = {d: idf * tf * (K1 + 1.0) / (K1 + tf) for d, tf in per_doc.items()}
    return postings


def _stopword_set(words: Iterable[str]) -> frozenset[str]:
    result: set[str] = set()
    for word in words:
        for token in tokenize(word):
            result.add(ascii_fold(token))
            result.add(romani_normalise(token))
    return frozenset(result)
