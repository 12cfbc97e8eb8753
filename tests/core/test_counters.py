"""The database counter store: counts that expire on time, are never culled, and are
pruned by the scheduled job; and the deploy check for a Redis that would evict them."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import pytest
from django.core.cache import caches
from django.core.checks import Tags, run_checks
from django.core.management import call_command

from victory.core.counters import COUNTERS, CounterStore, counters_prune_expired
from victory.core.models import Counter
from victory.settings.base import cache_stores

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def test_the_counters_store_is_the_table_in_tests_as_in_production() -> None:
    assert isinstance(caches[COUNTERS], CounterStore)


def test_a_count_expires_on_time_and_then_starts_again(clock: list[float]) -> None:
    store = caches[COUNTERS]
    assert store.add("attempts", 0, timeout=60)
    assert not store.add("attempts", 0, timeout=60)
    assert [store.incr("attempts") for _ in range(3)] == [1, 2, 3]
    clock[0] += 59
    assert store.get("attempts") == 3
    clock[0] += 1
    assert store.get("attempts") is None
    with pytest.raises(ValueError, match="not found"):
        store.incr("attempts")
    assert store.add("attempts", 0, timeout=60)  # an expired count is as good as none
    assert store.incr("attempts") == 1


def test_a_counter_without_timeout_never_expires(clock: list[float]) -> None:
    store = caches[COUNTERS]
    store.set("version", 7, timeout=None)
    clock[0] += 10 * 365 * 24 * 3600
    assert store.get("version") == 7


def test_only_integers_are_stored() -> None:
    store = caches[COUNTERS]
    for value in ("text", 1.5, True, {"pickled": "never"}):
        with pytest.raises(TypeError, match="integers only"):
            store.set("x", value)
    assert not Counter.objects.exists()


def test_the_prune_job_deletes_expired_counters_and_keeps_live_ones(clock: list[float]) -> None:
    store = caches[COUNTERS]
    store.set("old", 1, timeout=60)
    store.set("live", 1, timeout=3600)
    store.set("version", 1, timeout=None)
    clock[0] += 61
    counters_prune_expired.enqueue()  # run at once by the test task backend
    assert sorted(key.rsplit(":", 1)[1] for key in Counter.objects.values_list("key", flat=True)) == [
        "live",
        "version",
    ]


def test_check_deploy_warns_when_the_counters_redis_may_evict_them(redis_url: str, settings: Any) -> None:
    import redis

    settings.CACHES = cache_stores(redis_url)
    call_command("createcachetable")  # the page table, as migrate makes it (else victory.E003)
    deploy: dict[str, Any] = {"include_deployment_checks": True, "tags": [Tags.caches]}
    assert [message.id for message in run_checks(**deploy)] == []  # Redis's default: noeviction
    redis.Redis.from_url(redis_url).config_set("maxmemory-policy", "allkeys-lru")
    (warning,) = run_checks(**deploy)
    assert warning.id == "victory.W002"
    assert "allkeys-lru" in warning.msg


def test_on_redis_a_count_that_expires_while_it_is_counted_is_not_made_endless(
    redis_url: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Django's Redis backend asks EXISTS, then INCRBY: a count that expires between
    the two is created again by INCRBY with no expiry, and a cap such as the
    platform-wide receipt cap would then never end. Here both are one step."""
    import redis

    settings.CACHES = cache_stores(redis_url)
    store = caches[COUNTERS]
    store.add("cap", 1, timeout=60)
    server = redis.Redis.from_url(redis_url)
    (stored_key,) = server.keys("*cap*")

    def expires_right_after_the_question(self: Any, *names: Any) -> int:
        answer = int(server.execute_command("EXISTS", *names))
        server.delete(stored_key)  # the expiry strikes between the two steps
        return answer

    monkeypatch.setattr(redis.Redis, "exists", expires_right_after_the_question)
    # Gone: the caller counts afresh, with an expiry (FailureThrottle, WindowCap).
    with contextlib.suppress(ValueError):
        store.incr("cap")
    assert server.ttl(stored_key) != -1, "a count without expiry would never end"
