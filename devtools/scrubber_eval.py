"""Measure the scrubber against a labelled corpus: span-level recall and precision per kind.

Corpus format (tests/privacy/scrubber_corpus.txt): one example per line, personal data marked
inline as ``⟦kind:text⟧``; lines starting with ``#`` and blank lines are ignored.

Counting rules:

* Recall. A gold span is *found* if every letter and digit in it lies inside some finding, of
  any kind: what matters for privacy is that it disappears, and a 10-digit number reported as a
  personnummer instead of a phone number is still removed. Spaces and punctuation are not
  required ("Storgatan 12" + "lgh 1102" found separately still cover "Storgatan 12 lgh 1102").
  The stricter *typed recall* also requires the findings to be of the gold span's kind.
* Precision. A finding is a true positive if it overlaps a gold span (of any kind); otherwise it
  is a false positive. Precision per kind is over the findings of that kind.

Run ``python -m devtools.scrubber_eval [corpus]`` (also wired as ``python -m bot
eval-scrubber``) to print the table with every miss and false positive.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.privacy.scrubber import KINDS, Finding, find_personal_data

DEFAULT_CORPUS = Path(__file__).parents[1] / "tests" / "privacy" / "scrubber_corpus.txt"

_LABEL = re.compile(r"⟦(?P<kind>[a-z]+):(?P<text>[^⟦⟧]+)⟧")


@dataclass(frozen=True)
class GoldSpan:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Example:
    line_no: int
    text: str
    gold: tuple[GoldSpan, ...]


def parse_line(line: str, line_no: int = 0) -> Example:
    """Remove the ``⟦kind:text⟧`` labels from one corpus line and return text and gold spans."""
    parts: list[str] = []
    gold: list[GoldSpan] = []
    length = 0
    position = 0
    for match in _LABEL.finditer(line):
        kind = match.group("kind")
        if kind not in KINDS:
            raise ValueError(f"line {line_no}: unknown kind {kind!r}")
        before = line[position : match.start()]
        parts.append(before)
        length += len(before)
        span_text = match.group("text")
        gold.append(GoldSpan(kind, length, length + len(span_text)))
        parts.append(span_text)
        length += len(span_text)
        position = match.end()
    parts.append(line[position:])
    text = "".join(parts)
    if "⟦" in text or "⟧" in text:
        raise ValueError(f"line {line_no}: malformed label in {line!r}")
    return Example(line_no, text, tuple(gold))


def load_corpus(path: Path) -> list[Example]:
    """Read a corpus file; raise ValueError (with the line number) on a malformed label."""
    examples: list[Example] = []
    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        examples.append(parse_line(line, line_no))
    return examples


@dataclass(frozen=True)
class KindStats:
    """Counts for one kind (or for all kinds together)."""

    kind: str
    gold: int
    found: int
    found_same_kind: int
    predicted: int
    true_positives: int

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def typed_recall(self) -> float | None:
        return self.found_same_kind / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted if self.predicted else None


@dataclass(frozen=True)
class Miss:
    """A gold span that was not (completely) removed."""

    line_no: int
    kind: str
    text: str
    line: str


@dataclass(frozen=True)
class FalsePositive:
    """A finding that overlaps no gold span."""

    line_no: int
    kind: str
    text: str
    line: str


@dataclass(frozen=True)
class EvalReport:
    examples: int
    per_kind: tuple[KindStats, ...]
    overall: KindStats
    misses: tuple[Miss, ...]
    false_positives: tuple[FalsePositive, ...]

    def kind(self, kind: str) -> KindStats:
        for stats in self.per_kind:
            if stats.kind == kind:
                return stats
        raise KeyError(kind)

    def format(self) -> str:
        """Return a small table followed by every miss and false positive."""
        header = (
            f"{'kind':<13} {'gold':>5} {'found':>6} {'recall':>7} {'typed':>7} "
            f"{'findings':>9} {'fp':>4} {'precision':>10}"
        )
        rows = [f"scrubber evaluation: {self.examples} examples", header, "-" * len(header)]
        for stats in (*self.per_kind, self.overall):
            if stats is self.overall:
                rows.append("-" * len(header))
            rows.append(
                f"{stats.kind:<13} {stats.gold:>5} {stats.found:>6} {_pct(stats.recall):>7} "
                f"{_pct(stats.typed_recall):>7} {stats.predicted:>9} "
                f"{stats.predicted - stats.true_positives:>4} {_pct(stats.precision):>10}"
            )
        rows.append("recall: gold spans removed by findings of any kind; typed: of the same kind")
        rows.append(f"misses: {len(self.misses)}")
        rows.extend(f"  line {m.line_no} {m.kind}: {m.text!r} in {m.line!r}" for m in self.misses)
        rows.append(f"false positives: {len(self.false_positives)}")
        rows.extend(
            f"  line {fp.line_no} {fp.kind}: {fp.text!r} in {fp.line!r}"
            for fp in self.false_positives
        )
        return "\n".join(rows)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _covered(positions: set[int], text: str, span: GoldSpan) -> bool:
    return all(
        i in positions for i in range(span.start, span.end) if text[i].isalnum()
    )  # spaces and punctuation inside a span need not be covered


def _positions(findings: Iterable[Finding]) -> set[int]:
    return {i for f in findings for i in range(f.start, f.end)}


def evaluate_examples(examples: Sequence[Example]) -> EvalReport:
    """Evaluate `find_personal_data` on parsed examples."""
    counts = {kind: [0, 0, 0, 0, 0] for kind in KINDS}  # gold found typed predicted tp
    misses: list[Miss] = []
    false_positives: list[FalsePositive] = []
    for example in examples:
        findings = find_personal_data(example.text)
        covered_any = _positions(findings)
        for span in example.gold:
            row = counts[span.kind]
            row[0] += 1
            if _covered(covered_any, example.text, span):
                row[1] += 1
            else:
                misses.append(
                    Miss(
                        example.line_no,
                        span.kind,
                        example.text[span.start : span.end],
                        example.text,
                    )
                )
            same_kind = _positions(f for f in findings if f.kind == span.kind)
            if _covered(same_kind, example.text, span):
                row[2] += 1
        for finding in findings:
            row = counts.setdefault(finding.kind, [0, 0, 0, 0, 0])
            row[3] += 1
            if any(finding.start < g.end and g.start < finding.end for g in example.gold):
                row[4] += 1
            else:
                false_positives.append(
                    FalsePositive(
                        example.line_no,
                        finding.kind,
                        example.text[finding.start : finding.end],
                        example.text,
                    )
                )
    per_kind = tuple(KindStats(kind, *row) for kind, row in counts.items())
    totals = [sum(getattr(s, field) for s in per_kind) for field in _FIELDS]
    overall = KindStats("overall", *totals)
    return EvalReport(len(examples), per_kind, overall, tuple(misses), tuple(false_positives))


_FIELDS = ("gold", "found", "found_same_kind", "predicted", "true_positives")


def evaluate(corpus: Path = DEFAULT_CORPUS) -> EvalReport:
    """Evaluate `find_personal_data` on a corpus file."""
    return evaluate_examples(load_corpus(corpus))


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation report; exit status 2 if the corpus cannot be read."""
    parser = argparse.ArgumentParser(
        prog="eval-scrubber", description="Recall and precision of the personal-data scrubber."
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    try:
        examples = load_corpus(corpus)
    except (OSError, ValueError) as error:
        print(f"cannot read corpus {corpus}: {error}", file=sys.stderr)
        return 2
    report = evaluate_examples(examples)
    print(report.format())
    started = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        for example in examples:
            find_personal_data(example.text)
    elapsed = (time.perf_counter() - started) / (rounds * max(len(examples), 1))
    print(f"mean time per example: {elapsed * 1e6:.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
