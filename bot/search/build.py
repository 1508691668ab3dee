"""Building the search index: every topic's texts analysed per field and language, synonym
groups as concept terms, compound parts, neutral words and situations as terms, and the BM25F
postings over them. Runs once at start-up (and on /reload, in another thread).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.content.model import Topic
from bot.search.analyse import Analyser, default_analysers, split_compound
from bot.search.normalise import ascii_fold, romani_normalise, tokenize
from bot.search.vocabulary import Situation

#: field -> (weight, length normalisation b)
FIELDS: Mapping[str, tuple[float, float]] = {
    "title": (3.0, 0.5),
    "keywords": (3.0, 0.3),
    "headings": (1.5, 0.5),
    "summary": (1.5, 0.75),
    "body": (1.0, 0.75),
}
#: BM25 term-frequency saturation. Higher than the textbook 1.2 because a document holds three
#: languages and weighted fields, so raw frequencies are large.
K1 = 3.0
#: weight of a compound part in a document (the whole compound counts 1)
PART_WEIGHT = 0.5
COMPOUND_LANGS = frozenset({"sv", "fi"})
MIN_COMPOUND = 7

Pattern = tuple[frozenset[str], ...]
#: (lang, first term of a member) -> [(terms of each word of the member, concept)]
Patterns = dict[tuple[str, str], list[tuple[Pattern, str]]]


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


def useful(word: str) -> bool:
    return len(word) >= 2 or word.isdigit()


def stopword_set(words: Iterable[str]) -> frozenset[str]:
    result: set[str] = set()
    for word in words:
        for token in tokenize(word):
            result.add(ascii_fold(token))
            result.add(romani_normalise(token))
    return frozenset(result)


def is_stop(word: str, stop: frozenset[str]) -> bool:
    return ascii_fold(word) in stop or romani_normalise(word) in stop


@dataclass(frozen=True, slots=True)
class IndexParts:
    """Everything `SearchIndex` is made of, as `build_parts` computes it."""

    topics: tuple[Topic, ...]
    synonyms: tuple[tuple[str, ...], ...]
    stopwords: tuple[str, ...]
    analysers: dict[str, Analyser]
    topic_ids: tuple[str, ...]
    postings: dict[str, dict[int, float]]
    topical: dict[str, frozenset[int]]
    surfaces: dict[int, list[str]]
    known_words: frozenset[str]
    patterns: Patterns
    neutral: tuple[str, ...]
    neutral_terms: frozenset[tuple[str, str]]
    situations: tuple[Situation, ...]
    situation_keys: dict[str, list[tuple[int, int]]]
    situation_docs: tuple[int, ...]


def build_parts(
    topics: Iterable[Topic],
    synonyms: Sequence[Sequence[str]],
    *,
    stopwords: Sequence[str] = (),
    analysers: Mapping[str, Analyser] | None = None,
    neutral: Sequence[str] = (),
    situations: Sequence[Situation] = (),
) -> IndexParts:
    """Index `topics` (any languages; topics with the same id form one document)."""
    topics = tuple(topics)
    groups = tuple(tuple(group) for group in synonyms)
    analysers = dict(analysers or default_analysers())
    stop = stopword_set(stopwords)

    def words_of(text: str) -> list[str]:
        return [w for w in tokenize(text) if useful(w) and not is_stop(w, stop)]

    topic_ids: list[str] = []
    position: dict[str, int] = {}
    # doc -> field -> [(lang, words)]
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
                doc[field].append((topic.lang, words_of(text)))

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
            surfaces_all.update(ascii_fold(w) for w in words_of(member))

    # Synonym concepts: each member analysed by each analyser.
    patterns: Patterns = defaultdict(list)
    for g, group in enumerate(groups):
        concept = f"~{g}"
        for member in group:
            words = words_of(member)
            if not words:
                continue
            for lang, analyser in analysers.items():
                pattern = tuple(frozenset(analyser.terms(w)) for w in words)
                for term in pattern[0]:
                    patterns[(lang, term)].append((pattern, concept))

    # Pass 2: weighted term frequencies per document and field.
    tfs: list[dict[str, dict[str, float]]] = []
    lengths: list[dict[str, int]] = []
    is_word = {
        lang: _IsWord(analyser, surfaces_all, lang_terms[lang], stop)
        for lang, analyser in analysers.items()
    }
    split_cache: dict[tuple[str, str], tuple[str, ...]] = {}
    for doc in docs:
        doc_tf: dict[str, dict[str, float]] = {}
        doc_len: dict[str, int] = {}
        for field, parts in doc.items():
            tf: dict[str, float] = defaultdict(float)
            length = 0
            for lang, words in parts:
                analyser = analysers[lang]
                sequence: list[dict[str, float]] = []
                for word in words:
                    length += 1
                    terms = analyser.terms(word)
                    for term in terms:
                        tf[term] += 1.0
                    sequence.append(dict.fromkeys(terms, 1.0))
                    if lang in COMPOUND_LANGS and len(word) >= MIN_COMPOUND:
                        key = (lang, word)
                        if key not in split_cache:
                            split_cache[key] = _split_terms(word, analyser, is_word[lang])
                        for term in split_cache[key]:
                            if term not in terms:
                                tf[term] += PART_WEIGHT
                for concept, _ in _find_concepts(lang, sequence, patterns):
                    tf[concept] += 1.0
            doc_tf[field] = tf
            doc_len[field] = length
        tfs.append(doc_tf)
        lengths.append(doc_len)

    # Neutral words and situations: the terms (and one-word synonym concepts) of their words.
    def keys_of(word: str) -> set[tuple[str, str]]:
        keys: set[tuple[str, str]] = set()
        for lang, analyser in analysers.items():
            for term in analyser.terms(word):
                keys.add((lang, term))
                for pattern, concept in patterns.get((lang, term), ()):
                    if len(pattern) == 1:
                        keys.add(("", concept))
        return keys

    group_of = {
        romani_normalise(ascii_fold(member)): f"~{g}"
        for g, group in enumerate(groups)
        for member in group
    }

    def entry_keys(entry: str) -> set[tuple[str, str]]:
        """A word's terms; "@member": the concept of the group that holds the member."""
        if entry.startswith("@"):
            concept = group_of.get(romani_normalise(ascii_fold(entry[1:].strip())))
            return {("", concept)} if concept else set()
        # stop words too: they may fill a situation's slot
        return {key for w in tokenize(entry) if useful(w) for key in keys_of(w) if key[0]}

    neutral_terms = frozenset(key for entry in neutral for key in entry_keys(entry))
    situation_keys: dict[str, list[tuple[int, int]]] = defaultdict(list)
    situation_docs: list[int] = []
    kept: list[Situation] = []
    for situation in situations:
        if situation.topic not in position:
            continue  # a topic this content does not have
        number = len(kept)
        kept.append(situation)
        situation_docs.append(position[situation.topic])
        for slot_number, slot in enumerate(situation.slots):
            keys = {term for member in slot for _, term in entry_keys(member)}
            for term in keys:
                situation_keys[term].append((number, slot_number))

    surfaces_by_length: dict[int, list[str]] = defaultdict(list)
    for surface in sorted(surfaces_all):
        if len(surface) >= 4 and not surface.isdigit():
            surfaces_by_length[len(surface)].append(surface)
    return IndexParts(
        topics=topics,
        synonyms=groups,
        stopwords=tuple(stopwords),
        analysers=analysers,
        topic_ids=tuple(topic_ids),
        postings=_bm25f(tfs, lengths),
        topical=_topical_terms(tfs),
        surfaces=dict(surfaces_by_length),
        known_words=frozenset(surfaces_all),
        patterns=dict(patterns),
        neutral=tuple(neutral),
        neutral_terms=neutral_terms,
        situations=tuple(kept),
        situation_keys=dict(situation_keys),
        situation_docs=tuple(situation_docs),
    )


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
        if len(part) < 3 or is_stop(part, self._stop):
            return False
        return ascii_fold(part) in self._surfaces or any(
            t in self._terms for t in self._analyser.terms(part)
        )


def _split_terms(word: str, analyser: Analyser, is_word: _IsWord) -> tuple[str, ...]:
    parts = split_compound(word, is_word)
    if not parts:
        return ()
    return tuple(t for part in parts for t in analyser.terms(part))


def _find_concepts(
    lang: str, sequence: list[dict[str, float]], patterns: Patterns
) -> list[tuple[str, int]]:
    """(concept, start) for every synonym member found in a sequence of word terms."""
    found: list[tuple[str, int]] = []
    for start, terms in enumerate(sequence):
        seen: set[str] = set()
        for term in terms:
            for pattern, concept in patterns.get((lang, term), ()):
                if concept in seen or start + len(pattern) > len(sequence):
                    continue
                if all(pattern[j] & sequence[start + j].keys() for j in range(1, len(pattern))):
                    seen.add(concept)
                    found.append((concept, start))
    return found


_TOPICAL_FIELDS = ("title", "keywords", "headings", "summary")


def _topical_terms(tfs: list[dict[str, dict[str, float]]]) -> dict[str, frozenset[int]]:
    """term -> the documents where it is a topic word: in a field other than the body, or a
    synonym concept anywhere."""
    found: dict[str, set[int]] = defaultdict(set)
    for d, doc_tf in enumerate(tfs):
        for field, tf in doc_tf.items():
            for term in tf:
                if field in _TOPICAL_FIELDS or term.startswith("~"):
                    found[term].add(d)
    return {term: frozenset(docs) for term, docs in found.items()}


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
