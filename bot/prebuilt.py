"""The content library and its search index, built once per version and kept on disk.

Building them is most of the bot's start-up on these 2-core machines (about 0.6 s of YAML and
1.5 s of stemming). Both are a pure function of the files in the content directory and of the
bot's code, so start-up loads one pickle of both, named by a SHA-256 over exactly those inputs
(every content file's path and bytes, every bot/*.py, the Python and pickle versions). A changed
file, a new release, or a missing, partial or unreadable cache builds them afresh and writes the
cache again; a failure to write only costs the next start-up its speed.

The cache lives in BOT_CACHE_DIR (default: the data directory's cache/, mode 0700), which only
the bot writes: a pickle is as trustworthy as that directory. It holds only the public content,
nothing about any person, and may be deleted at any time.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bot.content import Library, load_library
from bot.search.engine import SearchEngine

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
PREFIX = "content-"
SUFFIX = ".pickle"


def content_key(content_dir: Path) -> str:
    """A hex digest that changes whenever the content or the code that reads it changes."""
    digest = hashlib.sha256()
    digest.update(f"{sys.version_info[:3]} {pickle.HIGHEST_PROTOCOL}".encode())
    for root in (content_dir, PACKAGE):
        paths = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        if root == PACKAGE:
            paths = [p for p in paths if p.suffix == ".py"]
        for path in paths:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            data = path.read_bytes()
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def library_and_search(
    content_dir: Path,
    cache_dir: Path,
    build_search: Callable[[Library], SearchEngine],
) -> tuple[Library, SearchEngine]:
    """From the cache when it holds this content's version, else built (and cached)."""
    key = content_key(content_dir)
    path = cache_dir / f"{PREFIX}{key}{SUFFIX}"
    cached = _read(path)
    if cached is not None:
        return cached
    library = load_library(content_dir)
    search = build_search(library)
    _write(cache_dir, path, (library, search))
    return library, search


def _read(path: Path) -> tuple[Library, SearchEngine] | None:
    try:
        with path.open("rb") as handle:
            library, search = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # partial, corrupt or from an incompatible version: rebuild
        log.warning("content cache unreadable, rebuilding: %s", type(exc).__name__)
        return None
    if not isinstance(library, Library) or not isinstance(search, SearchEngine):
        log.warning("content cache holds something else, rebuilding")
        return None
    return library, search


def _write(cache_dir: Path, path: Path, value: tuple[Library, SearchEngine]) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written beside its final name and renamed: a crash never leaves half a cache.
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=SUFFIX, dir=cache_dir)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        for old in cache_dir.glob(f"{PREFIX}*{SUFFIX}"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    except Exception as exc:
        log.warning("content cache not written: %s: %s", type(exc).__name__, exc)
