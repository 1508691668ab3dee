"""An in-memory BM25F index over all topics in all languages, built once at start-up.

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

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content.model import Topic
from bot.search import normalise
from bot.search.analyse import Analyser, default_analysers, split_compound
from bot.search.normalise import ascii_fold, romani_normalise, script_languages, tokenize
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
#: weights of alternative query terms relative to the word as typed
CONCEPT_WEIGHT = 0.8
QUERY_PART_WEIGHT = 0.7
FUZZY_WEIGHTS: Mapping[int, float] = {1: 0.85, 2: 0.7, 3: 0.6}
_COMPOUND_LANGS = frozenset({"sv", "fi"})
_MIN_COMPOUND = 7
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
#: a word whose best match scores less than this (a common word somewhere in a body text, a
#: chance stem of a foreign word) does not count as recognised
WEAK_WORD_SCORE = 1.0
#: score a situation adds to its topic
SITUATION_SCORE = 6.0
#: typo corrections of words shorter than this (or more than one edit away) do not count as
#: recognising the word
_FUZZY_KNOWN_FROM = 7
#: a question never needs more; a pasted letter must not cost more than a question
MAX_QUERY_WORDS = 30
#: longer "words" are pasted links or codes, not words
MAX_WORD = 40

Pattern = tuple[frozenset[str], ...]
#: a query word analysed: terms per analyser, alternatives with weights, how it was recognised
#: ("known", "part" of a compound, "fuzzy" for a typo correction of a long word, "guess" for one
#: of a short word, "unknown"), and whether it is a neutral word
Analysed = tuple["LangTerms", dict[str, float], str, bool]
#: (lang, first term of a member) -> [(terms of each word of the member, concept)]
Patterns = dict[tuple[str, str], list[tuple[Pattern, str]]]
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


def _stopword_set(words: Iterable[str]) -> frozenset[str]:
    result: set[str] = set()
    for word in words:
        for token in tokenize(word):
            result.add(ascii_fold(token))
            result.add(romani_normalise(token))
    return frozenset(result)


def _is_stop(word: str, stop: frozenset[str]) -> bool:
    return ascii_fold(word) in stop or romani_normalise(word) in stop


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
        self._stop = _stopword_set(stopwords)
        self._analysers = analysers
        self._postings = postings
        self._surfaces = surfaces
        self._known_words = known_words
        self._patterns = patterns
        self.neutral = tuple(neutral)
        self.situations = tuple(situations)
        self._neutral_terms = neutral_terms
        self._situation_keys = situation_keys or {}
        self._situation_docs = situation_docs
        self._topical = topical
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
        topics = tuple(topics)
        groups = tuple(tuple(group) for group in synonyms)
        analysers = dict(analysers or default_analysers())
        stop = _stopword_set(stopwords)

        def words_of(text: str) -> list[str]:
            return [w for w in tokenize(text) if _useful(w) and not _is_stop(w, stop)]

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
                        if lang in _COMPOUND_LANGS and len(word) >= _MIN_COMPOUND:
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
            return {key for w in tokenize(entry) if _useful(w) for key in keys_of(w) if key[0]}

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
        return cls(
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
        self._fuzzy_cache.clear()
        self._word_cache.clear()
        for analyser in self._analysers.values():
            analyser.clear_cache()
        normalise.clear_caches()

    # ------------------------------------------------------------------ querying

    def is_stopword(self, word: str) -> bool:
        return _is_stop(word, self._stop)

    def rank(self, query: str | Sequence[str], limit: int | None = None) -> Ranking:
        """Score every topic for `query` (a text, or words from `normalise.tokenize`)."""
        words = tokenize(query) if isinstance(query, str) else list(query)
        meaningful = [
            w for w in words if _useful(w) and len(w) <= MAX_WORD and not self.is_stopword(w)
        ]
        analysed = [self._word(w) for w in meaningful[:MAX_QUERY_WORDS]]
        units = self._units(meaningful[:MAX_QUERY_WORDS], analysed)
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
                if kind == _CONTENT:
                    matched[doc].add(position)
                    if value > best_word[doc]:
                        best_word[doc] = value
            if kind == _CONTENT:
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
            _flatten(self._terms_of(w))
            for w in words[: MAX_QUERY_WORDS * 2]
            if _useful(w) and len(w) <= MAX_WORD and self.is_stopword(w)
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
            if analysed[i][2] in _RECOGNISED
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
            if quality in _RECOGNISED
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

    def _units(
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
            if quality not in _RECOGNISED:
                continue
            for lang, terms in by_lang.items():
                for term, weight in terms.items():
                    for pattern, concept in self._patterns.get((lang, term), ()):
                        if len(pattern) < 2 or start + len(pattern) > len(words):
                            continue
                        if all(
                            analysed[start + j][2] in _RECOGNISED
                            and pattern[j] & analysed[start + j][0].get(lang, {}).keys()
                            for j in range(1, len(pattern))
                        ):
                            value = weight * CONCEPT_WEIGHT
                            for j in range(start, start + len(pattern)):
                                if units[j].get(concept, 0.0) < value:
                                    units[j][concept] = value
        result = [
            (unit, _NEUTRAL if neutral else _CONTENT)
            for unit, (_, _, _, neutral) in zip(units, analysed, strict=True)
        ]
        # Words written apart that the index knows as one ("försörjnings stöd").
        for first, second in itertools.pairwise(words):
            joined = first + second
            if len(joined) >= _MIN_COMPOUND and ascii_fold(joined) in self._known_words:
                result.append((_flatten(self._terms_of(joined)), _EXTRA))
        return result

    def _terms_of(self, word: str, weight: float = 1.0) -> LangTerms:
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

    def _word(self, word: str) -> Analysed:
        """(terms per analyser, alternatives incl. one-word synonym concepts, how the word was
        recognised, whether it is neutral), cached."""
        cached = self._word_cache.get(word)
        if cached is not None:
            return cached
        by_lang = self._terms_of(word)
        quality = "known"
        neutral = any(
            (lang, term) in self._neutral_terms for lang, terms in by_lang.items() for term in terms
        )
        if not self._known(by_lang):
            folded = ascii_fold(word)
            parts = split_compound(folded, self._known_words.__contains__, min_part=_MIN_QUERY_PART)
            extra = (
                [self._terms_of(part, QUERY_PART_WEIGHT) for part in parts]
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
        alternatives = _flatten(by_lang)
        for lang, terms in by_lang.items():
            for term, weight in terms.items():
                for pattern, concept in self._patterns.get((lang, term), ()):
                    value = weight * CONCEPT_WEIGHT
                    if len(pattern) == 1 and value > alternatives.get(concept, 0.0):
                        alternatives[concept] = value
        if not neutral and quality in _RECOGNISED:
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
                        for lang, terms in self._terms_of(choice, weight).items():
                            found.setdefault(lang, {}).update(terms)
        if len(self._fuzzy_cache) >= _CACHE_LIMIT:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[word] = found
        return found


_CONTENT, _NEUTRAL, _EXTRA = 0, 1, 2
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
_RECOGNISED = frozenset({"known", "part", "fuzzy"})
#: an alternative term this weak (a distant typo correction) does not fill a situation's slot
_SITUATION_MIN_WEIGHT = 0.65


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


def _flatten(by_lang: LangTerms) -> dict[str, float]:
    flat: dict[str, float] = {}
    for terms in by_lang.values():
        for term, weight in terms.items():
            if weight > flat.get(term, 0.0):
                flat[term] = weight
    return flat


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
        if len(part) < 3 or _is_stop(part, self._stop):
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
