"""Honest reach: per source tag and ISO week, scans and *people*, each person once per tag and
week, without writing anything about them anywhere.

Design: the set of people already counted for a tag this week is a set of keyed hashes
HMAC(week key, tag + user id), truncated to 16 bytes, held in memory only. The week key is random,
made when the week starts and dropped with the sets when it ends, so not even the process can
match a hash to a person afterwards, and nothing can be matched across weeks. Only the two
counts reach the database.

Known limits: a restart in mid-week empties the sets, so a person who comes back after it is
counted again (an over-count bounded by restarts); several bot processes would each count once.

Small cells: `shown()` prints any count from 1 to 4 as "<5" (threshold 5), so a tag used by
one person is never disclosed as exactly one; registered tags are listed every week, so a
listed tag can be 0 and "<5" does not imply "at least one" (finding F8).
"""

from __future__ import annotations

import hashlib
import hmac
import os

#: Counts below this are shown as "<5".
THRESHOLD = 5


class WeeklyPeople:
    """In-memory 'seen this week' sets of keyed hashes; everything goes when the week changes."""

    def __init__(self) -> None:
        self._week: str | None = None
        self._key = os.urandom(32)
        self._seen: set[bytes] = set()

    def first_visit(self, tag: str, user_id: int, week: str) -> bool:
        """True the first time this person opens this tag in this week."""
        if week != self._week:
            self._week = week
            self._key = os.urandom(32)
            self._seen = set()
        digest = hmac.new(self._key, f"{tag}\0{user_id}".encode(), hashlib.sha256).digest()[:16]
        if digest in self._seen:
            return False
        self._seen.add(digest)
        return True

    def __len__(self) -> int:
        return len(self._seen)


def shown(count: int, threshold: int = THRESHOLD) -> str:
    """A count as a bridge-builder or staff member may see it."""
    if count == 0:
        return "0"
    return f"<{threshold}" if count < threshold else str(count)
