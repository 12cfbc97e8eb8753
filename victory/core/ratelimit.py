"""Counting failures and refusing attempts, in the shared cache (database or Redis).

Keys are keyed hashes, never e-mail addresses or client addresses in clear, so the
cache holds nothing that identifies a person.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the next attempt is allowed
    locked: bool = False


@dataclass(frozen=True)
class FailureThrottle:
    """Slow down after ``slowdown_after`` failures, lock after ``lock_after``.

    While slowed, each further attempt must wait 2, 4, 8 … seconds (at most 60)
    after the last failure; once locked, every attempt waits ``lock_seconds``.
    A success clears the count.
    """

    scope: str
    slowdown_after: int
    lock_after: int
    lock_seconds: int
    window_seconds: int = 3600

    def _key(self, subject: str) -> str:
        digest = hmac.new(settings.SECRET_KEY.encode(), f"{self.scope}:{subject}".encode(), hashlib.sha256)
        return f"throttle:{self.scope}:{digest.hexdigest()[:40]}"

    def check(self, subject: str) -> Verdict:
        state = cache.get(self._key(subject))
        if not state:
            return Verdict(allowed=True)
        now = time.time()
        if state.get("locked_until", 0) > now:
            return Verdict(allowed=False, retry_after=int(state["locked_until"] - now) + 1, locked=True)
        failures = state.get("failures", 0)
        if failures >= self.slowdown_after:
            wait = min(60, 2 ** (failures - self.slowdown_after + 1))
            elapsed = now - state.get("last_failure", 0)
            if elapsed < wait:
                return Verdict(allowed=False, retry_after=int(wait - elapsed) + 1)
        return Verdict(allowed=True)

    def fail(self, subject: str) -> None:
        key = self._key(subject)
        now = time.time()
        state = cache.get(key) or {}
        if state.get("locked_until", 0) and state["locked_until"] <= now:
            state = {}  # a lock that ran out starts a fresh count
        failures = state.get("failures", 0) + 1
        state.update(failures=failures, last_failure=now)
        if failures >= self.lock_after:
            state["locked_until"] = now + self.lock_seconds
        cache.set(key, state, timeout=max(self.window_seconds, self.lock_seconds))

    def clear(self, subject: str) -> None:
        cache.delete(self._key(subject))
