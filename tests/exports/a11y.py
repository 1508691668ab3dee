"""A small axe-like accessibility check of an HTML document, for the staff report's tests.

Checks: `<html lang>`; one `<h1>` first and no skipped heading level; every `<img>` has alt
text and every `<svg>` is either `role="img"` with an `aria-label` or `aria-hidden`; every table
has header cells (`<th>` with a scope) and a caption; every colour in inline `fill`/`color`
styles is checked elsewhere with `contrast`.
"""

from __future__ import annotations

import itertools
from html.parser import HTMLParser


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.lang: str | None = None
        self.headings: list[int] = []
        self.tables: list[dict[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        elif len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        elif tag == "img" and not attributes.get("alt"):
            self.problems.append("img without alt text")
        elif tag == "svg":
            named = attributes.get("role") == "img" and attributes.get("aria-label")
            if not named and attributes.get("aria-hidden") != "true":
                self.problems.append("svg without role=img and aria-label")
        elif tag == "table":
            self.tables.append({"th": 0, "scoped": 0, "caption": 0})
        elif tag == "th" and self.tables:
            self.tables[-1]["th"] += 1
            if attributes.get("scope") in {"col", "row"}:
                self.tables[-1]["scoped"] += 1
        elif tag == "caption" and self.tables:
            self.tables[-1]["caption"] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def audit(document: str, *, lang: str) -> list[str]:
    checker = _Audit()
    checker.feed(document)
    checker.close()
    problems = list(checker.problems)
    if checker.lang != lang:
        problems.append(f"html lang is {checker.lang!r}, not {lang!r}")
    levels = checker.headings
    if not levels or levels[0] != 1 or levels.count(1) != 1:
        problems.append("first heading must be the only h1")
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            problems.append(f"h{after} after h{before}: a heading level is skipped")
    for i, table in enumerate(checker.tables):
        if not table["th"] or table["scoped"] != table["th"] or not table["caption"]:
            problems.append(f"table {i + 1} lacks scoped header cells or a caption")
    return problems


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
