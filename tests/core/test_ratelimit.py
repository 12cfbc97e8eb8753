"""The failure throttle under pressure: parallel attempts cannot slip through together."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from victory.core.ratelimit import FailureThrottle

THROTTLE = FailureThrottle(scope="test", slowdown_after=3, lock_after=5, lock_seconds=60)


def test_parallel_attempts_are_counted_before_any_is_checked() -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        verdicts = list(pool.map(lambda _: THROTTLE.begin("someone"), range(64)))
    allowed = sum(verdict.allowed for verdict in verdicts)
    # Three free attempts plus the one that takes the slow-down gate; never more.
    assert allowed == 4
    assert all(verdict.retry_after > 0 for verdict in verdicts if not verdict.allowed)


def test_lock_after_repeated_attempts_and_success_clears_the_count() -> None:
    for _ in range(3):
        assert THROTTLE.begin("other").allowed
    THROTTLE.succeed("other")
    for _ in range(3):
        assert THROTTLE.begin("other").allowed
    assert THROTTLE.begin("other").allowed  # takes the gate
    refused = THROTTLE.begin("other")
    assert not refused.allowed
    assert not refused.locked
