"""The start-up cache of the library and search index: used only for the same content and code,
rebuilt on any change or damage."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import prebuilt
from bot.content import Library
from bot.search.engine import SearchEngine


class Builds:
    """Counts the search builds: a cache hit builds nothing. Hands out the session's engine (the
    real one, built once) instead of building another: what is cached is what it returned."""

    def __init__(self, engine: SearchEngine) -> None:
        self.engine = engine
        self.count = 0

    def __call__(self, library: Library) -> SearchEngine:
        self.count += 1
        return self.engine


def _retitle(content: Path, title: str) -> None:
    path = content / "sv" / "housing.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[index] = f"title: {title}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_second_start_loads_what_the_first_built(
    content_copy: Path, tmp_path: Path, search_engine: SearchEngine
) -> None:
    cache = tmp_path / "cache"
    builds = Builds(search_engine)
    library, search = prebuilt.library_and_search(content_copy, cache, builds)
    assert builds.count == 1
    [written] = list(cache.iterdir())
    assert written.name.startswith(prebuilt.PREFIX)
    again, search_again = prebuilt.library_and_search(content_copy, cache, builds)
    assert builds.count == 1  # nothing built
    assert again.topic_ids == library.topic_ids
    assert again.topic("sv", "housing") == library.topic("sv", "housing")
    for question in ("hyra bostad", "asunto vuokra", "skola modersmål"):
        assert search_again.search(question) == search.search(question)


def test_changed_content_is_built_again_and_the_old_cache_removed(
    content_copy: Path, tmp_path: Path, search_engine: SearchEngine
) -> None:
    cache = tmp_path / "cache"
    builds = Builds(search_engine)
    prebuilt.library_and_search(content_copy, cache, builds)
    [first] = list(cache.iterdir())
    _retitle(content_copy, "Bostad (ändrad)")
    library, _ = prebuilt.library_and_search(content_copy, cache, builds)
    assert builds.count == 2
    assert library.topic("sv", "housing").title == "Bostad (ändrad)"
    [second] = list(cache.iterdir())
    assert second != first


def test_the_key_covers_the_content_and_the_code(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = prebuilt.content_key(content_copy)
    assert prebuilt.content_key(content_copy) == key
    (content_copy / "sv" / "new-file.txt").write_text("x", encoding="utf-8")
    assert prebuilt.content_key(content_copy) != key
    code = tmp_path / "code"
    code.mkdir()
    (code / "module.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(prebuilt, "PACKAGE", code)
    before = prebuilt.content_key(content_copy)
    (code / "module.py").write_text("A = 2\n", encoding="utf-8")
    assert prebuilt.content_key(content_copy) != before


def test_a_damaged_cache_is_rebuilt(
    content_copy: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    search_engine: SearchEngine,
) -> None:
    cache = tmp_path / "cache"
    builds = Builds(search_engine)
    prebuilt.library_and_search(content_copy, cache, builds)
    [written] = list(cache.iterdir())
    written.write_bytes(written.read_bytes()[:1000])  # cut short, as by a full disk
    with caplog.at_level(logging.WARNING):
        library, _ = prebuilt.library_and_search(content_copy, cache, builds)
    assert builds.count == 2 and "housing" in library.topic_ids
    assert "content cache unreadable" in caplog.text
    # Rewritten whole: the next start is served from it again.
    prebuilt.library_and_search(content_copy, cache, builds)
    assert builds.count == 2


def test_an_unwritable_cache_only_costs_speed(
    content_copy: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    search_engine: SearchEngine,
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("", encoding="utf-8")
    builds = Builds(search_engine)
    with caplog.at_level(logging.WARNING):
        library, _ = prebuilt.library_and_search(content_copy, blocked / "cache", builds)
    assert "housing" in library.topic_ids
    assert "content cache not written" in caplog.text
