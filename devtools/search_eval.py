"""Search evaluation: top-1 and top-3 accuracy per language over a set of real-life questions.

    python -m devtools eval [--content content] [--questions tests/search/eval_questions.yaml]
                       [--all-misses] [--bench]

A question counts as top-1 when the first topic offered is one of its `expect` ids, and as top-3
when any of the (at most three) topics offered is. A greeting or "nothing found" counts as a miss.
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

DEFAULT_QUESTIONS = Path("tests/search/eval_questions.yaml")
#: the documented target: top-3 accuracy in every language
TARGET_TOP3 = 0.90
LANGUAGE_ORDER = ("sv", "fi", "rom")


@dataclass(frozen=True, slots=True)
class Question:
    q: str
    lang: str
    expect: tuple[str, ...]


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


@dataclass(frozen=True, slots=True)
class LanguageScore:
    lang: str
    total: int
    top1: int
    top3: int

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class EvalReport:
    scores: dict[str, LanguageScore]
    outcomes: tuple[Outcome, ...] = field(default=())

    @property
    def misses(self) -> tuple[Outcome, ...]:
        """Questions whose right answer was not among the topics offered."""
        return tuple(o for o in self.outcomes if not o.top3)

    @property
    def top1_misses(self) -> tuple[Outcome, ...]:
        """Questions whose right answer was offered, but not first."""
        return tuple(o for o in self.outcomes if o.top3 and not o.top1)

    def passes(self, target: float = TARGET_TOP3) -> bool:
        return all(score.top3_rate >= target for score in self.scores.values())

    def format(self, *, all_misses: bool = False) -> str:
        lines = [f"{'lang':<5} {'questions':>9} {'top-1':>7} {'top-3':>7}"]
        for score in self.scores.values():
            lines.append(
                f"{score.lang:<5} {score.total:>9} {score.top1_rate:>7.1%} {score.top3_rate:>7.1%}"
            )
        groups = [("Misses (right topic not offered)", self.misses)]
        if all_misses:
            groups.append(("Offered, but not first", self.top1_misses))
        for title, outcomes in groups:
            lines.append("")
            lines.append(f"{title}: {len(outcomes)}")
            for outcome in outcomes:
                q = outcome.question
                got = ", ".join(outcome.result.topic_ids) or "-"
                lines.append(
                    f"  [{q.lang}] {q.q!r}: expected {'/'.join(q.expect)}; "
                    f"got {outcome.result.kind}: {got}"
                )
        return "\n".join(lines)


def parse_questions(data: Any) -> list[Question]:
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise ValueError("a questions file is a mapping with a list under 'questions'")
    questions = []
    for i, item in enumerate(data["questions"]):
        if not isinstance(item, dict) or set(item) != {"q", "lang", "expect"}:
            raise ValueError(f"questions[{i}]: expected exactly q, lang, expect")
        expect = item["expect"]
        if (
            not isinstance(expect, list)
            or not expect
            or not all(isinstance(e, str) for e in expect)
        ):
            raise ValueError(f"questions[{i}]: expect must be a non-empty list of topic ids")
        if not isinstance(item["q"], str) or item["lang"] not in LANGUAGE_ORDER:
            raise ValueError(f"questions[{i}]: q must be text and lang one of {LANGUAGE_ORDER}")
        questions.append(Question(item["q"], item["lang"], tuple(expect)))
    return questions


def load_questions(path: Path) -> list[Question]:
    with path.open(encoding="utf-8") as handle:
        return parse_questions(yaml.safe_load(handle))


def evaluate(searcher: SearchEngine | SearchIndex, questions: Iterable[Question]) -> EvalReport:
    """Run every question through the search and score the answers per language."""
    engine = searcher if isinstance(searcher, SearchEngine) else SearchEngine(searcher)
    outcomes = tuple(Outcome(q, engine.search(q.q)) for q in questions)
    langs = [lang for lang in LANGUAGE_ORDER if any(o.question.lang == lang for o in outcomes)]
    scores = {}
    for lang in langs:
        mine = [o for o in outcomes if o.question.lang == lang]
        scores[lang] = LanguageScore(
            lang, len(mine), sum(o.top1 for o in mine), sum(o.top3 for o in mine)
        )
    return EvalReport(scores, outcomes)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m devtools eval`: print the evaluation; exit 1 if a language misses the target."""
    parser = argparse.ArgumentParser(
        prog="python -m devtools eval", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument(
        "--questions", type=Path, action="append", help=f"default: {DEFAULT_QUESTIONS}"
    )
    parser.add_argument(
        "--all-misses", action="store_true", help="also list right answers not ranked first"
    )
    parser.add_argument("--bench", action="store_true", help="also measure search latency")
    parser.add_argument("--min-top3", type=float, default=TARGET_TOP3)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:  # `python -m devtools eval -- --all-misses` passes the separator on
        argv = argv[1:]
    args = parser.parse_args(argv)

    engine = load_engine(args.content)
    questions = [q for path in args.questions or [DEFAULT_QUESTIONS] for q in load_questions(path)]
    report = evaluate(engine, questions)
    print(report.format(all_misses=args.all_misses))
    if args.bench:
        from devtools.search_bench import format_latency

        print()
        print(format_latency(engine, [q.q for q in questions]))
    return 0 if report.passes(args.min_top3) else 1


if __name__ == "__main__":
    sys.exit(main())
