"""Strict YAML reading: every value keeps its line, every problem names its file and line.

YAML is parsed with PyYAML's SafeLoader, but node by node, so that every error can name the file
and line. The schema is strict: unknown keys, wrong types and YAML 1.1 surprises (`no` read as a
boolean, `012` as octal) are errors, because a silently misread fact can mislead a resident.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml


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
class Node:
    """A parsed YAML value with the line it started on."""

    value: Any
    line: int


@dataclass
class Reader:
    """Validates one file's node tree and records problems instead of raising."""

    path: Path
    problems: list[Problem] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def mapping(
        self,
        node: Node,
        where: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        *,
        any_keys: bool = False,
    ) -> dict[str, Node] | None:
        if not isinstance(node.value, dict):
            self.error(node.line, f"{where}: expected a mapping, got {kind(node.value)}")
            return None
        fields = cast(dict[str, Node], node.value)
        for key, child in fields.items():
            if not any_keys and key not in required and key not in optional:
                allowed = ", ".join((*required, *optional))
                self.error(child.line, f"{where}: unknown key '{key}' (allowed: {allowed})")
        for key in required:
            if key not in fields:
                self.error(node.line, f"{where}: missing required key '{key}'")
        return fields

    def text(self, node: Node | None, where: str, *, max_len: int | None = None) -> str | None:
        if node is None:
            return None
        if not isinstance(node.value, str):
            hint = ""
            if isinstance(node.value, bool | int | float):
                hint = " (YAML read this as a boolean or number: put it in quotes)"
            self.error(node.line, f"{where}: expected text, got {kind(node.value)}{hint}")
            return None
        value = node.value.strip()
        if not value:
            self.error(node.line, f"{where}: must not be empty")
            return None
        if max_len is not None and len(value) > max_len:
            self.error(node.line, f"{where}: {len(value)} characters, at most {max_len}")
        return value

    def texts(self, node: Node | None, where: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node.value, list):
            self.error(node.line, f"{where}: expected a list, got {kind(node.value)}")
            return ()
        items = (self.text(item, f"{where}[{i}]") for i, item in enumerate(node.value))
        return tuple(item for item in items if item is not None)

    def items(self, node: Node | None, where: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node.value, list):
            self.error(node.line, f"{where}: expected a list, got {kind(node.value)}")
            return []
        return cast(list[Node], node.value)

    def https_url(self, node: Node | None, where: str) -> str | None:
        url = self.text(node, where)
        if url is not None and node is not None and not url.startswith("https://"):
            self.error(node.line, f"{where}: must be an https:// URL, got '{url}'")
            return None
        return url

    def date(self, node: Node | None, where: str) -> dt.date | None:
        if node is None:
            return None
        if isinstance(node.value, dt.datetime) or not isinstance(node.value, dt.date):
            self.error(node.line, f"{where}: expected a date YYYY-MM-DD, got {kind(node.value)}")
            return None
        return node.value


def kind(value: Any) -> str:
    if isinstance(value, Node):
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


def parse_yaml(path: Path, problems: list[Problem]) -> Node | None:
    """Parse one YAML file into Node trees, using SafeLoader's own scalar resolution."""
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


def _convert(node: yaml.Node, loader: yaml.SafeLoader, path: Path, problems: list[Problem]) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Node] = {}
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
        return Node(result, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(child, loader, path, problems) for child in node.value], line)
    return Node(loader.construct_object(node, deep=True), line)
