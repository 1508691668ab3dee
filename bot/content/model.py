"""Typed, immutable content objects. Loaded once at start-up by `bot.content.loader`."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["sv", "rom", "fi"]
LANGUAGES: tuple[Lang, ...] = ("sv", "rom", "fi")
REFERENCE_LANGUAGE: Lang = "sv"

ReviewStatus = Literal["draft", "reviewed"]
REVIEW_STATUSES: tuple[ReviewStatus, ...] = ("draft", "reviewed")

#: How a source was verified: a person read the live page, someone read a stored copy of it (an
#: archive or search index), or nobody has verified it yet.
VerifiedHow = Literal["page", "stored-copy", "not-verified"]
VERIFIED_HOWS: tuple[VerifiedHow, ...] = ("page", "stored-copy", "not-verified")


@dataclass(frozen=True, slots=True)
class Verification:
    """What was actually done to confirm a source, never more: no date where none is known."""

    how: VerifiedHow
    #: The day the page or copy was read; None when that is not known.
    date: dt.date | None = None
    #: Who or in what role (never a private person's contact details).
    by: str | None = None
    #: The date printed on a stored copy, when the copy shows one.
    copy_date: dt.date | None = None

    @property
    def dated(self) -> bool:
        return self.how != "not-verified" and self.date is not None


NOT_VERIFIED = Verification("not-verified")


@dataclass(frozen=True, slots=True)
class Source:
    url: str
    title: str
    verified: Verification = NOT_VERIFIED


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """A domain expert's or native speaker's review of one text, tied to the text's hash."""

    role: str
    date: dt.date
    #: sha256 of the reviewed reader-visible text (`Topic.content_hash`), "sha256:<hex>".
    content_hash: str
    by: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    phone: str | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    heading: str
    text: str | None = None
    steps: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic in one language, as an editor wrote it."""

    id: str
    lang: Lang
    title: str
    review: ReviewStatus
    summary: str
    next_steps: tuple[str, ...]
    sections: tuple[Block, ...] = ()
    contacts: tuple[Contact, ...] = ()
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    #: True when this language had no file and the Swedish text stands in for it.
    is_fallback: bool = False
    #: The recorded review, if any. `review` is "reviewed" only while its hash still matches.
    review_record: ReviewRecord | None = None

    @property
    def review_outdated(self) -> bool:
        """A review was recorded, but the text changed since: it is a draft again."""
        return self.review_record is not None and self.review != "reviewed"

    def content_hash(self) -> str:
        """A stable hash of everything a reader sees, so a review is tied to one version."""
        return content_hash(self.review_texts())

    def review_texts(self) -> Iterator[str]:
        """The texts a reviewer checks, in reading order (contacts' notes included)."""
        yield from self.plain_texts()
        for contact in self.contacts:
            yield contact.name
            if contact.note:
                yield contact.note

    def plain_texts(self) -> Iterator[str]:
        """Every reader-visible text of the topic, for search indexing and readability scores."""
        yield self.title
        yield self.summary
        for block in self.sections:
            yield block.heading
            if block.text:
                yield block.text
            yield from block.steps
            yield from block.bullets
        yield from self.next_steps


@dataclass(frozen=True, slots=True)
class Place:
    """A local place or contact: language-neutral facts once, descriptions per language."""

    id: str
    municipality: str
    kinds: tuple[str, ...]
    name: str
    description: dict[Lang, str]
    sources: tuple[Source, ...]
    review: dict[Lang, ReviewStatus] = field(default_factory=dict)
    address: str | None = None
    opening_hours: str | None = None
    phone: str | None = None
    url: str | None = None
    languages: tuple[str, ...] = ()

    def describe(self, lang: Lang) -> str:
        return self.description.get(lang) or self.description[REFERENCE_LANGUAGE]


@dataclass(frozen=True, slots=True)
class Municipality:
    id: str
    name: str
    #: None when no official source confirms it either way.
    finnish_admin_area: bool | None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    topic_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pictograms:
    """One icon per section and per topic, the same in menus, topic titles and posters, so a
    person who reads little can find a topic again by its picture (content/pictograms.yaml)."""

    sections: dict[str, str] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)

    def section(self, section_id: str) -> str:
        return self.sections.get(section_id, "")

    def topic(self, topic_id: str) -> str:
        return self.topics.get(topic_id, "")

    def label(self, icon: str, text: str) -> str:
        """`text` with its icon in front, or `text` alone when there is none."""
        return f"{icon} {text}" if icon else text


@dataclass(frozen=True, slots=True)
class Library:
    """All content, indexed for constant-time lookups by the handlers."""

    sections: tuple[Section, ...]
    topics: dict[tuple[Lang, str], Topic]
    aliases: dict[str, str]
    local_topics: dict[str, tuple[str, ...]]
    places: tuple[Place, ...]
    municipalities: tuple[Municipality, ...]
    pictograms: Pictograms = field(default_factory=Pictograms)

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(tid for section in self.sections for tid in section.topic_ids)

    def resolve_id(self, topic_id: str) -> str | None:
        topic_id = self.aliases.get(topic_id, topic_id)
        return topic_id if (REFERENCE_LANGUAGE, topic_id) in self.topics else None

    def topic(self, lang: Lang, topic_id: str) -> Topic:
        """The topic in `lang`, or the Swedish text marked as a fallback. KeyError if unknown."""
        found = self.topics.get((lang, topic_id))
        if found is not None:
            return found
        swedish = self.topics[(REFERENCE_LANGUAGE, topic_id)]
        return _as_fallback(swedish)

    def section_of(self, topic_id: str) -> Section:
        for section in self.sections:
            if topic_id in section.topic_ids:
                return section
        raise KeyError(topic_id)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def places_for(self, topic_id: str, municipality: str | None) -> tuple[Place, ...]:
        kinds = self.local_topics.get(topic_id, ())
        return tuple(
            place
            for place in self.places
            if set(place.kinds) & set(kinds)
            and (municipality is None or place.municipality == municipality)
        )

    def municipality(self, municipality_id: str) -> Municipality | None:
        return next((m for m in self.municipalities if m.id == municipality_id), None)


def content_hash(texts: Iterable[str]) -> str:
    """sha256 over the texts with whitespace normalised: re-wrapping a line is not a change."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(" ".join(text.split()).encode("utf-8"))
        digest.update(b"\x1f")
    return "sha256:" + digest.hexdigest()


def _as_fallback(topic: Topic) -> Topic:
    from dataclasses import replace

    return replace(topic, is_fallback=True)
