"""`python -m bot check`: everything an editor must fix before content ships, and a status table."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.content.addons import Addons, load_addons
from bot.content.glossary import Glossary, GlossaryError, load_glossary, swedish_vocabulary
from bot.content.loader import load_library_with_problems
from bot.content.model import LANGUAGES, REFERENCE_LANGUAGE, Lang, Library, Source, Topic
from bot.content.yaml_reader import Problem
from bot.i18n import Translator, load_translators
from bot.i18n_gaps import find_gaps, read_template
from bot.ui.render import MESSAGE_LIMIT, visible_len
from bot.ui.topic import FIRST_SCREEN_MAX, first_screen_length, topic_parts, topic_screen

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?:;]+(?=\s|$)")
LIX_TARGET = 40.0


def lix(texts: Iterable[str]) -> float:
    """LIX readability: words per sentence + percentage of words longer than six letters.

    Each text unit (a summary, a heading, a list item) ends at least one sentence, since a list
    item without a full stop is still read as a unit.
    """
    words = sentences = long_words = 0
    for text in texts:
        found = _WORD.findall(text)
        if not found:
            continue
        words += len(found)
        long_words += sum(1 for word in found if len(word) > 6)
        stripped = text.strip()
        ends = len(_SENTENCE_END.findall(stripped))
        unterminated = not stripped.endswith((".", "!", "?", ":", ";"))
        sentences += ends + (1 if unterminated else 0)
    if words == 0:
        return 0.0
    return words / max(sentences, 1) + 100 * long_words / words


@dataclass
class TopicRow:
    """One line of the status table: a topic in every language."""

    topic_id: str
    #: per language: reviewed | draft | outdated (reviewed, then changed) | MISSING
    review: dict[str, str]
    sources: int = 0
    #: sources verified on a known date within the configured age
    sources_current: int = 0
    #: sources never verified, or verified on an unknown date
    sources_undated: int = 0
    lix: float | None = None
    glossary_variants: int = 0
    untranslated: int = 0
    #: further columns other checks add, e.g. "screen1" (first-screen length): name -> cell
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    library: Library | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: list[tuple[str, dict[str, str], float | None]] = field(default_factory=list)
    topic_rows: list[TopicRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def totals(self) -> dict[str, int]:
        return {
            "sources": sum(r.sources for r in self.topic_rows),
            "sources_current": sum(r.sources_current for r in self.topic_rows),
            "sources_undated": sum(r.sources_undated for r in self.topic_rows),
            "glossary_variants": sum(r.glossary_variants for r in self.topic_rows),
            "untranslated": sum(r.untranslated for r in self.topic_rows),
            "reviewed": sum(
                1 for r in self.topic_rows for status in r.review.values() if status == "reviewed"
            ),
        }

    def format(self) -> str:
        extra_names = sorted({name for row in self.topic_rows for name in row.extra})
        header = (
            f"{'topic':24} {'sv':>9} {'rom':>9} {'fi':>9} {'sources':>9} {'LIX sv':>7}"
            f" {'rom-var':>7} {'rom-sv':>6}" + "".join(f" {name:>8}" for name in extra_names)
        )
        lines = [header]
        for row in self.topic_rows:
            cells = " ".join(f"{row.review.get(lang, '-'):>9}" for lang in ("sv", "rom", "fi"))
            sources = f"{row.sources_current}/{row.sources}"
            lix_cell = f"{row.lix:7.1f}" if row.lix is not None else "      -"
            flag = " !" if row.lix is not None and row.lix > LIX_TARGET else "  "
            lines.append(
                f"{row.topic_id:24} {cells} {sources:>9} {lix_cell}{flag}"
                f"{row.glossary_variants:>6} {row.untranslated:>6}"
                + "".join(f" {row.extra.get(name, '-'):>8}" for name in extra_names)
            )
        totals = self.totals()
        lines.append("")
        lines.append(
            "sources: verified on a known date within the age limit / all (the rest: "
            f"{totals['sources_undated']} never verified or on an unknown date); "
            "rom-var: Romani glossary variants; rom-sv: Swedish words outside brackets in "
            "Romani; ! = LIX above 40"
        )
        lines.append(
            f"totals: {totals['sources_current']}/{totals['sources']} sources current, "
            f"{totals['glossary_variants']} glossary variant(s), "
            f"{totals['untranslated']} untranslated Swedish word(s), "
            f"{totals['reviewed']} reviewed text(s)"
        )
        if self.warnings:
            lines.append("")
            lines.extend(str(w) for w in self.warnings)
        if self.errors:
            lines.append("")
            lines.extend(str(e) for e in self.errors)
        lines.append("")
        lines.append(
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)"
            + ("" if self.errors else ": content is ready")
        )
        return "\n".join(lines)


def check(
    content_dir: Path,
    locale_dir: Path,
    *,
    today: dt.date | None = None,
    max_source_age_days: int = 365,
) -> Report:
    library, problems = load_library_with_problems(content_dir)
    report = Report(library)
    report.errors.extend(p for p in problems if p.severity == "error")
    report.warnings.extend(p for p in problems if p.severity != "error")
    report.errors.extend(_vocabulary_problems(content_dir / "synonyms.yaml"))
    glossary, glossary_problems = _glossary(content_dir / "glossary.yaml")
    report.errors.extend(glossary_problems)
    gaps = find_gaps(locale_dir, read_template(locale_dir))
    report.errors.extend(Problem(locale_dir, 1, f"UI string: {gap}") for gap in gaps)
    if library is None:
        return report
    today = today or dt.date.today()
    # Gaps are reported above; untranslated strings fall back to English for the length check.
    translators = load_translators(locale_dir)
    swedish_words = (
        swedish_vocabulary(
            (
                text
                for (lang, _), topic in library.topics.items()
                if lang == REFERENCE_LANGUAGE
                # Swedish search keywords too: words residents use that the texts avoid.
                for text in (*topic.plain_texts(), *topic.keywords)
            ),
            glossary,
        )
        if glossary is not None
        else frozenset()
    )
    addons = _addons(content_dir, library, report)
    for topic_id in library.topic_ids:
        row = TopicRow(topic_id, {})
        for lang in LANGUAGES:
            topic = library.topics.get((lang, topic_id))
            if topic is None:
                row.review[lang] = "MISSING"
                continue
            row.review[lang] = "outdated" if topic.review_outdated else topic.review
            path = content_dir / lang / f"{topic_id}.yaml"
            if topic.review_outdated:
                report.warnings.append(
                    Problem(
                        path,
                        1,
                        "changed after its review: a draft again until reviewed "
                        "(python -m bot review record)",
                        "warning",
                    )
                )
            if lang == REFERENCE_LANGUAGE:
                _count_sources(row, path, topic.sources, today, max_source_age_days, report)
                row.lix = lix(topic.plain_texts())
            if lang == "rom" and glossary is not None:
                _romani_problems(row, path, topic, glossary, swedish_words, report)
            swedish = library.topics.get((REFERENCE_LANGUAGE, topic_id))
            if (
                lang != REFERENCE_LANGUAGE
                and swedish is not None
                and _shape(topic) != _shape(swedish)
            ):
                report.warnings.append(
                    Problem(
                        path,
                        1,
                        "not the same sections, steps, bullets and paragraphs as "
                        "the Swedish text: the review kit pairs them by position",
                        "warning",
                    )
                )
            report.errors.extend(_too_long(path, library, topic, translators))
        _first_screen_columns(row, content_dir, library, translators, report, addons)
        report.rows.append((topic_id, dict(row.review), row.lix))
        report.topic_rows.append(row)
    if glossary is not None:
        report.warnings.extend(_catalog_variants(locale_dir, glossary))
    for place in library.places:
        path = content_dir / "places" / f"{place.id}.yaml"
        scratch = TopicRow(place.id, {})
        _count_sources(scratch, path, place.sources, today, max_source_age_days, report)
    return report


def _count_sources(
    row: TopicRow,
    path: Path,
    sources: Iterable[Source],
    today: dt.date,
    max_age: int,
    report: Report,
) -> None:
    undated = []
    for source in sources:
        row.sources += 1
        verified = source.verified
        if verified.date is None or verified.how == "not-verified":
            row.sources_undated += 1
            undated.append(source)
        elif (today - verified.date).days > max_age:
            report.warnings.append(_stale(path, source.url, verified.date, max_age))
        else:
            row.sources_current += 1
    never = [s for s in undated if s.verified.how == "not-verified"]
    for source in never:
        report.warnings.append(
            Problem(path, 1, f"source {source.url} was never verified", "warning")
        )
    unknown_day = len(undated) - len(never)
    if unknown_day:
        report.warnings.append(
            Problem(
                path,
                1,
                f"{unknown_day} source(s) verified on an unknown date: "
                "re-verify them and record the date",
                "warning",
            )
        )


def _romani_problems(
    row: TopicRow,
    path: Path,
    topic: Topic,
    glossary: Glossary,
    swedish_words: frozenset[str],
    report: Report,
) -> None:
    hits: list[str] = []
    untranslated: list[str] = []
    for text in topic.plain_texts():
        hits.extend(f"{word} -> {chosen}" for word, chosen in glossary.variant_hits(text))
        untranslated.extend(glossary.untranslated(text, swedish_words))
    row.glossary_variants = len(hits)
    row.untranslated = len(untranslated)
    if hits:
        report.errors.append(
            Problem(
                path,
                1,
                "Romani words from another variety or spelling (glossary): "
                + ", ".join(sorted(set(hits))),
            )
        )
    if untranslated:
        words = sorted({w.lower() for w in untranslated})
        report.warnings.append(
            Problem(
                path,
                1,
                f"{len(untranslated)} Swedish word(s) outside brackets: " + ", ".join(words),
                "warning",
            )
        )


def _shape(topic: Topic) -> tuple[object, ...]:
    """The structure a translation must share with the Swedish text, paragraph by paragraph."""
    blocks = tuple(
        (len(b.steps), len(b.bullets), len([p for p in (b.text or "").split("\n\n") if p.strip()]))
        for b in topic.sections
    )
    return (*blocks, len(topic.next_steps))


def _catalog_variants(locale_dir: Path, glossary: Glossary) -> list[Problem]:
    """The Romani UI strings are part of what residents read: same variety as the content."""
    from babel.messages.pofile import read_po

    path = locale_dir / "rom" / "LC_MESSAGES" / "bot.po"
    if not path.exists():
        return []
    with path.open("rb") as handle:
        catalog = read_po(handle)
    hits: set[str] = set()
    for message in catalog:
        value = message.string
        strings = [value] if isinstance(value, str) else list(value or ())
        for string in strings:
            hits.update(f"{w} -> {chosen}" for w, chosen in glossary.variant_hits(string))
    if not hits:
        return []
    return [
        Problem(
            path,
            1,
            "Romani UI strings use words from another variety or spelling: "
            + ", ".join(sorted(hits)),
            "warning",
        )
    ]


def _glossary(path: Path) -> tuple[Glossary | None, list[Problem]]:
    if not path.exists():
        return None, [Problem(path, 1, "missing: the Romani glossary is required")]
    try:
        return load_glossary(path), []
    except GlossaryError as exc:
        return None, [Problem(path, 1, str(exc))]


def _vocabulary_problems(path: Path) -> list[Problem]:
    """The search vocabulary is content too: editors change it, so check it with the rest."""
    from bot.search.vocabulary import VocabularyError, load_vocabulary

    if not path.exists():
        return []
    try:
        load_vocabulary(path)
    except (VocabularyError, yaml.YAMLError) as exc:
        return [Problem(path, 1, str(exc))]
    return []


def _stale(path: Path, url: str, verified: dt.date, max_age: int) -> Problem:
    return Problem(
        path, 1, f"source {url} last verified {verified}, over {max_age} days ago", "warning"
    )


def _addons(content_dir: Path, library: Library, report: Report) -> Addons:
    """Control words, source tags and audio files: their problems go into the report."""
    addons, problems = load_addons(content_dir, library)
    report.errors.extend(p for p in problems if p.severity == "error")
    report.warnings.extend(p for p in problems if p.severity != "error")
    return addons


def _first_screen_columns(
    row: TopicRow,
    content_dir: Path,
    library: Library,
    translators: dict[Lang, Translator],
    report: Report,
    addons: Addons,
) -> None:
    """Columns "1st" (the longest first screen over languages and municipalities), "LIX 1st"
    (Swedish short answer: summary and first step) and "audio" (languages with a recording)."""
    municipalities: list[str | None] = [m.id for m in library.municipalities] or [None]
    if row.topic_id not in library.local_topics:
        municipalities = [None]
    longest = 0
    for lang in LANGUAGES:
        topic = library.topics.get((lang, row.topic_id))
        if topic is None:
            continue
        for municipality in municipalities:
            size = first_screen_length(translators[lang], library, topic, municipality)
            if size > FIRST_SCREEN_MAX:
                report.warnings.append(
                    Problem(
                        content_dir / lang / f"{row.topic_id}.yaml",
                        1,
                        f"first screen is {size} characters (target {FIRST_SCREEN_MAX}): "
                        "shorten the summary or the first next step",
                        "warning",
                    )
                )
            longest = max(longest, size)
    row.extra["1st"] = str(longest)
    swedish = library.topics.get((REFERENCE_LANGUAGE, row.topic_id))
    if swedish is not None:
        row.extra["LIX 1st"] = f"{lix([swedish.summary, *swedish.next_steps[:1]]):.1f}"
    row.extra["audio"] = (
        ",".join(lang for lang in LANGUAGES if addons.audio.clip(lang, row.topic_id)) or "-"
    )


def _too_long(
    path: Path, library: Library, topic: Topic, translators: dict[Lang, Translator]
) -> list[Problem]:
    """Each part of the topic as a resident sees it must fit one message, also with the longest
    place list."""
    # The bot asks for a municipality before it lists places, so check each municipality's list.
    municipalities: list[str | None] = [m.id for m in library.municipalities] or [None]
    longest = max(
        (
            topic_screen(
                translators[topic.lang],
                library,
                topic.id,
                ui_lang=topic.lang,
                municipality=municipality,
                part=part,
            )
            for municipality in municipalities
            for part in ("a", *topic_parts(library, topic))
        ),
        key=lambda screen: (len(screen.messages), sum(map(visible_len, screen.messages))),
    )
    if len(longest.messages) > 1:
        size = sum(map(visible_len, longest.messages))
        return [Problem(path, 1, f"rendered topic is {size} characters, over {MESSAGE_LIMIT}")]
    return []
