"""Link rows: which deep links exist (topic x language, or the menu and the survey), validated,
and the CSV of them for the terminal and spreadsheets. Telegram-free."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.content.model import LANGUAGES, Lang, Library
from bot.links.deeplinks import (
    MAX_PAYLOAD,
    SPECIAL_TARGETS,
    DeepLink,
    build_payload,
    deep_link_url,
    parse_payload,
)

#: Telegram usernames: 5-32 characters, letters, digits and underscores, starting with a letter.
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
_TAG = re.compile(r"[A-Za-z0-9_-]+")


class LinkError(ValueError):
    """A bad username or source tag; the message is one line meant for the operator."""


@dataclass(frozen=True, slots=True)
class LinkRow:
    topic_id: str
    lang: Lang
    title: str
    payload: str
    url: str


def check_username(username: str) -> str:
    """The bot's username without a leading @; LinkError if Telegram would not accept it."""
    name = username.strip().removeprefix("@")
    if not _USERNAME.fullmatch(name):
        raise LinkError(
            f"invalid bot username {username!r}: use 5-32 letters, digits or underscores, "
            "starting with a letter (as shown by BotFather, without t.me/)"
        )
    if not name.lower().endswith("bot"):
        raise LinkError(f"invalid bot username {username!r}: Telegram bot usernames end in 'bot'")
    return name


def link_targets(library: Library) -> tuple[str, ...]:
    """Every topic id, then the main menu and the feedback survey."""
    return (*library.topic_ids, *SPECIAL_TARGETS)


def check_source(
    library: Library, source: str | None, targets: Sequence[str] | None = None
) -> str | None:
    """The source tag if every payload stays valid and within 64 characters; else LinkError."""
    if source is None:
        return None
    if not source or not _TAG.fullmatch(source):
        raise LinkError(
            f"invalid source tag {source!r}: use only letters A-Z a-z, digits, '_' and '-'"
        )
    targets = tuple(targets) if targets is not None else tuple(library.topic_ids)
    longest = max(len(f"{lang}-{tid}") for tid in targets for lang in LANGUAGES)
    room = MAX_PAYLOAD - longest - 1
    too_long = sorted(
        f"{lang}-{tid} ({len(lang) + len(tid) + len(source) + 2})"
        for tid in targets
        for lang in LANGUAGES
        if len(lang) + len(tid) + len(source) + 2 > MAX_PAYLOAD
    )
    if too_long:
        raise LinkError(
            f"source tag {source!r} ({len(source)} characters) makes {len(too_long)} payload(s) "
            f"longer than {MAX_PAYLOAD} characters: {', '.join(too_long)}; "
            f"use at most {room} characters"
        )
    broken = [
        f"{lang}-{tid}"
        for tid in targets
        for lang in LANGUAGES
        if parse_payload(f"{lang}-{tid}_{source}") != DeepLink(lang, tid, source)
    ]
    if broken:
        raise LinkError(
            f"source tag {source!r} does not make valid deep links for: {', '.join(broken)}"
        )
    return source


def link_row(
    library: Library, name: str, target: str, lang: Lang, tag: str | None, title: str
) -> LinkRow:
    link = DeepLink(lang, target, tag)
    return LinkRow(target, lang, title, build_payload(link), deep_link_url(name, link))


def all_links(library: Library, username: str, source: str | None = None) -> list[LinkRow]:
    """One row per topic and language, in menu order; LinkError for a bad username or tag."""
    name = check_username(username)
    tag = check_source(library, source)
    return [
        link_row(library, name, tid, lang, tag, library.topic(lang, tid).title)
        for tid in library.topic_ids
        for lang in LANGUAGES
    ]


def format_table(rows: Sequence[LinkRow]) -> str:
    """A plain-text table for the terminal: topic, language, URL."""
    width = max((len(row.topic_id) for row in rows), default=5)
    lines = [f"{'topic':<{width}}  lang  url"]
    lines += [f"{row.topic_id:<{width}}  {row.lang:<4}  {row.url}" for row in rows]
    return "\n".join(lines)


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas (OWASP): a cell must not start with = + - @ tab or CR."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(rows: Iterable[LinkRow], path: Path) -> Path:
    """UTF-8 with BOM so that Excel shows č, š, ž, å, ä, ö correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["topic_id", "lang", "title", "payload", "url"])
        for row in rows:
            writer.writerow(
                [_cell(row.topic_id), row.lang, _cell(row.title), _cell(row.payload), row.url]
            )
    return path
