"""``{% session_timeout "reporter" %}`` / ``{% session_timeout "staff" %}``: the warning
before the idle timeout (includes/session_timeout.html, js/session-timeout.js)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse

from victory.core.session_timeout import warning_after

register = template.Library()

_KINDS = {
    "reporter": ("VICTORY_REPORTER_IDLE_TIMEOUT", "reports:inbox_keep_alive"),
    "staff": ("VICTORY_IDLE_TIMEOUT", "accounts:keep_alive"),
}


@register.inclusion_tag("includes/session_timeout.html", takes_context=True)
def session_timeout(context: template.Context, kind: str) -> dict[str, Any]:
    setting, keep_alive = _KINDS[kind]
    idle = int(getattr(settings, setting))
    return {
        "kind": kind,
        "idle_seconds": idle,
        "warn_after_seconds": warning_after(idle),
        "keep_alive_url": reverse(keep_alive),
        "csrf_token": context.get("csrf_token", ""),
    }
