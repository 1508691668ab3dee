"""/forget's offer to clear the chat, held without any identifier.

After /forget nothing in memory may still name the person (review F15), yet the button "clear
this chat" needs the ids of the recent messages. They are kept here under a random token that
only the button carries: message ids are small per-chat counters and name nobody. Offers expire
after an hour and at most `limit` are held. Memory only, never on disk.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Offer:
    message_ids: tuple[int, ...]
    lang: str | None


class ClearOffers:
    def __init__(self, limit: int = 1000, ttl_seconds: float = 3600.0) -> None:
        self._limit = limit
        self._ttl = ttl_seconds
        self._offers: OrderedDict[str, tuple[float, Offer]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._offers)

    def offer(self, message_ids: list[int], now: float, lang: str | None = None) -> str:
        """`lang`: the language to answer in (the preference is already deleted then)."""
        self._expire(now)
        token = secrets.token_hex(4)
        self._offers[token] = (now, Offer(tuple(message_ids), lang))
        while len(self._offers) > self._limit:
            self._offers.popitem(last=False)
        return token

    def take(self, token: str, now: float) -> Offer | None:
        """The message ids of a live offer, once; None if unknown, used or expired."""
        self._expire(now)
        entry = self._offers.pop(token, None)
        return entry[1] if entry is not None else None

    def _expire(self, now: float) -> None:
        while self._offers:
            token, (created, _) = next(iter(self._offers.items()))
            if now - created < self._ttl:
                break
            del self._offers[token]
