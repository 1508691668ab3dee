"""Issue 15: neutral words, situations, variety vocabulary, and knowing when not to answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.search.engine import SearchEngine, SmallTalk, decide
from bot.search.index import Ranking, ScoredTopic, SearchIndex
from bot.search.normalise import ascii_fold, romani_normalise, tokenize
from bot.search.vocabulary import (
    SearchVocabulary,
    Situation,
    VocabularyError,
    load_vocabulary,
    merge_concepts,
    merge_varieties,
)
from tests.search.conftest import FIXTURE_TOPICS, FIXTURE_VOCABULARY, topic

REPO = Path(__file__).resolve().parents[2]
GROUPS = (*FIXTURE_VOCABULARY.groups, ("mamma", "äiti", "daj"), ("slår", "lyö", "marel"))


#: family and function words in a topic's title and keywords: without the neutral words and
#: the stop words they would find it
ELDERLY = topic(
    "elderly",
    "sv",
    "Hjälp till mamma och pappa",
    "Hemtjänst för äldre: mo dad, miro kher, tu.",
    keywords=("mamma", "hjälp", "mo", "miro", "tu"),
)


@pytest.fixture(scope="module")
def engine() -> SearchEngine:
    index = SearchIndex.build(
        (*FIXTURE_TOPICS, ELDERLY),
        GROUPS,
        stopwords=(*FIXTURE_VOCABULARY.stopwords, "mo", "tu", "miro"),
        neutral=("@mamma", "hjälp"),
        situations=(
            Situation("children", (("@soc",), ("hembesök", "kotiin"))),
            Situation("health", (("@mamma",), ("@slår",))),
            Situation("debt", (("inkasso",),), 0.5),
        ),
    )
    return SearchEngine(index, SmallTalk.from_vocabulary(FIXTURE_VOCABULARY))


def test_a_neutral_word_alone_is_not_understood(engine: SearchEngine) -> None:
    for message in ("mamma", "äiti", "hjälp", "mamma hjälp"):
        assert engine.search(message).kind == "none", message
    # combined with a content word it does count
    assert engine.search("hemtjänst mamma").topic_ids[:1] == ("elderly",)


def test_a_situation_points_to_its_topic(engine: SearchEngine) -> None:
    result = engine.search("soc kommer på hembesök")
    assert result.kind == "match" and result.topic_ids[0] == "children"
    result = engine.search("sossu tuli kotiin")
    assert result.topic_ids[:1] == ("children",)
    # a neutral word fills a slot: mamma + slår
    assert engine.search("daj marel").topic_ids[:1] == ("health",)
    # a word -> topic mapping with a weight
    assert engine.search("inkasso").topic_ids[:1] == ("debt",)


def test_situation_needs_every_slot(engine: SearchEngine) -> None:
    assert "children" not in engine.search("hembesök").topic_ids[:1]


def test_mostly_unknown_words_are_not_understood(engine: SearchEngine) -> None:
    # one known word among unknown ones
    assert engine.search("skulder blorfzq").kind == "none"
    assert engine.search("skulder blorfzq qwxzy trompf").kind == "none"
    # the same word alone is understood
    assert engine.search("skulder").topic_ids[:1] == ("debt",)


def test_function_words_are_not_topic_words(engine: SearchEngine) -> None:
    assert engine.search("mo tu miro").kind == "none"


def test_decide_needs_more_than_one_weak_word() -> None:
    weak = Ranking(
        (ScoredTopic("t0", 3.0), ScoredTopic("t1", 1.0)), (1, 1), 1, 1, (False, False), (3.0, 1.0)
    )
    assert decide(weak).kind == "choices"
    two = Ranking(
        (ScoredTopic("t0", 3.0), ScoredTopic("t1", 1.0)), (2, 1), 2, 2, (False, False), (2.0, 1.0)
    )
    assert decide(two).kind == "match"
    situation = Ranking(
        (ScoredTopic("t0", 3.0), ScoredTopic("t1", 1.0)), (1, 1), 1, 1, (True, False), (1.0, 1.0)
    )
    assert decide(situation).kind == "match"
    unread = Ranking((ScoredTopic("t0", 9.0),), (1,), 3, 1, (False,), (9.0,))
    assert decide(unread).kind == "none"
    body_only = Ranking((ScoredTopic("t0", 9.0),), (1,), 1, 1, (False,), (9.0,), (False,))
    assert decide(body_only).kind == "none"


def test_merge_varieties_joins_groups_and_stop_words() -> None:
    base = SearchVocabulary(groups=(("pengar", "raha"),), stopwords=("och",))
    merged = merge_varieties(
        base,
        {
            "sources": ["ROMLEX"],
            "groups": [
                {"same_as": "raha", "arli": ["pare"], "kaale": ["loove"]},
                {"english": ["doctor"], "swedish": ["läkare"]},
            ],
            "stopwords": {"arli": ["hem", "isi"], "kaale": ["hin"]},
        },
    )
    assert merged.groups == (("pengar", "raha", "pare", "loove"), ("doctor", "läkare"))
    assert merged.stopwords == ("och", "hem", "isi", "hin")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"groups": [{"same_as": "okänt", "arli": ["x"]}]}, "is in no group"),
        ({"groups": [{"arli": ["x"]}]}, "needs two words"),
        ({"groups": [{"same_as": "raha", "klingon": ["x"]}]}, "unknown keys"),
        ({"stopwords": {"arli": "hem"}}, "list of texts"),
    ],
)
def test_merge_varieties_errors(data: object, message: str) -> None:
    with pytest.raises(VocabularyError, match=message):
        merge_varieties(SearchVocabulary(groups=(("pengar", "raha"),)), data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"situations": [{"topic": "x"}]}, "needs a topic id"),
        ({"situations": [{"topic": "x", "when": [["två ord"]]}]}, "single words"),
        ({"situations": [{"topic": "x", "when": [["a"]], "weight": 2}]}, "weight"),
        ({"other": 1}, "unknown keys"),
    ],
)
def test_merge_concepts_errors(data: object, message: str) -> None:
    with pytest.raises(VocabularyError, match=message):
        merge_concepts(SearchVocabulary(), data)


def test_real_vocabulary_files() -> None:
    """Every situation names a real topic; no stop word swallows a word of a synonym group
    (a Romani function word that normalises like a topic word: 'savo' and 'šavo')."""
    import yaml

    vocabulary = load_vocabulary(REPO / "content" / "synonyms.yaml")
    structure = yaml.safe_load((REPO / "content" / "structure.yaml").read_text(encoding="utf-8"))
    ids = {tid for section in structure["sections"].values() for tid in section}
    assert vocabulary.situations and vocabulary.neutral
    assert {s.topic for s in vocabulary.situations} <= ids
    stop: dict[str, str] = {}
    for word in vocabulary.stopwords:
        for token in tokenize(word):
            stop[ascii_fold(token)] = word
            stop[romani_normalise(token)] = word
    allowed = {"far"}  # Swedish "far" (father) typed for "får" (may): both are weak words
    swallowed = [
        (member, stop[key])
        for group in vocabulary.groups
        for member in group
        if len(tokens := tokenize(member)) == 1 and member not in allowed
        for key in {ascii_fold(tokens[0]), romani_normalise(tokens[0])}
        if key in stop
    ]
    assert not swallowed, swallowed
    sources = (REPO / "content" / "search" / "romani-varieties.yaml").read_text(encoding="utf-8")
    assert "ROMLEX" in sources and "Scandoromani" in sources


def test_a_synonym_member_in_any_inflection_counts_as_read() -> None:
    # "barn" is only in a body text, so "lapsia" (a Finnish form of a member of its group that
    # no text contains) matches no topic's subject; an editor listed it, so it was still read
    topics = (
        topic("debt", "sv", "Skulder", "Skuldrådgivning i kommunen.", keywords=("skulder",)),
        topic("other", "sv", "Annat", "Något annat.", body="Barn och vuxna är välkomna."),
    )
    index = SearchIndex.build(topics, (("barn", "lapsi"),), stopwords=("och", "är"))
    ranking = index.rank("skulder lapsia")
    assert (ranking.units, ranking.known) == (2, 2)
    assert SearchEngine(index).search("skulder lapsia").topic_ids[:1] == ("debt",)
    # a word that is no member of any group and no word of the texts is still not read
    assert index.rank("skulder blorfzq").known == 1
