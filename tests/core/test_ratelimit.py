"""The failure throttle under pressure: attempts sent in parallel cannot slip through
together, in the database counter store (SQLite and PostgreSQL) and in Redis alike."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from tests.helpers import manage
from victory.core.ratelimit import FailureThrottle, WindowCap
from victory.settings.base import cache_stores

# Committed for real, as several app servers see each other's counts.
pytestmark = pytest.mark.django_db(transaction=True)

THROTTLE = FailureThrottle(scope="test", slowdown_after=3, lock_after=5, lock_seconds=60)
CAP = WindowCap(scope="test-cap", limit=10, window_seconds=60)


def _in_parallel(attempt: Callable[[], Any], times: int = 64) -> list[Any]:
    def one(_: int) -> Any:
        try:
            return attempt()
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(one, range(times)))


def _attempts_allowed() -> list[int]:
    verdicts = _in_parallel(lambda: THROTTLE.begin("someone"))
    return [verdict.retry_after for verdict in verdicts if not verdict.allowed]


def _events_allowed() -> int:
    return sum(_in_parallel(lambda: CAP.hit("flooder")))


SCENARIOS: dict[str, Callable[[], Any]] = {"attempts": _attempts_allowed, "events": _events_allowed}


def run_in_child(name: str) -> None:
    """Run by ``manage.py shell`` in a child process: a file database, as in production."""
    from django.db import connection as child_connection

    from victory.core.models import Counter

    with child_connection.schema_editor() as editor:
        editor.create_model(Counter)
    print("RESULT", json.dumps(SCENARIOS[name]()))  # noqa: T201


@pytest.fixture(params=["database", "redis"])
def in_parallel(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Callable[[str], Any]:
    """Runs a scenario against the production counter store: the table, or a real Redis.

    SQLite's in-memory test database takes table locks instead of waiting for a writer,
    as a database file does; so on SQLite the scenario runs in a child process on a
    file (WAL, IMMEDIATE transactions: the production settings)."""
    if request.param == "redis":
        redis = cache_stores(request.getfixturevalue("redis_url"))
        settings.CACHES = {**settings.CACHES, "counters": redis["counters"]}
    if request.param == "redis" or connection.vendor != "sqlite":
        return lambda name: SCENARIOS[name]()

    def in_child(name: str) -> Any:
        code = f"from tests.core.test_ratelimit import run_in_child; run_in_child({name!r})"
        result = manage("shell", "-c", code, env={"VICTORY_VAR_DIR": str(tmp_path)})
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.split("RESULT", 1)[1])

    return in_child


def test_parallel_attempts_are_counted_before_any_is_checked(in_parallel: Callable[[str], Any]) -> None:
    refused = in_parallel("attempts")
    # Three free attempts plus the one that takes the slow-down gate; never more.
    assert len(refused) == 64 - 4
    assert all(retry_after > 0 for retry_after in refused)


def test_parallel_events_never_pass_a_cap(in_parallel: Callable[[str], Any]) -> None:
    assert in_parallel("events") == CAP.limit


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


def test_counting_starts_afresh_when_a_lock_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    throttle = FailureThrottle(scope="test-lock", slowdown_after=2, lock_after=2, lock_seconds=60)
    assert [throttle.begin("someone").locked for _ in range(3)] == [False, False, True]
    clock[0] += 59
    assert throttle.begin("someone").locked
    clock[0] += 1
    assert [throttle.begin("someone").allowed for _ in range(3)] == [True, True, False]
