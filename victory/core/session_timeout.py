"""When the idle-timeout warning shows (WCAG 2.2.1), for the reporter inbox and staff pages.

The server records activity at most every ``TOUCH_EVERY`` seconds (saving the session
on every request would write each time), so it may count the idle time from up to that
long before the page loaded. The warning allows for it: it shows ``WARN_BEFORE`` seconds
before the earliest moment the server could end the session.
"""

from __future__ import annotations

TOUCH_EVERY = 30
WARN_BEFORE = 120


def warning_after(idle_seconds: int) -> int:
    """Seconds after a page loaded when its warning shows. Very short timeouts (tests,
    a site's own choice) still leave most of the time to act: at least a quarter."""
    return max(idle_seconds - TOUCH_EVERY - WARN_BEFORE, idle_seconds // 4)
