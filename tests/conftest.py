"""Shared fixtures: the real content, catalogs and search engine, built once per test session.

They are immutable (a /reload swaps in new objects, it never changes these), so every test and
every end-to-end bot on the real content shares them instead of rebuilding them (~2 s each).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_search
from bot.config import REPO_ROOT, Settings
from bot.content import Library, load_library
from bot.content.model import Lang
from bot.i18n import Translator, load_translators
from bot.search.engine import SearchEngine

CONTENT_DIR = REPO_ROOT / "content"
LOCALE_DIR = REPO_ROOT / "locale"


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(CONTENT_DIR)


@pytest.fixture(scope="session")
def translators() -> dict[Lang, Translator]:
    return load_translators(LOCALE_DIR)


@pytest.fixture(scope="session")
def search_engine(library: Library) -> SearchEngine:
    return build_search(library, Settings(token="", content_dir=CONTENT_DIR))


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content, for tests that break it on purpose."""
    import shutil

    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target
