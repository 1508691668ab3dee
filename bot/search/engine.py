"""Free-text search for the bot: a question in, topic ids (and what kind of answer) out.

    engine = SearchEngine.from_content(library.topics.values(), load_vocabulary(path))
    result = engine.search("kommer soc ta mina barn")
    result.kind     # "match" | "choices" | "greeting" | "thanks" | "none"
    result.topics   # (ScoredTopic(topic_id, score), ...): the caller shows them in the user's
                    # language; for "match" the first is the answer and the rest "did you mean"

Kinds:
- "match": one topic is clearly best (its score is at least `MATCH_RATIO` times the next one's);
  up to two alternatives follow if they are reasonably close (`ALTERNATIVE_FRACTION`).
- "choices": several topics are plausible: up to `limit` of them.
- "greeting" / "thanks": the message was only small talk (word lists in content/synonyms.yaml).
- "none": nothing matched well enough, or the message's words were mostly not recognised at
  all (`MIN_KNOWN`): the caller offers to send the question on to the editors.

A confident "match" needs more than one weak word: two matched words, one strong word
(`STRONG_WORD`) or a situation; otherwise the plausible topics are offered as "choices".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.content.model import Topic
from bot.search.index import Ranking, ScoredTopic, SearchIndex
from bot.search.normalise import ascii_fold, romani_normalise, tokenize
from bot.search.vocabulary import SearchVocabulary, load_vocabulary

Kind = Literal["match", "choices", "greeting", "thanks", "none"]

#: the best topic is a confident match when its score is this many times the second's
MATCH_RATIO = 1.4
#: a "did you mean" alternative must score at least this fraction of the best
ALTERNATIVE_FRACTION = 0.4
#: with several plausible matches, show those scoring at least this fraction of the best
CHOICE_FRACTION = 0.45
#: below this score nothing counts as found
MIN_SCORE = 0.75
#: below this share of the query's words matched, the best topic needs `STRONG_SCORE`
MIN_COVERAGE = 0.34
STRONG_SCORE = 4.0
#: below this share of the query's words recognised, the message is "not understood"; a
#: two-word message needs both (one known word of two is not enough: "i love pizza", "min
#: katt är sjuk"; tried: letting one strong word of two through answered more off-topic)
MIN_KNOWN = 0.5
#: a confident match on the strength of a single word needs that word to score this much;
#: otherwise it needs two matched words or a situation (content/search/concepts.yaml)
STRONG_WORD = 6.0
#: choices are offered only when the best of them scores at least this much
MIN_CHOICE_SCORE = 1.5

__all__ = ["ScoredTopic", "SearchEngine", "SearchResult", "SmallTalk", "load_engine"]


@dataclass(frozen=True, slots=True)
class SearchResult:
    kind: Kind
    topics: tuple[ScoredTopic, ...] = ()

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t.topic_id for t in self.topics)


def _loose(word: str) -> str:
    """A spelling-tolerant key for small-talk words (`lačho`, `lacho`, `latjo` meet)."""
    return romani_normalise(ascii_fold(word))


class SmallTalk:
    """Recognises messages that are only greetings or thanks (plus filler words)."""

    def __init__(
        self,
        greetings: Iterable[str] = (),
        thanks: Iterable[str] = (),
        fillers: Iterable[str] = (),
    ) -> None:
        # first word -> [(phrase, kind)], longest phrase first
        self._phrases: dict[str, list[tuple[tuple[str, ...], Kind]]] = {}
        for kind, phrases in (("thanks", thanks), ("greeting", greetings)):
            for phrase in phrases:
                key = tuple(_loose(w) for w in tokenize(phrase))
                if key:
                    self._phrases.setdefault(key[0], []).append((key, kind))  # type: ignore[arg-type]
        for entries in self._phrases.values():
            entries.sort(key=lambda item: -len(item[0]))
        self._fillers = frozenset(_loose(w) for f in fillers for w in tokenize(f))

    @classmethod
    def from_vocabulary(cls, vocabulary: SearchVocabulary) -> SmallTalk:
        return cls(vocabulary.greetings, vocabulary.thanks, vocabulary.fillers)

    def split(self, words: Sequence[str]) -> tuple[Kind | None, list[str]]:
        """(kind of small talk found or None, the words that are not small talk)."""
        keys = [_loose(w) for w in words]
        rest: list[str] = []
        kinds: set[Kind] = set()
        i = 0
        while i < len(keys):
            for phrase, kind in self._phrases.get(keys[i], ()):
                if tuple(keys[i : i + len(phrase)]) == phrase:
                    kinds.add(kind)
                    i += len(phrase)
                    break
            else:
                rest.append(words[i])
                i += 1
        if not kinds:
            return None, list(words)
        return ("thanks" if "thanks" in kinds else "greeting"), rest

    def is_filler(self, word: str) -> bool:
        return _loose(word) in self._fillers


class SearchEngine:
    """Search over a `SearchIndex` with small-talk handling and a confidence decision."""

    def __init__(self, index: SearchIndex, smalltalk: SmallTalk | None = None) -> None:
        self.index = index
        self.smalltalk = smalltalk or SmallTalk()

    @classmethod
    def from_content(cls, topics: Iterable[Topic], vocabulary: SearchVocabulary) -> SearchEngine:
        index = SearchIndex.build(
            topics,
            vocabulary.groups,
            stopwords=vocabulary.stopwords,
            neutral=vocabulary.neutral,
            situations=vocabulary.situations,
        )
        return cls(index, SmallTalk.from_vocabulary(vocabulary))

    def search(self, query: str, limit: int = 3) -> SearchResult:
        words = tokenize(query)
        kind, rest = self.smalltalk.split(words)
        if kind is not None and all(
            self.smalltalk.is_filler(w) or self.index.is_stopword(w) for w in rest
        ):
            return SearchResult(kind)
        ranking = self.index.rank(rest, limit=max(limit, 3))
        return decide(ranking, limit)


def load_engine(content_dir: Path) -> SearchEngine:
    """Load the content (with the content loader) and build the search once, at start-up."""
    from bot.content.loader import load_library

    library = load_library(content_dir)
    vocabulary = load_vocabulary(content_dir / "synonyms.yaml")
    return SearchEngine.from_content(library.topics.values(), vocabulary)


def decide(ranking: Ranking, limit: int = 3) -> SearchResult:
    """Turn a ranking into an answer kind and the topics to offer."""
    if not ranking.topics:
        return SearchResult("none")
    best = ranking.topics[0]
    situation = bool(ranking.situations) and ranking.situations[0]
    if not ranking.units and not situation:
        return SearchResult("none")  # only neutral words ("mamma", "help")
    known = ranking.units if ranking.known is None else ranking.known
    best_word = ranking.best_word[0] if ranking.best_word else best.score
    if (
        ranking.units
        and not situation
        and (known / ranking.units < MIN_KNOWN or (ranking.units == 2 and known < 2))
    ):
        return SearchResult("none")
    coverage = ranking.matched[0] / ranking.units if ranking.units else 1.0
    if best.score < MIN_SCORE or (
        coverage < MIN_COVERAGE and best.score < STRONG_SCORE and not situation
    ):
        return SearchResult("none")
    if ranking.topical and not ranking.topical[0] and not situation:
        return SearchResult("none")  # only words from its body text: not what it is about
    evidence = situation or ranking.matched[0] >= 2 or best_word >= STRONG_WORD
    if situation and any(ranking.situations[1:3]):
        evidence = False  # situations point to two topics: both are plausible
    second = ranking.topics[1].score if len(ranking.topics) > 1 else 0.0
    if evidence and second * MATCH_RATIO <= best.score:
        alternatives = tuple(
            t for t in ranking.topics[1:3] if t.score >= ALTERNATIVE_FRACTION * best.score
        )
        return SearchResult("match", (best, *alternatives)[: max(limit, 1)])
    if best.score < MIN_CHOICE_SCORE:
        return SearchResult("none")
    choices = tuple(t for t in ranking.topics if t.score >= CHOICE_FRACTION * best.score)
    return SearchResult("choices", choices[: max(limit, 1)])
