"""`python -m bot check`: everything an editor must fix before content ships, and a status table."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.content.loader import Problem, load_library_with_problems
from bot.content.model import LANGUAGES, REFERENCE_LANGUAGE, Lang, Library, Topic
from bot.i18n import Translator, load_translators
from bot.i18n_gaps import find_gaps, read_template
from bot.ui.render import MESSAGE_LIMIT, visible_len
from bot.ui.screens import topic_screen

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
class Report:
    library: Library | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: list[tuple[str, dict[str, str], float | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def format(self) -> str:
        lines = [f"{'topic':26} {'sv':>12} {'rom':>12} {'fi':>12} {'LIX sv':>7}"]
        for topic_id, statuses, score in self.rows:
            cells = " ".join(f"{statuses.get(lang, '-'):>12}" for lang in ("sv", "rom", "fi"))
            lix_cell = f"{score:7.1f}" if score is not None else "      -"
            flag = "  (above 40)" if score is not None and score > LIX_TARGET else ""
            lines.append(f"{topic_id:26} {cells} {lix_cell}{flag}")
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
    gaps = find_gaps(locale_dir, read_template(locale_dir))
    report.errors.extend(Problem(locale_dir, 1, f"UI string: {gap}") for gap in gaps)
    if library is None:
        return report
    today = today or dt.date.today()
    # Gaps are reported above; untranslated strings fall back to English for the length check.
    translators = load_translators(locale_dir)
    for topic_id in library.topic_ids:
        statuses: dict[str, str] = {}
        for lang in LANGUAGES:
            topic = library.topics.get((lang, topic_id))
            if topic is None:
                statuses[lang] = "MISSING"
                continue
            statuses[lang] = topic.review
            path = content_dir / lang / f"{topic_id}.yaml"
            report.warnings.extend(_stale_sources(path, topic, today, max_source_age_days))
            report.errors.extend(_too_long(path, library, topic, translators))
        swedish = library.topics.get((REFERENCE_LANGUAGE, topic_id))
        report.rows.append((topic_id, statuses, lix(swedish.plain_texts()) if swedish else None))
    for place in library.places:
        path = content_dir / "places" / f"{place.id}.yaml"
        for source in place.sources:
            if (today - source.checked).days > max_source_age_days:
                report.warnings.append(
                    _stale(path, source.url, source.checked, max_source_age_days)
                )
    return report


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


def _stale_sources(path: Path, topic: Topic, today: dt.date, max_age: int) -> list[Problem]:
    if topic.lang != REFERENCE_LANGUAGE:
        return []  # translations inherit the Swedish sources; warn once, at the source
    return [
        _stale(path, source.url, source.checked, max_age)
        for source in topic.sources
        if (today - source.checked).days > max_age
    ]


def _stale(path: Path, url: str, checked: dt.date, max_age: int) -> Problem:
    return Problem(
        path, 1, f"source {url} last checked {checked}, over {max_age} days ago", "warning"
    )


def _too_long(
    path: Path, library: Library, topic: Topic, translators: dict[Lang, Translator]
) -> list[Problem]:
    """The topic as a resident sees it must fit one message, also with the longest place list."""
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
            )
            for municipality in municipalities
        ),
        key=lambda screen: (len(screen.messages), sum(map(visible_len, screen.messages))),
    )
    if len(longest.messages) > 1:
        size = sum(map(visible_len, longest.messages))
        return [Problem(path, 1, f"rendered topic is {size} characters, over {MESSAGE_LIMIT}")]
    return []
