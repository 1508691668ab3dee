"""The search over the real content: the evaluation set must reach top-3 >= 90 % per language."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.search.engine import SearchEngine, load_engine
from devtools.search_bench import measure_latency
from devtools.search_eval import TARGET_TOP3, evaluate, load_questions, main

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
HERE = Path(__file__).parent
EVAL = HERE / "eval_questions.yaml"
HELDOUT = HERE / "heldout_questions.yaml"
TOPIC_COUNT = 22


def _structure_ids() -> set[str]:
    data = yaml.safe_load((CONTENT / "structure.yaml").read_text(encoding="utf-8"))
    return {tid for ids in data["sections"].values() for tid in ids}


def _content_complete() -> bool:
    return len(list((CONTENT / "sv").glob("*.yaml"))) >= TOPIC_COUNT


needs_content = pytest.mark.skipif(
    not _content_complete(),
    reason=f"content/sv has fewer than {TOPIC_COUNT} topics: the evaluation needs all of them",
)


@pytest.fixture(scope="module")
def real_engine() -> SearchEngine:
    return load_engine(CONTENT)


def test_question_sets_are_well_formed() -> None:
    ids = _structure_ids()
    assert len(ids) == TOPIC_COUNT
    questions = load_questions(EVAL)
    per_lang = Counter(q.lang for q in questions)
    assert len(questions) >= 170
    assert per_lang["sv"] >= 70 and per_lang["fi"] >= 50 and per_lang["rom"] >= 50
    for path in (EVAL, HELDOUT):
        for q in load_questions(path):
            assert set(q.expect) <= ids, f"{path.name}: unknown topic id in {q}"
    assert {q.expect[0] for q in questions} == ids, "every topic must be the answer somewhere"
    assert len({(q.q.lower(), q.lang) for q in questions}) == len(questions), "duplicates"
    assert len(load_questions(HELDOUT)) >= 40


@needs_content
def test_eval_top3_per_language(real_engine: SearchEngine) -> None:
    report = evaluate(real_engine, load_questions(EVAL))
    assert set(report.scores) == {"sv", "fi", "rom"}
    below = {
        lang: f"{score.top3_rate:.1%}"
        for lang, score in report.scores.items()
        if score.top3_rate < TARGET_TOP3
    }
    assert not below, f"top-3 below {TARGET_TOP3:.0%}: {below}\n{report.format()}"


@needs_content
def test_small_talk_with_real_vocabulary(real_engine: SearchEngine) -> None:
    for message, kind in [
        ("hej", "greeting"),
        ("tack", "thanks"),
        ("sastipe", "greeting"),
        ("kiitos", "thanks"),
        ("Tack så mycket!", "thanks"),
        ("t'aven baxtale", "greeting"),
        ("palikerav", "thanks"),
    ]:
        assert real_engine.search(message).kind == kind, message
    assert real_engine.search("asdfgh qwerty zxcvb").kind == "none"


@needs_content
def test_eval_command(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert main(["--questions", str(EVAL)]) == 0
    out = capsys.readouterr().out
    assert "top-1" in out and "rom" in out and "Misses" in out


@needs_content
def test_latency_has_no_gross_regression(real_engine: SearchEngine) -> None:
    """A loose guard (CPU time, so a busy machine does not make it flaky); the real numbers
    come from `python -m devtools.search_bench`."""
    queries = [q.q for q in load_questions(EVAL)][:80]
    p50, p99 = measure_latency(real_engine, queries, rounds=2)
    assert p50 <= p99 < 10.0


def test_synonym_file_is_valid_and_each_word_has_one_meaning() -> None:
    from bot.search.normalise import ascii_fold, romani_normalise
    from bot.search.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(CONTENT / "synonyms.yaml")
    assert vocabulary.groups and vocabulary.greetings and vocabulary.thanks
    owner: dict[str, int] = {}
    for g, group in enumerate(vocabulary.groups):
        assert len(group) >= 2, f"a group needs two members: {group}"
        for member in group:
            key = romani_normalise(ascii_fold(member))
            other = owner.setdefault(key, g)
            assert other == g, (
                f"{member!r} is in two groups: {vocabulary.groups[other][:3]}... and {group[:3]}..."
            )


TUNED_VARIETIES = HERE / "tuned_varieties.yaml"
HELDOUT_VARIETIES = HERE / "heldout_varieties.yaml"


def test_variety_sets_are_well_formed() -> None:
    from devtools.search_eval import OFFTOPIC, ROMANI_VARIETIES

    ids = _structure_ids()
    heldout = load_questions(HELDOUT_VARIETIES)
    per_variety = Counter(q.variety for q in heldout)
    assert all(per_variety[v] >= 40 for v in ROMANI_VARIETIES), per_variety
    assert per_variety["mixed"] >= 60 and per_variety[OFFTOPIC] >= 60
    assert per_variety["sv"] >= 30 and per_variety["fi"] >= 30
    tuned = load_questions(TUNED_VARIETIES)
    for q in (*heldout, *tuned):
        assert set(q.expect) <= ids, q
    # the held-out set is not the tuned set
    assert not {q.q.lower() for q in heldout} & {q.q.lower() for q in tuned}


@needs_content
def test_heldout_varieties_regression_guard(real_engine: SearchEngine) -> None:
    """Issue 15's held-out set. The issue's targets (every variety >= 85 % top-3, Romani >= 92 %,
    confidently wrong < 2 %) hold at the time of writing; this guard fails on a clear regression
    and leaves a little room for content edits (see tests/search/EVALUATION.md for figures)."""
    report = evaluate(real_engine, load_questions(HELDOUT_VARIETIES))
    varieties = report.variety_scores
    low = {v: f"{s.top3_rate:.1%}" for v, s in varieties.items() if s.top3_rate < 0.85}
    assert not low, f"top-3 below 85 %: {low}\n{report.format(misses=False)}"
    assert varieties["romani"].top3_rate >= 0.92
    assert report.confidently_wrong_rate < 0.03
    no_topic = report.offtopic_no_topic_rate
    assert no_topic is not None and no_topic >= 0.85
