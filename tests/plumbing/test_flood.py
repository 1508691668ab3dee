"""Flood control: the token bucket per user key, with a fake clock."""

from __future__ import annotations

import pytest

from bot.plumbing.flood import FloodControl, FloodPolicy, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _control(clock: Clock, **policy: float) -> FloodControl:
    return FloodControl(FloodPolicy(**policy), clock=clock)  # type: ignore[arg-type]


def test_a_burst_is_accepted_then_one_warning_then_silence() -> None:
    clock = Clock()
    control = _control(clock, burst=8, rate=1.0, penalty=10.0)
    verdicts = [control.check("flooder") for _ in range(30)]
    assert verdicts[:8] == [Verdict.ALLOW] * 8
    assert verdicts[8] is Verdict.WARN
    assert verdicts[9:] == [Verdict.DROP] * 21
    assert control.refused == 22


def test_other_users_are_not_slowed_by_a_flooder() -> None:
    clock = Clock()
    control = _control(clock, burst=8, rate=1.0)
    for _ in range(100):
        control.check("flooder")
    assert [control.check("neighbour") for _ in range(8)] == [Verdict.ALLOW] * 8


def test_the_penalty_ends_and_the_bucket_refilled_meanwhile() -> None:
    clock = Clock()
    control = _control(clock, burst=8, rate=1.0, penalty=10.0, quiet=60.0)
    for _ in range(9):
        control.check("u")
    assert control.blocked("u")
    clock.now += 9.9
    assert control.check("u") is Verdict.DROP  # still inside the penalty
    clock.now += 0.2
    assert not control.blocked("u")
    # Ten seconds at one token a second refilled eight (the bucket's size), not more.
    assert [control.check("u") for _ in range(8)] == [Verdict.ALLOW] * 8
    # Running dry again soon after the warning: ignored again, without a second message.
    assert control.check("u") is Verdict.DROP
    assert control.blocked("u")


def test_a_second_warning_only_after_the_quiet_time() -> None:
    clock = Clock()
    control = _control(clock, burst=2, rate=1.0, penalty=5.0, quiet=60.0)
    assert [control.check("u") for _ in range(3)][-1] is Verdict.WARN
    clock.now += 61
    assert [control.check("u") for _ in range(3)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN]


def test_a_steady_human_pace_is_never_refused() -> None:
    clock = Clock()
    control = FloodControl(clock=clock)  # the production policy
    for _ in range(600):  # ten minutes at one tap a second
        assert control.check("reader") is Verdict.ALLOW
        clock.now += 1.0


def test_the_production_policy_stops_dozens_a_second_within_two_seconds() -> None:
    clock = Clock()
    control = FloodControl(clock=clock)
    verdicts = []
    for _ in range(24 * 2):  # two seconds at 24 messages a second
        verdicts.append(control.check("script"))
        clock.now += 1 / 24
    assert Verdict.WARN in verdicts
    assert verdicts.count(Verdict.WARN) == 1


def test_sustained_flooding_gets_at_most_the_refill_rate() -> None:
    clock = Clock()
    control = _control(clock, burst=10, rate=0.5, penalty=10.0)
    allowed = 0
    for _ in range(20 * 120):  # two minutes at 20 a second
        allowed += control.check("script") is Verdict.ALLOW
        clock.now += 0.05
    # The bucket refills during the penalty but never beyond `rate`: no fresh burst each time.
    assert allowed <= 10 + 120 * 0.5


def test_memory_is_bounded_and_the_least_recent_user_is_forgotten() -> None:
    clock = Clock()
    control = _control(clock, burst=2, rate=0.001, max_users=3)
    for _ in range(3):
        control.check("old")  # exhausted and blocked
    assert control.blocked("old")
    for name in ("a", "b", "c"):
        control.check(name)
    assert len(control) == 3
    assert not control.blocked("old")  # forgotten: a restart would forget it too


def test_keys_are_used_as_given_nothing_else_is_kept() -> None:
    control = FloodControl()
    control.check("hmac-key-1")
    assert list(control._buckets) == ["hmac-key-1"]


@pytest.mark.parametrize(
    "policy", [{"burst": 0}, {"rate": 0}, {"penalty": -1}, {"max_users": 0}, {"quiet": -1}]
)
def test_nonsense_policies_are_refused(policy: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        FloodPolicy(**policy)  # type: ignore[arg-type]
