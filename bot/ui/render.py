"""Telegram HTML: escaping, length in UTF-16 code units, and splitting under the message limit."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

MESSAGE_LIMIT = 4096
_TAG = re.compile(r"<[^>]+>")


def escape(text: str) -> str:
    """Escape text for Telegram's HTML parse mode (only &lt; &gt; &amp; &quot; are allowed)."""
    return html.escape(text, quote=True).replace("&#x27;", "'")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_len(html_text: str) -> int:
    """Length Telegram counts: after entity parsing, in UTF-16 code units."""
    return utf16_len(html.unescape(_TAG.sub("", html_text)))


def bold(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def italic(text: str) -> str:
    return f"<i>{escape(text)}</i>"


def link(text: str, url: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def pack(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join self-contained HTML blocks with blank lines into as few messages as fit the limit.

    Each block must be balanced HTML on its own, so no cut ever falls inside a tag. A block that
    is too long by itself is cut at line breaks, then spaces, after its tags are removed. A block
    with nothing visible is left out: a message of only tags or spaces is refused by Telegram.
    """
    if limit < 2:
        # One character can take two UTF-16 units: a smaller limit could never be met.
        raise ValueError(f"limit must be at least 2, got {limit}")
    messages: list[str] = []
    current = ""
    for block in blocks:
        if not html.unescape(_TAG.sub("", block)).strip():
            continue
        for piece in _fit(block, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if visible_len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _fit(block: str, limit: int) -> list[str]:
    if visible_len(block) <= limit:
        return [block]
    plain = html.unescape(_TAG.sub("", block))
    pieces: list[str] = []
    current = ""
    for word in re.split(r"(\s+)", plain):
        if utf16_len(word) > limit:  # an unbroken run longer than a message
            pieces.append(current)  # what came before it goes first
            current = ""
        while utf16_len(word) > limit:
            pieces.append(word[: limit // 2])
            word = word[limit // 2 :]
        if utf16_len(current + word) > limit:
            pieces.append(current)
            current = word.lstrip()
        else:
            current += word
    if current.strip():
        pieces.append(current)
    return [escape(piece.strip()) for piece in pieces if piece.strip()]
