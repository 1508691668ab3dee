"""Pseudonymous user keys.

A Telegram user id has at most 52 significant bits, so a plain hash of it can be reversed by brute
force. We store only an HMAC of the id under a secret that never leaves the server.

The generated secret lives outside the data directory (by default in a sibling directory
`<data dir>-key/`), so that a copy of the data directory or a database backup never carries the
key that turns pseudonyms back into Telegram ids (review F7). It is created atomically (written
to a temporary file, fsynced, then linked into place, which fails if another process won the
race) so that no process ever reads a half-written key (review F13).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import time
from pathlib import Path

SECRET_FILE = "secret.key"
#: Length of a generated secret (hex characters) and the shortest one accepted.
_SECRET_HEX_CHARS = 64
_MIN_SECRET = 32
_READ_ATTEMPTS = 50

log = logging.getLogger(__name__)


def make_private_dir(directory: Path) -> None:
    """Create `directory` (and parents) owner-only, whatever the umask; tighten it if it exists."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    if directory.stat().st_mode & 0o077:
        os.chmod(directory, 0o700)


def load_or_create_secret(
    location: Path, configured: bytes | None = None, *, legacy: Path | None = None
) -> bytes:
    """Return the configured secret, or the one generated once into `location` (mode 0600).

    `location` is the secret file, or a directory that holds `secret.key`. A secret found at
    `legacy` (the old place inside the data directory) is moved to `location` first, so that
    existing pseudonyms keep working.
    """
    if configured is not None:
        return configured
    path = location / SECRET_FILE if location.is_dir() or not location.suffix else location
    make_private_dir(path.parent)
    if legacy is not None and legacy != path and legacy.is_file() and not path.exists():
        try:
            os.link(legacy, path)
        except FileExistsError:
            pass
        else:
            legacy.unlink(missing_ok=True)
            _fsync_dir(path.parent)
            _fsync_dir(legacy.parent)
            log.warning("secret key moved out of the data directory to %s", path)
    if not path.exists():
        _create(path)
    return _read(path)


def _create(path: Path, *, replace: bool = False) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_hex(_SECRET_HEX_CHARS // 2).encode())
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(partial, path)
        else:
            with contextlib.suppress(FileExistsError):  # another process was first: read theirs
                os.link(partial, path)  # atomic
        _fsync_dir(path.parent)
    finally:
        partial.unlink(missing_ok=True)


def _read(path: Path) -> bytes:
    for _ in range(_READ_ATTEMPTS):
        secret = path.read_bytes().strip()
        if len(secret) >= _MIN_SECRET:
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
            return secret
        time.sleep(0.01)  # only at start-up: a file from an older, non-atomic writer
    if path.stat().st_size == 0:
        # An empty file is what a crash during an older, non-fsynced creation left: no key was
        # ever in it, so nothing can have been keyed by it. Replace it atomically.
        _create(path, replace=True)
        return _read(path)
    raise ValueError(f"{path} is corrupt: delete it only if you accept losing all preferences")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class UserKeys:
    """Maps a Telegram user id to the only identifier that may reach the database."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def key(self, user_id: int) -> str:
        digest = hmac.new(self._secret, str(user_id).encode(), hashlib.sha256).hexdigest()
        return digest[:32]
