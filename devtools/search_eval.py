"""Search evaluation: top-1 and top-3 accuracy per language and per variety, how often off-topic
messages get no topic, and how often a wrong topic is given as a confident match.

    python -m devtools eval [--content content] [--questions FILE ...] [--heldout FILE ...]
                            [--all-misses] [--show-heldout-misses] [--bench]

Without --questions the tuned set (eval_questions.yaml + tuned_varieties.yaml) is scored with its
misses listed, and the held-out set (heldout_questions.yaml + heldout_varieties.yaml) is scored
apart with figures only: the held-out set is not tuned against, so its misses stay hidden unless
--show-heldout-misses is given.

A question counts as top-1 when the first topic offered is one of its `expect` ids, and as top-3
when any of the (at most three) topics offered is. A greeting or "nothing found" counts as a miss.
A question with `expect: []` is off-topic: it is right when no topic at all is offered. A
"confidently wrong" answer is a "match" whose first topic is not an expected one (for off-topic
questions: any match).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.search.engine import SearchEngine, SearchResult, load_engine
from bot.search.index import SearchIndex

QUESTIONS_DIR = Path("tests/search")
DEFAULT_QUESTIONS = QUESTIONS_DIR / "eval_questions.yaml"
TUNED_SET = (DEFAULT_QUESTIONS, QUESTIONS_DIR / "tuned_varieties.yaml")
HELDOUT_SET = (QUESTIONS_DIR / "heldout_questions.yaml", QUESTIONS_DIR / "heldout_varieties.yaml")
#: the documented target: top-3 accuracy in every language
TARGET_TOP3 = 0.90
LANGUAGE_ORDER = ("sv", "fi", "rom")
#: varieties a question may be marked with (Romani varieties first)
ROMANI_VARIETIES = ("kelderash", "lovari", "arli", "kaale", "resande")
OFFTOPIC = "offtopic"
VARIETY_ORDER = (*ROMANI_VARIETIES, "mixed", "sv", "fi", OFFTOPIC)


@dataclass(frozen=True, slots=True)
class Question:
    q: str
    lang: str
    expect: tuple[str, ...]
    variety: str | None = None

    @property
    def offtopic(self) -> bool:
        return not self.expect


@dataclass(frozen=True, slots=True)
class Outcome:
    question: Question
    result: SearchResult

    @property
    def top1(self) -> bool:
        ids = self.result.topic_ids
        return bool(ids) and ids[0] in self.question.expect

    @property
    def top3(self) -> bool:
        return bool(set(self.result.topic_ids[:3]) & set(self.question.expect))

    @property
    def no_topic(self) -> bool:
        return not self.result.topic_ids

    @property
    def right(self) -> bool:
        """top-3 for a question with an answer; no topic at all for an off-topic one."""
        return self.no_topic if self.question.offtopic else self.top3

    @property
    def confidently_wrong(self) -> bool:
        return self.result.kind == "match" and not self.top1


@dataclass(frozen=True, slots=True)
class LanguageScore:
    lang: str
    total: int
    top1: int
    top3: int
    confidently_wrong: int = 0

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0


def _score(name: str, outcomes: Sequence[Outcome]) -> LanguageScore:
    return LanguageScore(
        name,
        len(outcomes),
        sum(o.top1 for o in outcomes),
        sum(o.top3 for o in outcomes),
        sum(o.confidently_wrong for o in outcomes),
    )


@dataclass(frozen=True, slots=True)
class EvalReport:
    #: per interface language, over the questions that have an answer
    scores: dict[str, LanguageScore]
    outcomes: tuple[Outcome, ...] = field(default=())

    @property
    def answerable(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.question.offtopic)

    @property
    def offtopic(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.question.offtopic)

    @property
    def variety_scores(self) -> dict[str, LanguageScore]:
        """Per variety (questions marked with one), plus "romani" over all Romani varieties."""
        result: dict[str, LanguageScore] = {}
        for variety in VARIETY_ORDER:
            if variety == OFFTOPIC:
                continue
            mine = [o for o in self.answerable if o.question.variety == variety]
            if mine:
                result[variety] = _score(variety, mine)
        romani = [o for o in self.answerable if o.question.variety in ROMANI_VARIETIES]
        if romani:
            result["romani"] = _score("romani", romani)
        return result

    @property
    def offtopic_no_topic_rate(self) -> float | None:
        outcomes = self.offtopic
        return sum(o.no_topic for o in outcomes) / len(outcomes) if outcomes else None

    @property
    def confidently_wrong_rate(self) -> float:
        return (
            sum(o.confidently_wrong for o in self.outcomes) / len(self.outcomes)
            if self.outcomes
            else 0.0
        )

    @property
    def misses(self) -> tuple[Outcome, ...]:
        """Questions whose right answer was not among the topics offered (off-topic questions
        that got a topic)."""
        return tuple(o for o in self.outcomes if not o.right)

    @property
    def top1_misses(self) -> tuple[Outcome, ...]:
        """Questions whose right answer was offered, but not first."""
        return tuple(o for o in self.outcomes if o.top3 and not o.top1)

    def passes(self, target: float = TARGET_TOP3) -> bool:
        return all(score.top3_rate >= target for score in self.scores.values())

    def format(self, *, all_misses: bool = False, misses: bool = True) -> str:
        header = f"{'':<10} {'questions':>9} {'top-1':>7} {'top-3':>7} {'conf.wrong':>10}"

        def row(score: LanguageScore) -> str:
            wrong = score.confidently_wrong / score.total if score.total else 0.0
            return (
                f"{score.lang:<10} {score.total:>9} {score.top1_rate:>7.1%} "
                f"{score.top3_rate:>7.1%} {wrong:>10.1%}"
            )

        lines = ["per language", header, *(row(s) for s in self.scores.values())]
        varieties = self.variety_scores
        if varieties:
            lines += ["", "per variety", header, *(row(s) for s in varieties.values())]
        no_topic = self.offtopic_no_topic_rate
        lines.append("")
        if no_topic is not None:
            lines.append(
                f"off-topic answered with no topic: {no_topic:.1%} of {len(self.offtopic)}"
            )
        lines.append(
            f"confidently wrong (a match on a wrong topic): {self.confidently_wrong_rate:.1%} "
            f"of {len(self.outcomes)}"
        )
        if not misses:
            return "\n".join(lines)
        groups = [("Misses (right topic not offered)", self.misses)]
        if all_misses:
            groups.append(("Offered, but not first", self.top1_misses))
        for title, outcomes in groups:
            lines.append("")
            lines.append(f"{title}: {len(outcomes)}")
            for outcome in outcomes:
                q = outcome.question
                got = ", ".join(outcome.result.topic_ids) or "-"
                where = q.lang if q.variety is None else f"{q.lang}/{q.variety}"
                lines.append(
                    f"  [{where}] {q.q!r}: expected {'/'.join(q.expect) or 'no topic'}; "
                    f"got {outcome.result.kind}: {got}"
                )
        return "\n".join(lines)


_KEYS = {"q", "lang", "expect"}


def parse_questions(data: Any) -> list[Question]:
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise ValueError("a questions file is a mapping with a list under 'questions'")
    questions = []
    for i, item in enumerate(data["questions"]):
        if not isinstance(item, dict) or not _KEYS <= set(item) <= _KEYS | {"variety"}:
            raise ValueError(f"questions[{i}]: expected q, lang, expect (and optionally variety)")
        expect = item["expect"]
        variety = item.get("variety")
        if not isinstance(expect, list) or not all(isinstance(e, str) for e in expect):
            raise ValueError(f"questions[{i}]: expect must be a list of topic ids")
        if not expect and variety != OFFTOPIC:
            raise ValueError(f"questions[{i}]: only an off-topic question expects no topic")
        if expect and variety == OFFTOPIC:
            raise ValueError(f"questions[{i}]: an off-topic question expects no topic: []")
        if not isinstance(item["q"], str) or item["lang"] not in LANGUAGE_ORDER:
            raise ValueError(f"questions[{i}]: q must be text and lang one of {LANGUAGE_ORDER}")
        if variety is not None and variety not in VARIETY_ORDER:
            raise ValueError(f"questions[{i}]: variety must be one of {VARIETY_ORDER}")
        questions.append(Question(item["q"], item["lang"], tuple(expect), variety))
    return questions


def load_questions(path: Path) -> list[Question]:
    with path.open(encoding="utf-8") as handle:
        return parse_questions(yaml.safe_load(handle))


def evaluate(searcher: SearchEngine | SearchIndex, questions: Iterable[Question]) -> EvalReport:
    """Run every question through the search and score the answers per language."""
    engine = searcher if isinstance(searcher, SearchEngine) else SearchEngine(searcher)
    outcomes = tuple(Outcome(q, engine.search(q.q)) for q in questions)
    answerable = [o for o in outcomes if not o.question.offtopic]
    scores = {}
    for lang in LANGUAGE_ORDER:
        mine = [o for o in answerable if o.question.lang == lang]
        if mine:
            scores[lang] = _score(lang, mine)
    return EvalReport(scores, outcomes)


def _load_all(paths: Iterable[Path]) -> list[Question]:
    return [q for path in paths if path.exists() for q in load_questions(path)]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m devtools eval`: print the evaluation; exit 1 if a language misses the target
    on the tuned set."""
    parser = argparse.ArgumentParser(
        prog="python -m devtools eval", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument(
        "--questions",
        type=Path,
        action="append",
        help=f"a tuned question file (default: {', '.join(map(str, TUNED_SET))})",
    )
    parser.add_argument(
        "--heldout",
        type=Path,
        action="append",
        help="a held-out question file, figures only (default without --questions: "
        f"{', '.join(map(str, HELDOUT_SET))})",
    )
    parser.add_argument("--no-heldout", action="store_true", help="score the tuned set only")
    parser.add_argument(
        "--all-misses", action="store_true", help="also list right answers not ranked first"
    )
    parser.add_argument(
        "--show-heldout-misses",
        action="store_true",
        help="list the held-out misses too (only for the final report, never while tuning)",
    )
    parser.add_argument("--bench", action="store_true", help="also measure search latency")
    parser.add_argument("--min-top3", type=float, default=TARGET_TOP3)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:  # `python -m devtools eval -- --all-misses` passes the separator on
        argv = argv[1:]
    args = parser.parse_args(argv)

    engine = load_engine(args.content)
    tuned_paths = args.questions or list(TUNED_SET)
    heldout_paths = args.heldout or ([] if args.questions else list(HELDOUT_SET))
    questions = _load_all(tuned_paths)
    report = evaluate(engine, questions)
    print(f"== tuned set: {', '.join(str(p) for p in tuned_paths if p.exists())}")
    print(report.format(all_misses=args.all_misses))
    heldout = [] if args.no_heldout else _load_all(heldout_paths)
    if heldout:
        print()
        print(f"== held-out set (not tuned against): {', '.join(map(str, heldout_paths))}")
        print(
            evaluate(engine, heldout).format(
                all_misses=args.all_misses, misses=args.show_heldout_misses
            )
        )
    if args.bench:
        from devtools.search_bench import format_latency

        print()
        print(format_latency(engine, [q.q for q in questions]))
    return 0 if report.passes(args.min_top3) else 1


if __name__ == "__main__":
    sys.exit(main())
