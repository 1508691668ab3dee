"""Abuse limits for feedback, held in memory only and forgotten on restart.

The limiter counts submissions per person and day under the HMAC user key, in this process's
memory. Nothing of it is ever written anywhere, and it is cleared when the day changes, so it
cannot be used to tell which submission came from whom.
"""

from __future__ import annotations

import datetime as dt

#: Submissions a person may send per day.
DEFAULT_PER_DAY = 3


class SubmissionLimiter:
    """`try_acquire` before storing, `release` if storing failed."""

    def __init__(self, per_day: int = DEFAULT_PER_DAY) -> None:
        if per_day < 1:
            raise ValueError("per_day must be at least 1")
        self.per_day = per_day
        self._day: dt.date | None = None
        self._counts: dict[str, int] = {}

    def _roll(self, today: dt.date) -> None:
        if self._day != today:
            self._day = today
            self._counts = {}

    def remaining(self, key: str, today: dt.date) -> int:
        self._roll(today)
        return self.per_day - self._counts.get(key, 0)

    def try_acquire(self, key: str, today: dt.date) -> bool:
        """Reserve one submission for `key` today; False once the day's limit is reached."""
        if self.remaining(key, today) <= 0:
            return False
        self._counts[key] = self._counts.get(key, 0) + 1
        return True

    def release(self, key: str, today: dt.date) -> None:
        """Give back a reservation whose submission was not stored."""
        self._roll(today)
        count = self._counts.get(key, 0)
        if count <= 1:
            self._counts.pop(key, None)
        else:
            self._counts[key] = count - 1

    def __len__(self) -> int:
        """How many people are counted today (for tests and memory checks)."""
        return len(self._counts)
