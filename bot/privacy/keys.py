"""Pseudonymous user keys.

A Telegram user id has at most 52 significant bits, so a plain hash of it can be reversed by brute
force. We store only an HMAC of the id under a secret that never leaves the server.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_FILE = "secret.key"


def load_or_create_secret(data_dir: Path, configured: bytes | None = None) -> bytes:
    """Return the configured secret, or the one generated once into the data dir (mode 0600)."""
    if configured is not None:
        return configured
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_bytes().strip()
        if len(secret) < 32:
            raise ValueError(
                f"{path} is corrupt: delete it only if you accept losing all preferences"
            ) from None
        return secret
    with os.fdopen(fd, "wb") as handle:
        secret = secrets.token_hex(32).encode()
        handle.write(secret)
    return secret


class UserKeys:
    """Maps a Telegram user id to the only identifier that may reach the database."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def key(self, user_id: int) -> str:
        digest = hmac.new(self._secret, str(user_id).encode(), hashlib.sha256).hexdigest()
        return digest[:32]
