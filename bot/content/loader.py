"""Load content YAML once into typed objects, rejecting anything the schema does not allow.

Each file is read by the strict reader (bot.content.yaml_reader), which records every problem
with its file and line; topic_file and place_files turn the node trees into typed objects, and
this module assembles the Library and checks what only shows across files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from bot.content.model import (
    LANGUAGES,
    REFERENCE_LANGUAGE,
    Lang,
    Library,
    Municipality,
    Section,
    Topic,
)
from bot.content.pictograms import load_pictograms
from bot.content.place_files import parse_municipalities, parse_place
from bot.content.provenance import ContentReader
from bot.content.topic_file import parse_topic
from bot.content.yaml_reader import ContentError, Node, Problem, parse_yaml

__all__ = ["ContentError", "Problem", "load_library", "load_library_with_problems"]

SECTION_IDS = ("rights", "school", "social", "places")


def _structure(
    root: Node, reader: ContentReader
) -> tuple[list[Section], dict[str, str], dict[str, tuple[str, ...]]]:
    top = reader.mapping(root, "structure.yaml", ("sections",), ("aliases", "local_topics"))
    if top is None:
        return [], {}, {}
    sections = []
    section_map = (
        reader.mapping(top["sections"], "sections", SECTION_IDS) if "sections" in top else None
    )
    for section_id in SECTION_IDS:
        ids = reader.texts((section_map or {}).get(section_id), f"sections.{section_id}")
        if ids:
            sections.append(Section(section_id, ids))
    aliases: dict[str, str] = {}
    if "aliases" in top:
        for key, node in (
            reader.mapping(top["aliases"], "aliases", (), any_keys=True) or {}
        ).items():
            target = reader.text(node, f"aliases.{key}")
            if target:
                aliases[key] = target
    local: dict[str, tuple[str, ...]] = {}
    if "local_topics" in top:
        for key, node in (
            reader.mapping(top["local_topics"], "local_topics", (), any_keys=True) or {}
        ).items():
            local[key] = reader.texts(node, f"local_topics.{key}")
    return sections, aliases, local


def _read(path: Path, problems: list[Problem], build: Callable[[Node, ContentReader], Any]) -> Any:
    root = parse_yaml(path, problems)
    if root is None:
        return None
    reader = ContentReader(path)
    result = build(root, reader)
    problems.extend(reader.problems)
    return result


def load_library(content_dir: Path) -> Library:
    """Load and validate all content; raises ContentError listing every problem found."""
    library, problems = load_library_with_problems(content_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors or library is None:
        raise ContentError(errors or problems)
    return library


def load_library_with_problems(content_dir: Path) -> tuple[Library | None, list[Problem]]:
    """Load what validates and report the rest; the checker uses this to show everything at once."""
    problems: list[Problem] = []
    structure_path = content_dir / "structure.yaml"
    if not structure_path.exists():
        return None, [Problem(structure_path, 1, "missing: the menu structure is required")]
    sections, aliases, local_topics = _read(structure_path, problems, _structure) or ([], {}, {})

    topics: dict[tuple[Lang, str], Topic] = {}
    for lang in LANGUAGES:
        for path in sorted((content_dir / lang).glob("**/*.yaml")):
            topic = _read(path, problems, partial(parse_topic, path, lang))
            if topic is not None:
                topics[(lang, topic.id)] = topic

    places = []
    for path in sorted((content_dir / "places").glob("*.yaml")):
        place = _read(path, problems, partial(parse_place, path))
        if place is not None:
            places.append(place)

    municipalities: list[Municipality] = []
    municipalities_path = content_dir / "municipalities.yaml"
    if municipalities_path.exists():
        municipalities = _read(municipalities_path, problems, parse_municipalities) or []

    # A translation without sources of its own inherits the Swedish ones: one place to update.
    for (lang, topic_id), topic in list(topics.items()):
        swedish = topics.get((REFERENCE_LANGUAGE, topic_id))
        if lang != REFERENCE_LANGUAGE and not topic.sources and swedish is not None:
            topics[(lang, topic_id)] = replace(topic, sources=swedish.sources)

    library = Library(
        sections=tuple(sections),
        topics=topics,
        aliases=aliases,
        local_topics=local_topics,
        places=tuple(places),
        municipalities=tuple(municipalities),
    )
    problems.extend(_cross_references(content_dir, library))
    pictograms_path = content_dir / "pictograms.yaml"
    pictograms, icon_problems = load_pictograms(pictograms_path, library)
    problems.extend(Problem(pictograms_path, 1, message) for message in icon_problems)
    return replace(library, pictograms=pictograms), problems


def _cross_references(content_dir: Path, library: Library) -> list[Problem]:
    """Problems that only show across files: missing translations, broken links, unknown places."""
    problems = []
    structure = content_dir / "structure.yaml"
    known = set(library.topic_ids)
    for topic_id in library.topic_ids:
        for lang in LANGUAGES:
            if (lang, topic_id) not in library.topics:
                path = content_dir / lang / f"{topic_id}.yaml"
                problems.append(Problem(path, 1, f"topic '{topic_id}' is missing in '{lang}'"))
    for (lang, topic_id), topic in library.topics.items():
        path = content_dir / lang / f"{topic_id}.yaml"
        if topic_id not in known:
            problems.append(Problem(path, 1, f"topic '{topic_id}' is not in structure.yaml"))
        for related in topic.related:
            if related not in known:
                problems.append(Problem(path, 1, f"related topic '{related}' does not exist"))
        if lang == REFERENCE_LANGUAGE and not topic.sources:
            problems.append(Problem(path, 1, "no sources: every Swedish topic needs at least one"))
    for alias, target in library.aliases.items():
        if target not in known:
            problems.append(Problem(structure, 1, f"alias '{alias}' points at unknown '{target}'"))
    municipality_ids = {m.id for m in library.municipalities}
    for place in library.places:
        if place.municipality not in municipality_ids:
            path = content_dir / "places" / f"{place.id}.yaml"
            problems.append(Problem(path, 1, f"unknown municipality '{place.municipality}'"))
    for topic_id in library.local_topics:
        if topic_id not in known:
            problems.append(Problem(structure, 1, f"local topic '{topic_id}' is not a topic"))
    return problems
