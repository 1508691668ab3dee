"""Load content YAML once into typed objects, rejecting anything the schema does not allow.

YAML is parsed with PyYAML's SafeLoader, but node by node, so that every error can name the file
and line. The schema is strict: unknown keys, wrong types and YAML 1.1 surprises (`no` read as a
boolean, `012` as octal) are errors, because a silently misread fact can mislead a resident.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, cast

import yaml

from bot.content.model import (
    LANGUAGES,
    REFERENCE_LANGUAGE,
    REVIEW_STATUSES,
    VERIFIED_HOWS,
    Block,
    Contact,
    Lang,
    Library,
    Municipality,
    Place,
    ReviewRecord,
    ReviewStatus,
    Section,
    Source,
    Topic,
    Verification,
)
from bot.content.pictograms import load_pictograms

TITLE_MAX = 60
SECTION_IDS = ("rights", "school", "social", "places")


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


class ContentError(Exception):
    """Content did not validate; `problems` holds every error found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} content error(s):\n{lines}{more}")


@dataclass
class _Node:
    """A parsed YAML value with the line it started on."""

    value: Any
    line: int


@dataclass
class _Reader:
    """Validates one file's node tree and records problems instead of raising."""

    path: Path
    problems: list[Problem] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def mapping(
        self,
        node: _Node,
        where: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        *,
        any_keys: bool = False,
    ) -> dict[str, _Node] | None:
        if not isinstance(node.value, dict):
            self.error(node.line, f"{where}: expected a mapping, got {_kind(node.value)}")
            return None
        fields = cast(dict[str, _Node], node.value)
        for key, child in fields.items():
            if not any_keys and key not in required and key not in optional:
                allowed = ", ".join((*required, *optional))
                self.error(child.line, f"{where}: unknown key '{key}' (allowed: {allowed})")
        for key in required:
            if key not in fields:
                self.error(node.line, f"{where}: missing required key '{key}'")
        return fields

    def text(self, node: _Node | None, where: str, *, max_len: int | None = None) -> str | None:
        if node is None:
            return None
        if not isinstance(node.value, str):
            hint = ""
            if isinstance(node.value, bool | int | float):
                hint = " (YAML read this as a boolean or number: put it in quotes)"
            self.error(node.line, f"{where}: expected text, got {_kind(node.value)}{hint}")
            return None
        value = node.value.strip()
        if not value:
            self.error(node.line, f"{where}: must not be empty")
            return None
        if max_len is not None and len(value) > max_len:
            self.error(node.line, f"{where}: {len(value)} characters, at most {max_len}")
        return value

    def texts(self, node: _Node | None, where: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node.value, list):
            self.error(node.line, f"{where}: expected a list, got {_kind(node.value)}")
            return ()
        items = (self.text(item, f"{where}[{i}]") for i, item in enumerate(node.value))
        return tuple(item for item in items if item is not None)

    def items(self, node: _Node | None, where: str) -> list[_Node]:
        if node is None:
            return []
        if not isinstance(node.value, list):
            self.error(node.line, f"{where}: expected a list, got {_kind(node.value)}")
            return []
        return cast(list[_Node], node.value)

    def https_url(self, node: _Node | None, where: str) -> str | None:
        url = self.text(node, where)
        if url is not None and node is not None and not url.startswith("https://"):
            self.error(node.line, f"{where}: must be an https:// URL, got '{url}'")
            return None
        return url

    def date(self, node: _Node | None, where: str) -> dt.date | None:
        if node is None:
            return None
        if isinstance(node.value, dt.datetime) or not isinstance(node.value, dt.date):
            self.error(node.line, f"{where}: expected a date YYYY-MM-DD, got {_kind(node.value)}")
            return None
        return node.value

    def sources(self, node: _Node | None, where: str) -> tuple[Source, ...]:
        found = []
        for i, item in enumerate(self.items(node, where)):
            label = f"{where}[{i}]"
            if isinstance(item.value, dict) and "checked" in item.value:
                self.error(
                    item.value["checked"].line,
                    f"{label}: 'checked' is replaced by 'verified: {{date, how, by}}' "
                    "(record what was actually done; see content/README.md)",
                )
                continue
            fields = self.mapping(item, label, ("url", "title", "verified"))
            if fields is None:
                continue
            url = self.https_url(fields.get("url"), f"{label}.url")
            title = self.text(fields.get("title"), f"{label}.title")
            verified = self.verification(fields.get("verified"), f"{label}.verified")
            if url and title and verified:
                found.append(Source(url=url, title=title, verified=verified))
        return tuple(found)

    def verification(self, node: _Node | None, where: str) -> Verification | None:
        if node is None:
            return None
        fields = self.mapping(node, where, ("how",), ("date", "by", "copy_date"))
        if fields is None:
            return None
        how = self.text(fields.get("how"), f"{where}.how")
        if how is not None and how not in VERIFIED_HOWS:
            self.error(
                fields["how"].line,
                f"{where}.how: '{how}' is not one of " + ", ".join(VERIFIED_HOWS),
            )
            return None
        date = self.date(fields.get("date"), f"{where}.date")
        copy_date = self.date(fields.get("copy_date"), f"{where}.copy_date")
        by = self.text(fields.get("by"), f"{where}.by")
        if how is None:
            return None
        if how == "not-verified" and (date or copy_date or by):
            self.error(node.line, f"{where}: a source that was not verified has no date or 'by'")
            return None
        if how == "page" and date is None:
            self.error(node.line, f"{where}: 'how: page' needs the date the page was read")
            return None
        if date is not None and date > dt.date.today():
            self.error(fields["date"].line, f"{where}.date: {date} is in the future")
            return None
        return Verification(how, date, by, copy_date)

    def review(self, node: _Node | None, where: str) -> ReviewStatus | None:
        value = self.text(node, where)
        if value is None:
            return None
        if value not in REVIEW_STATUSES:
            assert node is not None
            self.error(node.line, f"{where}: '{value}' is not one of {', '.join(REVIEW_STATUSES)}")
            return None
        return value

    def topic_review(self, node: _Node | None) -> tuple[ReviewStatus | None, ReviewRecord | None]:
        """`review: draft`, or a mapping recording who reviewed which version (by its hash)."""
        if node is None or not isinstance(node.value, dict):
            return self.review(node, "review"), None
        fields = self.mapping(node, "review", ("status",), ("role", "date", "hash", "by"))
        if fields is None:
            return None, None
        status = self.review(fields.get("status"), "review.status")
        if status != "reviewed":
            return status, None
        missing = [key for key in ("role", "date", "hash") if key not in fields]
        if missing:
            self.error(node.line, "review: a review records " + ", ".join(missing))
            return None, None
        role = self.text(fields.get("role"), "review.role")
        date = self.date(fields.get("date"), "review.date")
        digest = self.text(fields.get("hash"), "review.hash")
        if digest is not None and not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
            self.error(fields["hash"].line, "review.hash: expected sha256:<64 hex digits>")
            return None, None
        if role is None or date is None or digest is None:
            return None, None
        return status, ReviewRecord(role, date, digest, self.text(fields.get("by"), "review.by"))


def _kind(value: Any) -> str:
    if isinstance(value, _Node):
        value = value.value
    names = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
    }
    if value is None:
        return "nothing"
    return names.get(type(value), type(value).__name__)


def _parse(path: Path, problems: list[Problem]) -> _Node | None:
    """Parse one YAML file into _Node trees, using SafeLoader's own scalar resolution."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, 1, f"cannot read file: {exc}"))
        return None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            problems.append(Problem(path, 1, "file is empty"))
            return None
        return _convert(root, loader, path, problems)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problems.append(Problem(path, line, f"invalid YAML: {exc}"))
        return None
    finally:
        loader.dispose()


def _convert(
    node: yaml.Node, loader: yaml.SafeLoader, path: Path, problems: list[Problem]
) -> _Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, _Node] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                problems.append(Problem(path, line, f"key {key!r} must be text: put it in quotes"))
                continue
            if key in result:
                problems.append(
                    Problem(path, key_node.start_mark.line + 1, f"duplicate key '{key}'")
                )
            result[key] = _convert(value_node, loader, path, problems)
        return _Node(result, line)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_convert(child, loader, path, problems) for child in node.value], line)
    return _Node(loader.construct_object(node, deep=True), line)


# --- files -------------------------------------------------------------------------------------

TOPIC_REQUIRED = ("id", "title", "review", "summary", "next_steps")
TOPIC_OPTIONAL = ("sections", "contacts", "keywords", "related", "sources")


def _topic(path: Path, lang: Lang, root: _Node, reader: _Reader) -> Topic | None:
    fields = reader.mapping(root, "topic", TOPIC_REQUIRED, TOPIC_OPTIONAL)
    if fields is None:
        return None
    topic_id = reader.text(fields.get("id"), "id")
    if topic_id is not None and topic_id != path.stem:
        reader.error(fields["id"].line, f"id '{topic_id}' does not match file name '{path.stem}'")
    title = reader.text(fields.get("title"), "title", max_len=TITLE_MAX)
    review, review_record = reader.topic_review(fields.get("review"))
    summary = reader.text(fields.get("summary"), "summary")
    next_steps = reader.texts(fields.get("next_steps"), "next_steps")
    if "next_steps" in fields and not next_steps:
        reader.error(fields["next_steps"].line, "next_steps: give at least one step")

    blocks = []
    for i, item in enumerate(reader.items(fields.get("sections"), "sections")):
        where = f"sections[{i}]"
        block = reader.mapping(item, where, ("heading",), ("text", "steps", "bullets"))
        if block is None:
            continue
        heading = reader.text(block.get("heading"), f"{where}.heading")
        if heading is not None:
            blocks.append(
                Block(
                    heading=heading,
                    text=reader.text(block.get("text"), f"{where}.text"),
                    steps=reader.texts(block.get("steps"), f"{where}.steps"),
                    bullets=reader.texts(block.get("bullets"), f"{where}.bullets"),
                )
            )

    contacts = []
    for i, item in enumerate(reader.items(fields.get("contacts"), "contacts")):
        where = f"contacts[{i}]"
        contact = reader.mapping(item, where, ("name",), ("phone", "url", "note"))
        if contact is None:
            continue
        name = reader.text(contact.get("name"), f"{where}.name")
        if name is not None:
            contacts.append(
                Contact(
                    name=name,
                    phone=reader.text(contact.get("phone"), f"{where}.phone"),
                    url=reader.https_url(contact.get("url"), f"{where}.url"),
                    note=reader.text(contact.get("note"), f"{where}.note"),
                )
            )

    if topic_id is None or title is None or review is None or summary is None or not next_steps:
        return None
    topic = Topic(
        id=topic_id,
        lang=lang,
        title=title,
        review=review,
        summary=summary,
        next_steps=next_steps,
        sections=tuple(blocks),
        contacts=tuple(contacts),
        keywords=reader.texts(fields.get("keywords"), "keywords"),
        related=reader.texts(fields.get("related"), "related"),
        sources=reader.sources(fields.get("sources"), "sources"),
        review_record=review_record,
    )
    if review_record is not None and review_record.content_hash != topic.content_hash():
        # Changed after its review: a draft again until someone reviews this version.
        topic = replace(topic, review="draft")
    return topic


def _place(path: Path, root: _Node, reader: _Reader) -> Place | None:
    required = ("id", "municipality", "kinds", "name", "description", "sources")
    optional = ("address", "opening_hours", "phone", "url", "languages", "review")
    fields = reader.mapping(root, "place", required, optional)
    if fields is None:
        return None
    place_id = reader.text(fields.get("id"), "id")
    if place_id is not None and place_id != path.stem:
        reader.error(fields["id"].line, f"id '{place_id}' does not match file name '{path.stem}'")
    descriptions: dict[Lang, str] = {}
    desc_node = fields.get("description")
    if desc_node is not None:
        desc = reader.mapping(desc_node, "description", (REFERENCE_LANGUAGE,), LANGUAGES)
        for lang in LANGUAGES:
            text = reader.text((desc or {}).get(lang), f"description.{lang}")
            if text is not None:
                descriptions[lang] = text
    reviews: dict[Lang, ReviewStatus] = {}
    review_node = fields.get("review")
    if review_node is not None:
        review_map = reader.mapping(review_node, "review", (), LANGUAGES) or {}
        for lang in LANGUAGES:
            status = reader.review(review_map.get(lang), f"review.{lang}")
            if status is not None:
                reviews[lang] = status
    sources = reader.sources(fields.get("sources"), "sources")
    if "sources" in fields and not sources:
        reader.error(
            fields["sources"].line, "sources: a place without an official source cannot ship"
        )
    municipality = reader.text(fields.get("municipality"), "municipality")
    name = reader.text(fields.get("name"), "name")
    kinds = reader.texts(fields.get("kinds"), "kinds")
    if place_id is None or municipality is None or name is None or not kinds or not sources:
        return None
    if REFERENCE_LANGUAGE not in descriptions:
        return None
    return Place(
        id=place_id,
        municipality=municipality,
        kinds=kinds,
        name=name,
        description=descriptions,
        sources=sources,
        review=reviews,
        address=reader.text(fields.get("address"), "address"),
        opening_hours=reader.text(fields.get("opening_hours"), "opening_hours"),
        phone=reader.text(fields.get("phone"), "phone"),
        url=reader.https_url(fields.get("url"), "url"),
        languages=reader.texts(fields.get("languages"), "languages"),
    )


def _municipalities(root: _Node, reader: _Reader) -> list[Municipality]:
    top = reader.mapping(root, "municipalities.yaml", ("municipalities",))
    found = []
    for i, item in enumerate(reader.items((top or {}).get("municipalities"), "municipalities")):
        where = f"municipalities[{i}]"
        fields = reader.mapping(item, where, ("id", "name", "finnish_admin_area"), ("sources",))
        if fields is None:
            continue
        admin = fields.get("finnish_admin_area")
        if admin is not None and admin.value is not None and not isinstance(admin.value, bool):
            reader.error(admin.line, f"{where}.finnish_admin_area: expected true, false or null")
        sources = reader.sources(fields.get("sources"), f"{where}.sources")
        if admin is not None and admin.value is True and not sources:
            reader.error(admin.line, f"{where}: finnish_admin_area true needs a source")
        municipality_id = reader.text(fields.get("id"), f"{where}.id")
        name = reader.text(fields.get("name"), f"{where}.name")
        if municipality_id and name:
            admin_value = (
                admin.value if admin is not None and isinstance(admin.value, bool) else None
            )
            found.append(Municipality(municipality_id, name, admin_value, sources))
    return found


def _structure(
    root: _Node, reader: _Reader
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


def _read(path: Path, problems: list[Problem], build: Callable[[_Node, _Reader], Any]) -> Any:
    root = _parse(path, problems)
    if root is None:
        return None
    reader = _Reader(path)
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
            topic = _read(path, problems, partial(_topic, path, lang))
            if topic is not None:
                topics[(lang, topic.id)] = topic

    places = []
    for path in sorted((content_dir / "places").glob("*.yaml")):
        place = _read(path, problems, partial(_place, path))
        if place is not None:
            places.append(place)

    municipalities: list[Municipality] = []
    municipalities_path = content_dir / "municipalities.yaml"
    if municipalities_path.exists():
        municipalities = _read(municipalities_path, problems, _municipalities) or []

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
