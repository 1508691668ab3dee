"""Reload content and catalogs without a restart, all or nothing.

`/reload` (staff) and SIGHUP call this. The checker (`python -m bot check`) runs on the files as
they are now; only when it reports no errors are the new library and catalogs swapped in, in
one step, between two updates. With any error nothing changes and the report says why, so an
editor's typo never takes the bot down and never half-applies.

Other parts of the bot that derive state from the library (the search index) register a hook
in the wiring (bot/app.py):

    services.reload_hooks.append(hook)

`hook(library)` is called with the new, checked library *before* anything is swapped, in a
worker thread (it may do slow work, it must not touch the event loop). It may raise to refuse
the reload (the message is reported like a content error), and it may return a callable that
commits its new state; commits run right after the library is swapped, in the caller's thread.
A hook that returns None must not change shared state itself.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.model import Lang, Library
from bot.i18n import Translator, load_translators
from bot.services import Commit, ReloadHook, Services

log = logging.getLogger(__name__)

__all__ = ["Commit", "ReloadHook", "ReloadResult", "reload_content", "reload_content_async"]


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    topics: int = 0
    places: int = 0
    warnings: int = 0
    #: The checker's errors, paths relative to the content directory where possible.
    errors: tuple[str, ...] = ()
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the logs (English, no personal data)."""
        if self.ok:
            return (
                f"content reloaded: topics={self.topics} places={self.places} "
                f"warnings={self.warnings} seconds={self.seconds:.1f}"
            )
        first = self.errors[0] if self.errors else "unknown error"
        return (
            f"content reload refused, running content kept: errors={len(self.errors)} "
            f"first={first!r}"
        )


@dataclass(slots=True)
class _Prepared:
    library: Library
    translators: dict[Lang, Translator]
    commits: list[Commit] = field(default_factory=list)
    warnings: int = 0


def _relative(text: str, *roots: Path) -> str:
    for root in roots:
        text = text.replace(f"{root}/", "")
    return text


def _prepare(services: Services, hooks: list[ReloadHook]) -> _Prepared | ReloadResult:
    """Check and build everything new without touching `services`; slow, runs in any thread."""
    # The checker (glossary, catalog gaps, rendered lengths) is only needed on a reload: not
    # imported at start-up.
    from bot.content.checker import check

    settings = services.settings
    roots = (settings.content_dir, settings.locale_dir.parent)
    try:
        report = check(
            settings.content_dir,
            settings.locale_dir,
            max_source_age_days=settings.source_max_age_days,
        )
    except Exception as exc:  # a crash of the checker is a refusal, not a dead bot
        return ReloadResult(ok=False, errors=(f"checker failed: {type(exc).__name__}: {exc}",))
    if report.errors or report.library is None:
        errors = tuple(_relative(str(problem), *roots) for problem in report.errors)
        return ReloadResult(ok=False, errors=errors or ("content could not be loaded",))
    try:
        translators = load_translators(settings.locale_dir)
    except Exception as exc:
        return ReloadResult(ok=False, errors=(f"catalogs: {type(exc).__name__}: {exc}",))
    prepared = _Prepared(report.library, translators, warnings=len(report.warnings))
    for hook in hooks:
        try:
            commit = hook(report.library)
        except Exception as exc:
            name = getattr(hook, "__qualname__", type(hook).__name__)
            return ReloadResult(ok=False, errors=(f"{name}: {type(exc).__name__}: {exc}",))
        if commit is not None:
            prepared.commits.append(commit)
    return prepared


def _apply(services: Services, prepared: _Prepared, started: float) -> ReloadResult:
    """Swap in one go (no await in between): an update sees all old or all new."""
    services.library = prepared.library
    services.translators = prepared.translators
    for commit in prepared.commits:
        commit()
    library = prepared.library
    return ReloadResult(
        ok=True,
        topics=len(library.topic_ids),
        places=len(library.places),
        warnings=prepared.warnings,
        seconds=time.monotonic() - started,
    )


def _hooks(services: Services) -> list[ReloadHook]:
    return list(services.reload_hooks)


_sync_lock = threading.Lock()


def reload_content(services: Services) -> ReloadResult:
    """Check, then swap or refuse; blocking (the checker reads every file). See the module doc."""
    started = time.monotonic()
    with _sync_lock:
        prepared = _prepare(services, _hooks(services))
        if isinstance(prepared, ReloadResult):
            return prepared
        return _apply(services, prepared, started)


async def reload_content_async(services: Services) -> ReloadResult:
    """Like `reload_content`, with the slow part in a worker thread; one reload at a time."""
    started = time.monotonic()
    async with services.reload_lock:
        prepared = await asyncio.to_thread(_prepare, services, _hooks(services))
        if isinstance(prepared, ReloadResult):
            result = prepared
        else:
            result = _apply(services, prepared, started)
    if result.ok:
        log.info(result.summary())
    else:
        log.warning(result.summary())
    return result
