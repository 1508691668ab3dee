"""content/pictograms.yaml: one icon per section and topic (see the file for why)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.content.model import Library, Pictograms

#: An icon is a short emoji sequence, never text.
ICON_MAX = 8


def load_pictograms(path: Path, library: Library) -> tuple[Pictograms, list[str]]:
    """The icons, and a problem for each section or topic without exactly one valid icon."""
    if not path.exists():
        return Pictograms(), ["missing: every section and topic needs an icon"]
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        return Pictograms(), [f"not valid YAML: {exc}"]
    problems: list[str] = []
    if not isinstance(raw, dict) or set(raw) - {"sections", "topics"}:
        return Pictograms(), ["expected only the keys 'sections' and 'topics'"]
    section_ids = [section.id for section in library.sections]
    sections = _icons(raw.get("sections"), section_ids, "section", problems)
    topics = _icons(raw.get("topics"), list(library.topic_ids), "topic", problems)
    seen: dict[str, str] = {}
    for topic_id, icon in topics.items():
        if icon in seen:
            problems.append(f"topics {seen[icon]} and {topic_id} share the icon {icon}")
        seen[icon] = topic_id
    return Pictograms(sections, topics), problems


def _icons(raw: object, known: list[str], what: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.append(f"'{what}s' must map each {what} id to an icon")
        return {}
    icons: dict[str, str] = {}
    for key, value in raw.items():
        if key not in known:
            problems.append(f"unknown {what} id {key!r}")
        elif not isinstance(value, str) or not value.strip() or len(value) > ICON_MAX:
            problems.append(f"{what} {key}: the icon must be a short emoji")
        elif any(char.isalnum() for char in value):
            problems.append(f"{what} {key}: an icon has no letters or digits")
        else:
            icons[str(key)] = value.strip()
    problems.extend(f"{what} {item} has no icon" for item in known if item not in icons)
    return icons
