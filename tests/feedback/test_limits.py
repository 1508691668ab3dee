"""The in-memory submission limit: per person and day, nothing kept beyond the day."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.feedback.limits import DEFAULT_PER_DAY, SubmissionLimiter

DAY = dt.date(2026, 11, 19)


def test_a_few_per_day_then_refused() -> None:
    limiter = SubmissionLimiter()
    assert DEFAULT_PER_DAY == 3
    assert [limiter.try_acquire("a", DAY) for _ in range(4)] == [True, True, True, False]
    assert limiter.remaining("a", DAY) == 0
    assert limiter.try_acquire("b", DAY)  # others are not affected
    assert limiter.remaining("b", DAY) == 2


def test_the_next_day_starts_afresh_and_forgets_yesterday() -> None:
    limiter = SubmissionLimiter(per_day=1)
    assert limiter.try_acquire("a", DAY)
    assert limiter.try_acquire("b", DAY)
    assert not limiter.try_acquire("a", DAY)
    assert len(limiter) == 2
    tomorrow = DAY + dt.timedelta(days=1)
    assert limiter.remaining("a", tomorrow) == 1
    assert len(limiter) == 0  # yesterday's keys are gone, not just ignored
    assert limiter.try_acquire("a", tomorrow)


def test_release_gives_back_a_failed_submission() -> None:
    limiter = SubmissionLimiter(per_day=2)
    assert limiter.try_acquire("a", DAY)
    assert limiter.try_acquire("a", DAY)
    limiter.release("a", DAY)
    assert limiter.remaining("a", DAY) == 1
    limiter.release("a", DAY)
    limiter.release("a", DAY)  # more releases than acquisitions never go below zero
    assert limiter.remaining("a", DAY) == 2
    assert len(limiter) == 0


def test_per_day_must_allow_something() -> None:
    with pytest.raises(ValueError):
        SubmissionLimiter(per_day=0)
