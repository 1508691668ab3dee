"""The editable search vocabulary: `content/synonyms.yaml` (synonym groups, small talk, stop words)
and the files under `content/search/`:

- `romani-varieties.yaml`: words of the Romani varieties (Kelderash, Lovari, Arli, Finnish Kaale,
  Resande Romani) and English basics, each list joined to the synonyms.yaml group that holds its
  `same_as` word, and the function words of every variety as stop words;
- `concepts.yaml`: neutral words (family words, "help": understood, but pointing to no topic on
  their own) and situations: words that together point to a topic ("pappa" + "slår" ->
  violence-help; "hembesök" -> child-concern-report).

This module is the files' only reader; `python -m bot check` validates them through here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml


class VocabularyError(ValueError):
    """synonyms.yaml does not have the documented shape."""


@dataclass(frozen=True, slots=True)
class Situation:
    topic: str
    #: each slot: words of which the question must contain one (any spelling or inflection,
    #: or any member of a synonym group the word belongs to)
    slots: tuple[tuple[str, ...], ...]
    #: share of the full situation score this one adds (a word -> topic mapping: less)
    weight: float = 1.0


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
    #: Words understood but pointing to no topic on their own (family words, "help").
    neutral: tuple[str, ...] = ()
    #: (topic id, slots): a question with a word from every slot points to the topic.
    situations: tuple[Situation, ...] = ()


def _strings(value: Any, where: str, file: str = "synonyms.yaml") -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise VocabularyError(f"{file}: {where} must be a list of texts")
    for item in value:
        if not isinstance(item, str):
            raise VocabularyError(
                f'{file}: {where}: {item!r} is not text; put it in quotes ("on", "no", "112")'
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


VARIETIES_FILE = "romani-varieties.yaml"
CONCEPTS_FILE = "concepts.yaml"
#: the lists a variety entry may have
VARIETY_KEYS = ("kelderash", "lovari", "arli", "kaale", "resande", "english", "swedish", "finnish")


def _key(word: str) -> str:
    from bot.search.normalise import ascii_fold, romani_normalise

    return romani_normalise(ascii_fold(word))


def _mapping(data: Any, file: str, allowed: set[str]) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise VocabularyError(f"{file}: expected a mapping")
    unknown = set(data) - allowed
    if unknown:
        raise VocabularyError(f"{file}: unknown keys {sorted(unknown)}")
    return data


def merge_varieties(vocabulary: SearchVocabulary, data: Any) -> SearchVocabulary:
    """Join the variety words of romani-varieties.yaml to the synonym groups and stop words."""
    file = VARIETIES_FILE
    data = _mapping(data, file, {"sources", "groups", "stopwords"})
    groups = [list(group) for group in vocabulary.groups]
    where: dict[str, int] = {}
    for g, group in enumerate(groups):
        for member in group:
            where.setdefault(_key(member), g)
    entries = data.get("groups") or []
    if not isinstance(entries, list):
        raise VocabularyError(f"{file}: groups must be a list")
    for i, entry in enumerate(entries):
        entry = _mapping(entry, f"{file}: groups[{i}]", {"same_as", *VARIETY_KEYS})
        words = [
            w for key in VARIETY_KEYS for w in _strings(entry.get(key), f"groups[{i}].{key}", file)
        ]
        same_as = entry.get("same_as")
        if same_as is None:
            if len(words) < 2:
                raise VocabularyError(f"{file}: groups[{i}]: a new group needs two words")
            groups.append(words)
            continue
        if not isinstance(same_as, str) or _key(same_as) not in where:
            raise VocabularyError(
                f"{file}: groups[{i}]: same_as {same_as!r} is in no group of synonyms.yaml"
            )
        target = groups[where[_key(same_as)]]
        known = {_key(w) for w in target}
        for word in words:
            if _key(word) not in known:
                known.add(_key(word))
                target.append(word)
    stop = _mapping(data.get("stopwords"), f"{file}: stopwords", set(VARIETY_KEYS))
    extra_stop = [w for key in VARIETY_KEYS for w in _strings(stop.get(key), key, file)]
    return replace(
        vocabulary,
        groups=tuple(tuple(group) for group in groups),
        stopwords=vocabulary.stopwords + tuple(extra_stop),
    )


def merge_concepts(vocabulary: SearchVocabulary, data: Any) -> SearchVocabulary:
    """Add the neutral words and situations of concepts.yaml."""
    file = CONCEPTS_FILE
    data = _mapping(data, file, {"neutral", "situations"})
    neutral = _strings(data.get("neutral"), "neutral", file)
    entries = data.get("situations") or []
    if not isinstance(entries, list):
        raise VocabularyError(f"{file}: situations must be a list")
    situations: list[Situation] = []
    for i, entry in enumerate(entries):
        entry = _mapping(entry, f"{file}: situations[{i}]", {"topic", "when", "weight"})
        topic, when = entry.get("topic"), entry.get("when")
        if not isinstance(topic, str) or not isinstance(when, list) or not when:
            raise VocabularyError(
                f"{file}: situations[{i}]: needs a topic id and `when`, a list of word lists"
            )
        slots = tuple(_strings(slot, f"situations[{i}].when", file) for slot in when)
        for slot in slots:
            if not slot or any(len(w.split()) != 1 for w in slot if not w.startswith("@")):
                raise VocabularyError(
                    f"{file}: situations[{i}]: every slot is a non-empty list of single words"
                    ' (or "@member" of a synonym group)'
                )
        weight = entry.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1:
            raise VocabularyError(f"{file}: situations[{i}]: weight must be a number in (0, 1]")
        situations.append(Situation(topic, slots, float(weight)))
    return replace(
        vocabulary,
        neutral=vocabulary.neutral + neutral,
        situations=vocabulary.situations + tuple(situations),
    )


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_vocabulary(path: Path) -> SearchVocabulary:
    """Read synonyms.yaml and, if present, search/romani-varieties.yaml and search/concepts.yaml
    beside it; an absent file means an empty vocabulary."""
    vocabulary = parse_vocabulary(_read(path)) if path.exists() else SearchVocabulary()
    extra = path.parent / "search"
    if (extra / VARIETIES_FILE).exists():
        vocabulary = merge_varieties(vocabulary, _read(extra / VARIETIES_FILE))
    if (extra / CONCEPTS_FILE).exists():
        vocabulary = merge_concepts(vocabulary, _read(extra / CONCEPTS_FILE))
    return vocabulary
