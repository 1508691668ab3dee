from __future__ import annotations

from pathlib import Path

import pytest

from bot.search.engine import SearchEngine, SearchResult, SmallTalk, decide
from bot.search.index import Ranking, ScoredTopic
from bot.search.vocabulary import (
    SearchVocabulary,
    VocabularyError,
    load_vocabulary,
    parse_vocabulary,
)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("hej", "greeting"),
        ("Hej!", "greeting"),
        ("hallå du", "greeting"),
        ("moi", "greeting"),
        ("sastipe", "greeting"),
        ("Lačho dives", "greeting"),
        ("lacho dives", "greeting"),
        ("latjo dives!", "greeting"),
        ("T'aven baxtale", "greeting"),
        ("tack", "thanks"),
        ("Tack så mycket!", "thanks"),
        ("kiitos", "thanks"),
        ("nais tuke", "thanks"),
        ("hej tack", "thanks"),
    ],
)
def test_small_talk(fixture_engine: SearchEngine, message: str, kind: str) -> None:
    result = fixture_engine.search(message)
    assert result.kind == kind
    assert result.topics == ()


def test_greeting_with_a_question_is_a_search(fixture_engine: SearchEngine) -> None:
    result = fixture_engine.search("hej, hur söker man försörjningsstöd?")
    assert result.kind in ("match", "choices")
    assert result.topic_ids[0] == "money"


@pytest.mark.parametrize("message", ["", "   ", "?!", "👋", "qwxz blorfzq", "zzzzzzzzzz"])
def test_nothing_found(fixture_engine: SearchEngine, message: str) -> None:
    assert fixture_engine.search(message) == SearchResult("none")


def test_confident_match(fixture_engine: SearchEngine) -> None:
    result = fixture_engine.search("kronofogden skuldsanering")
    assert result.kind == "match"
    assert result.topic_ids[0] == "debt"
    assert len(result.topics) <= 3


def test_limit(fixture_engine: SearchEngine) -> None:
    result = fixture_engine.search("socialtjänsten", limit=2)
    assert 1 <= len(result.topics) <= 2


def test_decide() -> None:
    def ranking(*scores: float) -> Ranking:
        topics = tuple(ScoredTopic(f"t{i}", s) for i, s in enumerate(scores))
        return Ranking(topics, tuple(1 for _ in scores), 1)

    assert decide(Ranking((), (), 0)).kind == "none"
    assert decide(ranking(0.5)).kind == "none"
    match = decide(ranking(10.0, 5.0, 3.0, 2.0))
    assert match.kind == "match"
    assert match.topic_ids == ("t0", "t1")  # t2 is below the alternative threshold
    choices = decide(ranking(10.0, 9.0, 8.0, 7.0, 1.0))
    assert choices.kind == "choices"
    assert choices.topic_ids == ("t0", "t1", "t2")
    # weak coverage: one of three words matched, low score
    weak = Ranking((ScoredTopic("t0", 2.0),), (1,), 3)
    assert decide(weak).kind == "none"


def test_smalltalk_split() -> None:
    talk = SmallTalk(greetings=["god morgon", "hej"], thanks=["tack"], fillers=["bot"])
    assert talk.split(["god", "morgon", "bot"]) == ("greeting", ["bot"])
    assert talk.split(["hej", "skulder"]) == ("greeting", ["skulder"])
    assert talk.split(["skulder"]) == (None, ["skulder"])
    assert talk.is_filler("bot")


def test_vocabulary_file(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.yaml"
    path.write_text(
        "groups:\n  - [soc, socialen]\n"
        "smalltalk:\n  greetings: [hej]\n  thanks: [tack]\n  fillers: [du]\n"
        'stopwords: [och, "on"]\n',
        encoding="utf-8",
    )
    vocabulary = load_vocabulary(path)
    assert vocabulary == SearchVocabulary(
        groups=(("soc", "socialen"),),
        greetings=("hej",),
        thanks=("tack",),
        fillers=("du",),
        stopwords=("och", "on"),
    )
    assert load_vocabulary(tmp_path / "missing.yaml") == SearchVocabulary()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a mapping"),
        ({"groups": {"a": 1}}, "list of lists"),
        ({"groups": [["soc", 112]]}, "112"),
        ({"stopwords": ["on", True]}, "True"),
        ({"smalltalk": {"hello": []}}, "unknown smalltalk keys"),
        ({"synonyms": []}, "unknown keys"),
    ],
)
def test_vocabulary_errors(data: object, message: str) -> None:
    with pytest.raises(VocabularyError, match=message):
        parse_vocabulary(data)


def test_long_messages_stay_fast(fixture_engine: SearchEngine) -> None:
    import time

    pasted = " ".join(f"ord{i}x skulder" for i in range(700))[:4096]
    start = time.perf_counter()
    result = fixture_engine.search(pasted + " " + "a" * 3000)
    assert time.perf_counter() - start < 0.5
    assert result.topic_ids[:1] == ("debt",)
