"""The case record's link to a chat, sealed with AES-256-GCM under a key kept off the data dir.

Threat model (see also the README's privacy section):
- Someone with the database file alone (a backup, a stolen disk image, the WAL) sees case numbers,
  municipalities, languages, days and 32-byte sealed blobs: no chat id, no text. Each blob has its
  own random nonce and is bound to its case number (associated data), so blobs cannot be compared
  with each other, swapped between cases or brute-forced over the 52-bit id space without the key.
- The key is `BOT_CASE_KEY` (environment or TOML, outside the data dir), stretched with HKDF.
  Without it, the bot makes a random key in memory: nothing on disk can open a blob, and open
  cases close at the next restart (residents are told a case stays open *at most* N days).
- Someone holding both the database and the key (root on the running server) can open the blobs
  of open cases; closing a case deletes its blob, so the exposure is bounded by the open cases.
"""

from __future__ import annotations

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE = 12
_INFO = b"roma-bot case chat link v1"


class SealError(ValueError):
    """The blob was not sealed with this key for this case (a new key, or tampering)."""


class CaseSeal:
    """Seals and opens a chat id for one case number."""

    def __init__(self, configured: bytes | None) -> None:
        #: True when the key lives only in this process: open cases do not survive a restart.
        self.ephemeral = configured is None
        material = configured if configured is not None else os.urandom(32)
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(material)
        self._aead = AESGCM(key)

    def seal(self, case_number: int, chat_id: int) -> bytes:
        nonce = os.urandom(_NONCE)
        plain = struct.pack(">q", chat_id)
        return nonce + self._aead.encrypt(nonce, plain, _aad(case_number))

    def open(self, case_number: int, blob: bytes) -> int:
        if len(blob) != _NONCE + 8 + 16:
            raise SealError("not a sealed chat link")
        try:
            plain = self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], _aad(case_number))
        except InvalidTag:
            raise SealError("the key or the case number does not match") from None
        (chat_id,) = struct.unpack(">q", plain)
        return int(chat_id)


def _aad(case_number: int) -> bytes:
    return b"case:" + str(case_number).encode()
