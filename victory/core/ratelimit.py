"""Counting attempts and refusing them, in the counter store (``victory.core.counters``:
a table of its own, or Redis), which no other traffic can evict.

Keys are keyed hashes, never e-mail addresses or client addresses in clear, so the
store holds nothing that identifies a person. Times are whole milliseconds, since the
store holds integers only.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches

from victory.core.counters import COUNTERS


def _store() -> BaseCache:
    return caches[COUNTERS]


def _milliseconds(seconds: float) -> int:
    return int(seconds * 1000)


def _count(store: BaseCache, key: str, timeout: int) -> int:
    """Add one to ``key``, starting it at 0 for ``timeout`` seconds if absent."""
    for _attempt in range(2):
        store.add(key, 0, timeout=timeout)
        try:
            return int(store.incr(key))
        except ValueError:
            continue  # it expired between add and incr: start it again
    raise RuntimeError(f"counter {key} could not be counted")


class Throttled(Exception):
    """Too many attempts: try again in ``retry_after`` seconds. Raised by the services of
    every app that limits attempts; the views and the API each answer it in one place."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the next attempt is allowed
    locked: bool = False


@dataclass(frozen=True)
class FailureThrottle:
    """Slow down after ``slowdown_after`` failed attempts, lock after ``lock_after``.

    Every attempt is counted *before* it is checked (``begin``) and the count is cleared
    only by a success (``succeed``), so attempts sent in parallel cannot all slip through
    before the first failure is recorded. Past ``slowdown_after``, an attempt must take a
    gate that stays shut for 2, 4, 8 … seconds (at most 60); only one attempt gets it.
    Past ``lock_after``, every attempt is refused for ``lock_seconds``.

    The counter and the gate use the store's atomic ``incr`` and ``add``, atomic
    across servers with the database store and with Redis. Call it outside any
    database transaction: a count made inside one would vanish if it rolled back.
    """

    scope: str
    slowdown_after: int
    lock_after: int
    lock_seconds: int
    window_seconds: int = 3600

    def _key(self, subject: str, kind: str) -> str:
        digest = hmac.new(settings.SECRET_KEY.encode(), f"{self.scope}:{subject}".encode(), hashlib.sha256)
        return f"throttle:{self.scope}:{kind}:{digest.hexdigest()[:40]}"

    def _refusal(self, key: str, *, locked: bool = False) -> Verdict | None:
        until = _store().get(key)
        if until is None:
            return None
        remaining = until / 1000 - time.time()
        if remaining <= 0:
            return None
        return Verdict(allowed=False, retry_after=int(remaining) + 1, locked=locked)

    def begin(self, subject: str) -> Verdict:
        """Count an attempt and say whether it may go ahead."""
        lock_key = self._key(subject, "lock")
        gate_key = self._key(subject, "gate")
        refusal = self._refusal(lock_key, locked=True) or self._refusal(gate_key)
        if refusal:
            return refusal
        store = _store()
        count_key = self._key(subject, "count")
        attempts = _count(store, count_key, timeout=max(self.window_seconds, self.lock_seconds))
        now = time.time()
        if attempts > self.lock_after:
            # The count is kept, not cleared, while the lock lasts: attempts already past
            # the lock check when it was set count on from here and are refused, where a
            # fresh count would let them through. It ends just before the lock does, so
            # counting starts afresh after it.
            store.touch(count_key, timeout=self.lock_seconds)
            store.set(lock_key, _milliseconds(now + self.lock_seconds), timeout=self.lock_seconds)
            return Verdict(allowed=False, retry_after=self.lock_seconds, locked=True)
        if attempts > self.slowdown_after:
            wait = min(60, 2 ** (attempts - self.slowdown_after))
            if not store.add(gate_key, _milliseconds(now + wait), timeout=wait):
                with contextlib.suppress(ValueError):  # the count may have expired meanwhile
                    store.decr(count_key)  # refused before it was tried: not an attempt
                return self._refusal(gate_key) or Verdict(allowed=False, retry_after=1)
        return Verdict(allowed=True)

    def succeed(self, subject: str) -> None:
        """A complete success (a login): the count starts again."""
        _store().delete_many([self._key(subject, kind) for kind in ("count", "gate", "lock")])

    def attempts(self, subject: str) -> int:
        """Attempts counted now (failures, plus any in flight)."""
        return int(_store().get(self._key(subject, "count")) or 0)

    def forgive(self, subject: str, attempts: int = 1) -> None:
        """These ``attempts`` succeeded, but earlier failures still count (for secrets
        one person may hold legitimately while guessing others', like receipts, or a
        client from which one person logs in while another tries passwords)."""
        with contextlib.suppress(ValueError):  # the count may have expired meanwhile
            _store().decr(self._key(subject, "count"), attempts)


@dataclass(frozen=True)
class WindowCap:
    """At most ``limit`` events per subject in a fixed window (for floods, not guesses)."""

    scope: str
    limit: int
    window_seconds: int

    def _key(self, subject: str) -> str:
        digest = hmac.new(settings.SECRET_KEY.encode(), f"{self.scope}:{subject}".encode(), hashlib.sha256)
        return f"cap:{self.scope}:{digest.hexdigest()[:40]}"

    def hit(self, subject: str) -> bool:
        """Count one event; False when it goes over the limit."""
        return _count(_store(), self._key(subject), timeout=self.window_seconds) <= self.limit

    def reached(self, subject: str = "platform") -> bool:
        return bool((_store().get(self._key(subject)) or 0) >= self.limit)
