"""Shared fixtures: the real content and catalogs, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.content import Library, load_library
from bot.content.model import Lang
from bot.i18n import Translator, load_translators

CONTENT_DIR = REPO_ROOT / "content"
LOCALE_DIR = REPO_ROOT / "locale"


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(CONTENT_DIR)


@pytest.fixture(scope="session")
def translators() -> dict[Lang, Translator]:
    return load_translators(LOCALE_DIR)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content, for tests that break it on purpose."""
    import shutil

    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target
