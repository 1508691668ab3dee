""" "Was this helpful?": one vote per person, topic and day, remembered in memory only.

The votes themselves are stored as anonymous counters (bot/storage/helpful.py); this only stops
one person from counting twice. It holds the HMAC user key (never a Telegram id) with the topic,
for the current day, and forgets everything when the day changes or the bot restarts.
"""

from __future__ import annotations

import datetime as dt

#: Memory bound: beyond this many votes in one day, further votes are not de-duplicated.
MAX_REMEMBERED = 200_000


class HelpfulVotes:
    def __init__(self) -> None:
        self._day: dt.date | None = None
        self._seen: set[tuple[str, str]] = set()

    def first_today(self, user_key: str, topic_id: str, today: dt.date) -> bool:
        """True for this person's first vote on this topic today (and remember it)."""
        if today != self._day:
            self._day = today
            self._seen = set()
        entry = (user_key, topic_id)
        if entry in self._seen:
            return False
        if len(self._seen) < MAX_REMEMBERED:
            self._seen.add(entry)
        return True
