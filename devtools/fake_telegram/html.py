"""Telegram's HTML parse mode, as strictly as the real server: text and entities, or the error.

Also `utf16_len`, because Telegram counts every limit and offset in UTF-16 code units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

JSONDict = dict[str, Any]


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units, the unit Telegram counts limits and offsets in."""
    return len(text.encode("utf-16-le")) // 2


# ---------------------------------------------------------------------------------------------
# Public data types


class ParsedText(NamedTuple):
    text: str
    entities: list[JSONDict]


class EntityParseError(ValueError):
    """The HTML is not accepted by Telegram; the message follows Telegram's wording."""


# ---------------------------------------------------------------------------------------------
# HTML parse mode

_HTML_SPECIAL = re.compile(r"[<>&]")
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_:.-]*")
_UNQUOTED_VALUE = re.compile(r"[^\s>]*")
_HTML_ENTITY = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9A-Fa-f]{1,8})|([A-Za-z][A-Za-z0-9]*));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_ATTRS: dict[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "span": frozenset({"class"}),
    "code": frozenset({"class"}),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
_NO_ATTRS: frozenset[str] = frozenset()


@dataclass(slots=True)
class _OpenTag:
    name: str
    start: int
    byte_offset: int
    attrs: dict[str, str]
    language: str | None = None


def parse_html(html: str) -> ParsedText:
    """Parse Telegram's HTML parse mode strictly; return the visible text and its entities.

    Entity offsets and lengths are in UTF-16 code units, like Telegram's.  Anything Telegram
    would reject (and stray ``<``, ``>`` or ``&``, unknown tags or attributes, overlapping or
    unclosed tags) raises `EntityParseError`.
    """
    out: list[str] = []
    pos = 0  # UTF-16 length of "".join(out)
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []
    n = len(html)
    i = 0

    def byte_at(index: int) -> int:
        return len(html[:index].encode("utf-8"))

    def decode_entity(index: int) -> tuple[str, int]:
        m = _HTML_ENTITY.match(html, index)
        if m is None:
            raise EntityParseError(
                f'Character "&" must be escaped as "&amp;" at byte offset {byte_at(index)}'
            )
        decimal, hexadecimal, name = m.groups()
        if name is not None:
            char = _NAMED_ENTITIES.get(name)
            if char is None:
                raise EntityParseError(
                    f'Unsupported HTML entity "&{name};" at byte offset {byte_at(index)}'
                )
            return char, m.end()
        code = int(decimal) if decimal is not None else int(hexadecimal, 16)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise EntityParseError(f"Invalid HTML entity at byte offset {byte_at(index)}")
        return chr(code), m.end()

    def decode_attr(value: str, base: int) -> str:
        if "&" not in value:
            return value
        parts: list[str] = []
        k = 0
        while k < len(value):
            amp = value.find("&", k)
            if amp < 0:
                parts.append(value[k:])
                break
            parts.append(value[k:amp])
            # Decode against the whole document so that offsets in errors are right.
            char, end = decode_entity(base + amp)
            parts.append(char)
            k = end - base
        return "".join(parts)

    while i < n:
        m_special = _HTML_SPECIAL.search(html, i)
        if m_special is None:
            chunk = html[i:]
            out.append(chunk)
            pos += utf16_len(chunk)
            break
        j = m_special.start()
        if j > i:
            chunk = html[i:j]
            out.append(chunk)
            pos += utf16_len(chunk)
        char = html[j]
        if char == "&":
            decoded, i = decode_entity(j)
            out.append(decoded)
            pos += utf16_len(decoded)
            continue
        if char == ">":
            raise EntityParseError(
                f'Character ">" must be escaped as "&gt;" at byte offset {byte_at(j)}'
            )
        # char == "<"
        if html.startswith("</", j):
            end = html.find(">", j)
            if end < 0:
                raise EntityParseError(f"Unclosed end tag at byte offset {byte_at(j)}")
            name = html[j + 2 : end].strip().lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {byte_at(j)}")
            top = stack[-1]
            if name != top.name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {byte_at(j)}, expected "</{top.name}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
            _close_tag(top, stack, pos, entities)
            i = end + 1
            continue
        m_name = _TAG_NAME.match(html, j + 1)
        if m_name is None:
            raise EntityParseError(
                f'Unsupported start tag "" at byte offset {byte_at(j)} '
                '(a "<" that is not part of a tag must be escaped as "&lt;")'
            )
        name = m_name.group().lower()
        if name not in _TAG_ENTITY:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {byte_at(j)}')
        attrs: dict[str, str] = {}
        k = m_name.end()
        while True:
            k = _skip_space(html, k)
            if k >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_at(j)}")
            if html[k] == ">":
                k += 1
                break
            m_attr = _ATTR_NAME.match(html, k)
            if m_attr is None:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {byte_at(j)}'
                )
            attr = m_attr.group().lower()
            k = _skip_space(html, m_attr.end())
            value = ""
            if k < n and html[k] == "=":
                k = _skip_space(html, k + 1)
                if k < n and html[k] in "\"'":
                    close = html.find(html[k], k + 1)
                    if close < 0:
                        raise EntityParseError(f"Unclosed start tag at byte offset {byte_at(j)}")
                    value = decode_attr(html[k + 1 : close], k + 1)
                    k = close + 1
                else:
                    m_value = _UNQUOTED_VALUE.match(html, k)
                    assert m_value is not None
                    value = decode_attr(m_value.group(), k)
                    k = m_value.end()
            if attr not in _TAG_ATTRS.get(name, _NO_ATTRS):
                raise EntityParseError(
                    f'Unsupported attribute "{attr}" in the tag "{name}" at byte offset '
                    f"{byte_at(j)}"
                )
            attrs[attr] = value
        _check_start_tag(name, attrs, stack, byte_at(j))
        stack.append(_OpenTag(name, pos, byte_at(j), attrs))
        i = k
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _check_start_tag(name: str, attrs: dict[str, str], stack: list[_OpenTag], offset: int) -> None:
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    if name == "a" and not attrs.get("href", "").strip():
        raise EntityParseError(f'Tag "a" must have a non-empty "href" at byte offset {offset}')
    if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        raise EntityParseError(f'Tag "tg-emoji" must have an "emoji-id" at byte offset {offset}')
    if (
        name == "code"
        and "class" in attrs
        and (not attrs["class"].startswith("language-") or not (stack and stack[-1].name == "pre"))
    ):
        raise EntityParseError(
            f'Tag "code" may have class "language-..." only directly inside "pre" '
            f"at byte offset {offset}"
        )
    for parent in stack:
        if parent.name in ("code", "pre") and not (
            name == "code" and parent.name == "pre" and parent is stack[-1]
        ):
            raise EntityParseError(
                f'Tag "{name}" can\'t be nested inside tag "{parent.name}" at byte offset {offset}'
            )
        if parent.name == name and name in ("a", "blockquote"):
            raise EntityParseError(
                f'Tag "{name}" can\'t be nested inside tag "{name}" at byte offset {offset}'
            )


def _close_tag(tag: _OpenTag, stack: list[_OpenTag], pos: int, entities: list[JSONDict]) -> None:
    if tag.name == "code" and stack and stack[-1].name == "pre":
        cls = tag.attrs.get("class")
        if cls:
            stack[-1].language = cls.removeprefix("language-")
        return  # <pre><code> is one pre entity
    length = pos - tag.start
    if length <= 0:
        return  # Telegram drops empty entities
    entity: JSONDict = {"type": _TAG_ENTITY[tag.name], "offset": tag.start, "length": length}
    if tag.name == "a":
        entity["url"] = tag.attrs["href"].strip()
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    entities.append(entity)


# ---------------------------------------------------------------------------------------------
# Internals
