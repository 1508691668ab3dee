"""Source tags that know their place: a poster's tag -> the municipality it hangs in.

The registry is an interface so that tags can come from more than one store: today from content
(content/source-tags.yaml, loaded once), later also from the database, where bridge-builders will
register their own tags from the chat. `ChainedTags` asks each store in turn, first match wins.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import yaml

#: Fits every payload: the longest `<lang>-<topic-id>_` leaves 64 - 26 characters.
TAG_MAX = 20
_TAG = re.compile(rf"[A-Za-z0-9_-]{{1,{TAG_MAX}}}")


@dataclass(frozen=True, slots=True)
class TaggedPlace:
    municipality: str
    #: Where the poster hangs, for staff (e.g. "RIKC Malmö"); never shown as a fact to residents.
    place: str


class SourceTags(Protocol):
    """Anything that can say where a source tag belongs (None: unregistered)."""

    def lookup(self, tag: str) -> TaggedPlace | None: ...


@dataclass(frozen=True, slots=True)
class StaticTags:
    """Tags from content: content/source-tags.yaml."""

    tags: dict[str, TaggedPlace] = field(default_factory=dict)

    def lookup(self, tag: str) -> TaggedPlace | None:
        return self.tags.get(tag)


@dataclass(frozen=True, slots=True)
class ChainedTags:
    """Several stores, asked in order (e.g. content first, then tags registered in the chat)."""

    stores: tuple[SourceTags, ...]

    def lookup(self, tag: str) -> TaggedPlace | None:
        for store in self.stores:
            found = store.lookup(tag)
            if found is not None:
                return found
        return None


def valid_tag(tag: str) -> bool:
    return _TAG.fullmatch(tag) is not None


def load_source_tags(path: Path, municipalities: Collection[str]) -> tuple[StaticTags, list[str]]:
    """The registered tags, and every problem found; a missing file means no registered tags."""
    if not path.exists():
        return StaticTags(), []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        return StaticTags(), [f"not valid YAML: {exc}"]
    entries = raw.get("tags") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or set(raw) - {"tags"} or not isinstance(entries, dict | None):
        return StaticTags(), ["expected 'tags:' mapping each tag to {municipality, place}"]
    problems: list[str] = []
    tags: dict[str, TaggedPlace] = {}
    for tag, entry in (entries or {}).items():
        if not isinstance(tag, str) or not valid_tag(tag):
            problems.append(f"tag {tag!r}: use 1-{TAG_MAX} letters, digits, '_' or '-'")
            continue
        if not isinstance(entry, dict) or set(entry) != {"municipality", "place"}:
            problems.append(f"tag {tag}: needs exactly 'municipality' and 'place'")
            continue
        municipality, place = entry["municipality"], entry["place"]
        if municipality not in municipalities:
            problems.append(f"tag {tag}: unknown municipality {municipality!r}")
        elif not isinstance(place, str) or not place.strip():
            problems.append(f"tag {tag}: 'place' must be a name")
        else:
            tags[tag] = TaggedPlace(municipality, place.strip())
    return StaticTags(tags), problems
