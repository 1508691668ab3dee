"""The layout is the architecture: an update goes python-telegram-bot plumbing -> handlers ->
Telegram-free ui -> domain packages, never back up, and nothing development-only ships in bot/."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.config import REPO_ROOT

PACKAGE = REPO_ROOT / "bot"

#: Layers, highest first. A module may import its own layer or lower ones, never higher ones.
#: Wiring (app, cli, services, reload) sees everything; plumbing sits beside handlers.
LAYERS: dict[str, int] = {
    "app": 5,
    "cli": 5,
    "__main__": 5,
    "handlers": 3,
    "plumbing": 3,
    # Token buckets per user key, Telegram-free: the services hold them, the flood gate in
    # plumbing reads them.
    "plumbing.flood": 0,
    "services": 2,
    "reload": 2,
    # The checker validates content as the bot will show it (rendered lengths), so it sits above
    # the screens it measures; nothing in the bot imports it but wiring and /reload.
    "content.checker": 2,
    "ui": 1,
}
DOMAIN = 0  # content, search, feedback, exports, links, privacy, storage, config, i18n...
MAX_LINES = 500
#: Modules still over the limit, each to be split by the issue that next changes it. Shrinks only.
STILL_TO_SPLIT: frozenset[str] = frozenset()


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every bot.* module this file imports, at any depth of the file (lazy imports count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def _layer(module: str) -> int:
    parts = module.split(".")[1:]
    if not parts:
        return LAYERS["app"]
    return LAYERS.get(".".join(parts[:2]), LAYERS.get(parts[0], DOMAIN))


def test_bot_imports_no_development_tooling() -> None:
    offenders = {
        _module_name(path): sorted(m for m in _imports(path) if m.split(".")[0] == "devtools")
        for path in PACKAGE.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_upward_import() -> None:
    upward = [
        f"{module} -> {target}"
        for module, targets in _graph().items()
        for target in targets
        if _layer(target) > _layer(module)
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    graph = _graph()
    # Packages import their own modules from __init__; a module importing its package's __init__
    # is not a cycle of code, so only module-to-module edges count.
    edges = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_ui_and_domain_code_do_not_know_telegram() -> None:
    telegram_users = [
        _module_name(path)
        for path in PACKAGE.rglob("*.py")
        if _layer(_module_name(path)) <= LAYERS["ui"]
        and any(m.split(".")[0] == "telegram" for m in _imports(path))
    ]
    assert telegram_users == []


def test_no_module_is_over_the_size_a_reader_takes_in() -> None:
    long_modules = {
        _module_name(path): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert set(long_modules) <= STILL_TO_SPLIT, long_modules
