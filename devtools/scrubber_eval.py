"""Measure the scrubber against a labelled corpus: span-level recall and precision per kind.

Corpus format (tests/privacy/scrubber_corpus*.txt): one example per line, personal data marked
inline as ``⟦kind:text⟧``; lines starting with ``#`` and blank lines are ignored, except
``# lang: xx`` (sv, fi, rom), which sets the language of the lines after it for the
per-language tables (lines before any such directive count as ``sv``).

Counting rules:

* Recall. A gold span is *found* if every letter and digit in it lies inside some finding, of
  any kind: what matters for privacy is that it disappears, and a 10-digit number reported as a
  personnummer instead of a phone number is still removed. Spaces and punctuation are not
  required ("Storgatan 12" + "lgh 1102" found separately still cover "Storgatan 12 lgh 1102").
  The stricter *typed recall* also requires the findings to be of the gold span's kind.
* Precision. A finding is a true positive if it overlaps a gold span (of any kind); otherwise it
  is a false positive. Precision per kind is over the findings of that kind.

Run ``python -m devtools.scrubber_eval [corpus ...]`` (also wired as ``python -m devtools
eval-scrubber``) to print the tables with every miss and false positive; without arguments it
reads every ``scrubber_corpus*.txt`` in tests/privacy.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.privacy.scrubber import KINDS, find_personal_data


class Span(Protocol):
    """A finding of any version of the scrubber."""

    @property
    def kind(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


Finder = Callable[[str], Sequence[Span]]

CORPUS_DIR = Path(__file__).parents[1] / "tests" / "privacy"
DEFAULT_CORPUS = CORPUS_DIR / "scrubber_corpus.txt"
LANGUAGES = ("sv", "fi", "rom")

_LABEL = re.compile(r"⟦(?P<kind>[a-z]+):(?P<text>[^⟦⟧]+)⟧")
_LANG_DIRECTIVE = re.compile(r"#\s*lang:\s*(?P<lang>\S+)\s*")


def default_corpora() -> list[Path]:
    """Every labelled corpus file: the original one first, then the others by name."""
    return sorted(CORPUS_DIR.glob("scrubber_corpus*.txt"), key=lambda p: (p != DEFAULT_CORPUS, p))


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
    lang: str = "sv"
    source: str = ""


def parse_line(line: str, line_no: int = 0, lang: str = "sv") -> Example:
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
    return Example(line_no, text, tuple(gold), lang)


def load_corpus(path: Path) -> list[Example]:
    """Read a corpus file; raise ValueError (with the line number) on a malformed label."""
    examples: list[Example] = []
    lang = "sv"
    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        directive = _LANG_DIRECTIVE.fullmatch(line)
        if directive is not None:
            lang = directive.group("lang")
            if lang not in LANGUAGES:
                raise ValueError(f"line {line_no}: unknown language {lang!r}")
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        example = parse_line(line, line_no, lang)
        examples.append(Example(example.line_no, example.text, example.gold, lang, path.name))
    return examples


def load_corpora(paths: Sequence[Path]) -> list[Example]:
    """Read several corpus files into one list (each example remembers its file)."""
    return [example for path in paths for example in load_corpus(path)]


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
    source: str = ""


@dataclass(frozen=True)
class FalsePositive:
    """A finding that overlaps no gold span."""

    line_no: int
    kind: str
    text: str
    line: str
    source: str = ""


@dataclass(frozen=True)
class LanguageStats:
    """The per-kind counts of the examples in one language."""

    lang: str
    examples: int
    per_kind: tuple[KindStats, ...]
    overall: KindStats


@dataclass(frozen=True)
class EvalReport:
    examples: int
    per_kind: tuple[KindStats, ...]
    overall: KindStats
    misses: tuple[Miss, ...]
    false_positives: tuple[FalsePositive, ...]
    per_language: tuple[LanguageStats, ...] = ()
    #: True positives that also remove letters or digits outside every gold span.
    overreach: tuple[FalsePositive, ...] = ()

    def kind(self, kind: str) -> KindStats:
        for stats in self.per_kind:
            if stats.kind == kind:
                return stats
        raise KeyError(kind)

    def language(self, lang: str) -> LanguageStats:
        for stats in self.per_language:
            if stats.lang == lang:
                return stats
        raise KeyError(lang)

    def format(self) -> str:
        """Return the tables (all, then per language) followed by every miss and false positive."""
        rows = [f"scrubber evaluation: {self.examples} examples"]
        rows += _table(self.per_kind, self.overall)
        rows.append("recall: gold spans removed by findings of any kind; typed: of the same kind")
        for language in self.per_language:
            rows.append("")
            rows.append(f"language {language.lang}: {language.examples} examples")
            rows += _table(language.per_kind, language.overall)
        rows.append(f"misses: {len(self.misses)}")
        rows.extend(
            f"  {m.source}:{m.line_no} {m.kind}: {m.text!r} in {m.line!r}" for m in self.misses
        )
        rows.append(f"false positives: {len(self.false_positives)}")
        rows.extend(
            f"  {fp.source}:{fp.line_no} {fp.kind}: {fp.text!r} in {fp.line!r}"
            for fp in self.false_positives
        )
        rows.append(f"findings reaching past their gold span: {len(self.overreach)}")
        rows.extend(
            f"  {o.source}:{o.line_no} {o.kind}: {o.text!r} in {o.line!r}" for o in self.overreach
        )
        return "\n".join(rows)


def _table(per_kind: Sequence[KindStats], overall: KindStats) -> list[str]:
    header = (
        f"{'kind':<13} {'gold':>5} {'found':>6} {'recall':>7} {'typed':>7} "
        f"{'findings':>9} {'fp':>4} {'precision':>10}"
    )
    rows = [header, "-" * len(header)]
    for stats in (*per_kind, overall):
        if stats is overall:
            rows.append("-" * len(header))
        elif stats.gold == 0 and stats.predicted == 0:
            continue
        rows.append(
            f"{stats.kind:<13} {stats.gold:>5} {stats.found:>6} {_pct(stats.recall):>7} "
            f"{_pct(stats.typed_recall):>7} {stats.predicted:>9} "
            f"{stats.predicted - stats.true_positives:>4} {_pct(stats.precision):>10}"
        )
    return rows


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _covered(positions: set[int], text: str, span: GoldSpan) -> bool:
    return all(
        i in positions for i in range(span.start, span.end) if text[i].isalnum()
    )  # spaces and punctuation inside a span need not be covered


def _positions(findings: Iterable[Span]) -> set[int]:
    return {i for f in findings for i in range(f.start, f.end)}


_Counts = dict[str, list[int]]  # kind -> gold found typed predicted tp


def _count(
    example: Example,
    findings: Sequence[Span],
    counts: _Counts,
    misses: list[Miss],
    false_positives: list[FalsePositive],
    overreach: list[FalsePositive],
) -> None:
    covered_any = _positions(findings)
    gold_positions = {i for g in example.gold for i in range(g.start, g.end)}
    for span in example.gold:
        row = counts[span.kind]
        row[0] += 1
        if _covered(covered_any, example.text, span):
            row[1] += 1
        else:
            text = example.text[span.start : span.end]
            misses.append(Miss(example.line_no, span.kind, text, example.text, example.source))
        same_kind = _positions(f for f in findings if f.kind == span.kind)
        if _covered(same_kind, example.text, span):
            row[2] += 1
    for finding in findings:
        row = counts.setdefault(finding.kind, [0, 0, 0, 0, 0])
        row[3] += 1
        if any(finding.start < g.end and g.start < finding.end for g in example.gold):
            row[4] += 1
            outside = (
                i
                for i in range(finding.start, finding.end)
                if i not in gold_positions and example.text[i].isalnum()
            )
            if any(True for _ in outside):
                text = example.text[finding.start : finding.end]
                overreach.append(
                    FalsePositive(example.line_no, finding.kind, text, example.text, example.source)
                )
        else:
            text = example.text[finding.start : finding.end]
            false_positives.append(
                FalsePositive(example.line_no, finding.kind, text, example.text, example.source)
            )


def _stats(counts: _Counts) -> tuple[tuple[KindStats, ...], KindStats]:
    per_kind = tuple(KindStats(kind, *row) for kind, row in counts.items())
    totals = [sum(getattr(s, field) for s in per_kind) for field in _FIELDS]
    return per_kind, KindStats("overall", *totals)


def evaluate_examples(
    examples: Sequence[Example], finder: Finder = find_personal_data
) -> EvalReport:
    """Evaluate ``finder`` (the scrubber's `find_personal_data`) on parsed examples, in all
    and per language."""
    counts: _Counts = {kind: [0, 0, 0, 0, 0] for kind in KINDS}
    by_lang: dict[str, _Counts] = {}
    sizes: dict[str, int] = {}
    misses: list[Miss] = []
    false_positives: list[FalsePositive] = []
    overreach: list[FalsePositive] = []
    for example in examples:
        findings = finder(example.text)
        lang_counts = by_lang.setdefault(example.lang, {kind: [0] * 5 for kind in KINDS})
        sizes[example.lang] = sizes.get(example.lang, 0) + 1
        _count(example, findings, lang_counts, misses, false_positives, overreach)
    for lang_counts in by_lang.values():
        for kind, row in lang_counts.items():
            total = counts.setdefault(kind, [0] * 5)
            for index, value in enumerate(row):
                total[index] += value
    per_kind, overall = _stats(counts)
    languages = tuple(
        LanguageStats(lang, sizes[lang], *_stats(by_lang[lang]))
        for lang in sorted(by_lang, key=lambda x: (x not in LANGUAGES, LANGUAGES.index(x)))
    )
    return EvalReport(
        len(examples),
        per_kind,
        overall,
        tuple(misses),
        tuple(false_positives),
        languages,
        tuple(overreach),
    )


_FIELDS = ("gold", "found", "found_same_kind", "predicted", "true_positives")


def evaluate(corpus: Path | Sequence[Path] = DEFAULT_CORPUS) -> EvalReport:
    """Evaluate `find_personal_data` on one corpus file or several."""
    paths = [corpus] if isinstance(corpus, Path) else list(corpus)
    return evaluate_examples(load_corpora(paths))


def scrubber_at(commit: str) -> Finder:
    """``find_personal_data`` of the single-file scrubber (bot/privacy/scrubber.py) at a git
    commit, to measure "before" on today's corpora (e.g. 7909a9f, before names)."""
    source = subprocess.run(
        ["git", "-C", str(CORPUS_DIR), "show", f"{commit}:bot/privacy/scrubber.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    name = f"_scrubber_at_{commit}"
    module = types.ModuleType(name)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    exec(compile(source, f"{commit}:bot/privacy/scrubber.py", "exec"), module.__dict__)
    finder: Finder = module.find_personal_data
    return finder


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation report; exit status 2 if a corpus cannot be read."""
    parser = argparse.ArgumentParser(
        prog="eval-scrubber", description="Recall and precision of the personal-data scrubber."
    )
    parser.add_argument(
        "corpus",
        nargs="*",
        type=Path,
        help="corpus files (default: tests/privacy/scrubber_corpus*.txt)",
    )
    parser.add_argument(
        "--at",
        metavar="COMMIT",
        help="evaluate the single-file scrubber of that commit instead (e.g. 7909a9f)",
    )
    args = parser.parse_args(argv)
    finder: Finder = find_personal_data
    if args.at:
        try:
            finder = scrubber_at(args.at)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"cannot load the scrubber at {args.at}: {error}", file=sys.stderr)
            return 2
    corpora: list[Path] = args.corpus or default_corpora()
    try:
        examples = load_corpora(corpora)
    except (OSError, ValueError) as error:
        print(f"cannot read corpus: {error}", file=sys.stderr)
        return 2
    report = evaluate_examples(examples, finder)
    at = f" (scrubber at {args.at})" if args.at else ""
    print("corpora: " + ", ".join(str(path) for path in corpora) + at)
    print(report.format())
    # CPU time, best of five rounds: the machine is shared, wall-clock time is noise.
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(4):
            for example in examples:
                finder(example.text)
        rounds.append((time.process_time() - started) / (4 * max(len(examples), 1)))
    elapsed = min(rounds)
    print(f"mean CPU time per example: {elapsed * 1e6:.1f} µs (best of 5 rounds)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
