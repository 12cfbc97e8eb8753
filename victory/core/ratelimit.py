"""Counting attempts and refusing them, in the shared cache (database or Redis).

Keys are keyed hashes, never e-mail addresses or client addresses in clear, so the
cache holds nothing that identifies a person.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


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

    The counter and the gate use the cache's atomic ``incr`` and ``add``: strictly
    atomic across servers with Redis, and within one process with the local cache.
    """

    scope: str
    slowdown_after: int
    lock_after: int
    lock_seconds: int
    window_seconds: int = 3600

    def _key(self, subject: str, kind: str) -> str:
        digest = hmac.new(settings.SECRET_KEY.encode(), f"{self.scope}:{subject}".encode(), hashlib.sha256)
        return f"throttle:{self.scope}:{kind}:{digest.hexdigest()[:40]}"

    def _refusal(self, key: str) -> Verdict | None:
        until = cache.get(key)
        if until is None:
            return None
        remaining = until - time.time()
        if remaining <= 0:
            return None
        return Verdict(allowed=False, retry_after=int(remaining) + 1, locked=key.endswith("lock"))

    def begin(self, subject: str) -> Verdict:
        """Count an attempt and say whether it may go ahead."""
        lock_key = self._key(subject, "lock")
        gate_key = self._key(subject, "gate")
        for key in (lock_key, gate_key):
            refusal = self._refusal(key)
            if refusal:
                return refusal
        count_key = self._key(subject, "count")
        cache.add(count_key, 0, timeout=max(self.window_seconds, self.lock_seconds))
        attempts = cache.incr(count_key)
        now = time.time()
        if attempts > self.lock_after:
            cache.set(lock_key, now + self.lock_seconds, timeout=self.lock_seconds)
            cache.delete(count_key)  # when the lock ends, counting starts afresh
            return Verdict(allowed=False, retry_after=self.lock_seconds, locked=True)
        if attempts > self.slowdown_after:
            wait = min(60, 2 ** (attempts - self.slowdown_after))
            if not cache.add(gate_key, now + wait, timeout=wait):
                cache.decr(count_key)  # refused before it was tried: not an attempt
                return self._refusal(gate_key) or Verdict(allowed=False, retry_after=1)
        return Verdict(allowed=True)

    def succeed(self, subject: str) -> None:
        """A complete success (a login): the count starts again."""
        cache.delete_many([self._key(subject, kind) for kind in ("count", "gate", "lock")])

    def attempts(self, subject: str) -> int:
        """Attempts counted now (failures, plus any in flight)."""
        return int(cache.get(self._key(subject, "count")) or 0)

    def forgive(self, subject: str) -> None:
        """This one attempt succeeded, but earlier failures still count (for secrets
        one person may hold legitimately while guessing others', like receipts)."""
        with contextlib.suppress(ValueError):  # the count may have expired meanwhile
            cache.decr(self._key(subject, "count"))


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
        key = self._key(subject)
        cache.add(key, 0, timeout=self.window_seconds)
        return bool(cache.incr(key) <= self.limit)

    def reached(self, subject: str = "platform") -> bool:
        return bool((cache.get(self._key(subject)) or 0) >= self.limit)
