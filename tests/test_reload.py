"""Reloading content without a restart: all or nothing, and never a half-applied change."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import create_services
from bot.config import Settings
from bot.content import Library
from bot.content.model import Lang
from bot.handlers.staff_reload import format_result
from bot.i18n import Translator
from bot.reload import ReloadResult, reload_content, reload_content_async
from bot.services import Services
from bot.ui.render import MESSAGE_LIMIT, visible_len


@pytest.fixture
async def services(
    tmp_path: Path, content_copy: Path, translators: dict[Lang, Translator]
) -> AsyncIterator[Services]:
    settings = Settings(token="1:x", data_dir=tmp_path / "data", content_dir=content_copy)
    # The content is this test's own copy (it is changed); the catalogs are the session's.
    services = await create_services(settings, translators=translators)
    try:
        yield services
    finally:
        await services.db.close()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _retitle(content: Path, title: str) -> None:
    path = content / "sv" / "housing.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[index] = f"title: {title}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_valid_change_is_swapped_in(services: Services) -> None:
    before = services.library
    _retitle(services.settings.content_dir, "Bostad och hyra (ny rubrik)")
    result = reload_content(services)
    assert result.ok, result.errors
    assert services.library is not before
    assert services.library.topic("sv", "housing").title == "Bostad och hyra (ny rubrik)"
    assert result.topics == len(before.topic_ids) and result.places == len(before.places)
    assert "content reloaded" in result.summary()


def test_an_invalid_change_is_refused_and_the_running_content_stays(services: Services) -> None:
    before = services.library
    translators_before = services.translators
    title_before = before.topic("sv", "housing").title
    (services.settings.content_dir / "fi" / "housing.yaml").unlink()  # a topic missing in fi
    _retitle(services.settings.content_dir, "Något annat")
    result = reload_content(services)
    assert not result.ok
    assert any("housing" in error and "missing" in error for error in result.errors)
    assert services.library is before and services.translators is translators_before
    assert services.library.topic("sv", "housing").title == title_before
    # Paths are shown relative to the content directory, not as the server's full paths.
    assert not any(str(services.settings.content_dir) in error for error in result.errors)
    assert "refused" in result.summary()


def test_a_yaml_syntax_error_is_refused(services: Services) -> None:
    before = services.library
    _edit(services.settings.content_dir / "sv" / "work.yaml", "title:", "title: [unclosed")
    result = reload_content(services)
    assert not result.ok and services.library is before
    assert any("work.yaml" in error for error in result.errors)


def test_hooks_prepare_off_the_swap_and_commit_with_it(services: Services) -> None:
    seen: list[Library] = []
    committed: list[Library] = []

    def hook(library: Library) -> object:
        seen.append(library)
        return lambda: committed.append(services.library)

    services.reload_hooks.append(hook)
    assert reload_content(services).ok
    assert seen == [services.library] and committed == [services.library]
    # A refused reload prepares nothing and commits nothing.
    (services.settings.content_dir / "sv" / "housing.yaml").unlink()
    assert not reload_content(services).ok
    assert len(seen) == 1 and len(committed) == 1


def test_a_failing_hook_refuses_the_whole_reload(services: Services) -> None:
    before = services.library
    committed: list[str] = []

    def good(library: Library) -> object:
        return lambda: committed.append("good")

    def broken(library: Library) -> object:
        raise ValueError("synonyms.yaml: duplicate word")

    services.reload_hooks.extend([good, broken])
    result = reload_content(services)
    assert not result.ok and "duplicate word" in result.errors[0]
    assert services.library is before and committed == []


def test_the_search_index_is_rebuilt_with_the_library(services: Services) -> None:
    """bot.app registers a hook that rebuilds the search engine from the new library."""
    from bot.app import build_application

    build_application(services)  # registers the application's reload hooks
    search_before = getattr(services, "search", None)
    if search_before is None:
        pytest.skip("this build has no search engine on Services")
    assert reload_content(services).ok
    assert services.search is not search_before


async def test_the_async_reload_keeps_the_loop_free_and_runs_one_at_a_time(
    services: Services,
) -> None:
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.001)

    task = asyncio.create_task(ticker())
    first, second = await asyncio.gather(
        reload_content_async(services), reload_content_async(services)
    )
    stop.set()
    await task
    assert first.ok and second.ok
    assert ticks > 10  # the event loop kept running while the checker read every file


def test_the_reply_fits_one_message_and_is_escaped(translators: dict[str, Translator]) -> None:
    errors = tuple(f"sv/topic{i}.yaml:{i}: error: bad <value> & more" for i in range(500))
    text = format_result(translators["sv"], ReloadResult(ok=False, errors=errors))
    assert visible_len(text) <= MESSAGE_LIMIT
    assert "&lt;value&gt; &amp; more" in text and "<value>" not in text
    assert "500 fel" in text and "… och" in text
    ok = format_result(translators["fi"], ReloadResult(ok=True, topics=22, places=9, warnings=3))
    assert "22 aihetta" in ok and "9 paikkaa" in ok


def test_one_enormous_error_is_cut(translators: dict[str, Translator]) -> None:
    result = ReloadResult(ok=False, errors=("x" * 10_000,))
    text = format_result(translators["sv"], result)
    assert visible_len(text) < 1000


def test_control_words_source_tags_and_pictograms_reload_with_the_content(
    services: Services,
) -> None:
    content = services.settings.content_dir
    assert services.addons.control_words.match("huvudmenyn") == "menu"
    _edit(content / "control-words.yaml", "huvudmenyn, ", "")
    _edit(content / "source-tags.yaml", "malmo-rikc:", "malmo-rikc2:")
    _edit(content / "pictograms.yaml", 'housing: "🏠"', 'housing: "🏘️"')
    assert reload_content(services).ok
    assert services.addons.control_words.match("huvudmenyn") is None
    assert services.addons.source_tags.lookup("malmo-rikc2") is not None
    assert services.library.pictograms.topic("housing") == "🏘️"
    _edit(
        content / "source-tags.yaml", "malmo-rikc2: {municipality: malmo", "x: {municipality: mars"
    )
    assert not reload_content(services).ok  # an unknown municipality: the old tags stay
    assert services.addons.source_tags.lookup("malmo-rikc2") is not None
