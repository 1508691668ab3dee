"""The editable search vocabulary in `content/synonyms.yaml`: synonym groups, small talk and stop
words. This module is the file's only reader; `python -m bot check` validates it through here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class VocabularyError(ValueError):
    """synonyms.yaml does not have the documented shape."""


@dataclass(frozen=True, slots=True)
class SearchVocabulary:
    #: Groups of words or phrases that mean the same for search, in any language.
    groups: tuple[tuple[str, ...], ...] = ()
    #: Words and phrases that greet (or say goodbye): the bot answers with a short hello.
    greetings: tuple[str, ...] = ()
    #: Words and phrases that thank: the bot answers with a short "you're welcome".
    thanks: tuple[str, ...] = ()
    #: Words that may surround a greeting or thanks without making it a question ("du", "bot").
    fillers: tuple[str, ...] = ()
    #: Words that carry no meaning for search ("och", "ja", "te"); ignored in queries.
    stopwords: tuple[str, ...] = ()


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise VocabularyError(f"synonyms.yaml: {where} must be a list of texts")
    for item in value:
        if not isinstance(item, str):
            raise VocabularyError(
                f"synonyms.yaml: {where}: {item!r} is not text; put it in quotes"
                ' ("on", "no", "112")'
            )
    return tuple(v.strip() for v in value if v.strip())


def parse_vocabulary(data: Any) -> SearchVocabulary:
    if data is None:
        return SearchVocabulary()
    if not isinstance(data, dict):
        raise VocabularyError("synonyms.yaml: expected a mapping")
    unknown = set(data) - {"groups", "smalltalk", "stopwords"}
    if unknown:
        raise VocabularyError(f"synonyms.yaml: unknown keys {sorted(unknown)}")
    groups_data = data.get("groups") or []
    if not isinstance(groups_data, list):
        raise VocabularyError("synonyms.yaml: groups must be a list of lists")
    groups = tuple(
        group for i, item in enumerate(groups_data) if (group := _strings(item, f"groups[{i}]"))
    )
    smalltalk = data.get("smalltalk") or {}
    if not isinstance(smalltalk, dict):
        raise VocabularyError("synonyms.yaml: smalltalk must be a mapping")
    unknown = set(smalltalk) - {"greetings", "thanks", "fillers"}
    if unknown:
        raise VocabularyError(f"synonyms.yaml: unknown smalltalk keys {sorted(unknown)}")
    return SearchVocabulary(
        groups=groups,
        greetings=_strings(smalltalk.get("greetings"), "smalltalk.greetings"),
        thanks=_strings(smalltalk.get("thanks"), "smalltalk.thanks"),
        fillers=_strings(smalltalk.get("fillers"), "smalltalk.fillers"),
        stopwords=_strings(data.get("stopwords"), "stopwords"),
    )


def load_vocabulary(path: Path) -> SearchVocabulary:
    """Read synonyms.yaml; an absent file means an empty vocabulary."""
    if not path.exists():
        return SearchVocabulary()
    with path.open(encoding="utf-8") as handle:
        return parse_vocabulary(yaml.safe_load(handle))
