"""What the reports app ends when a person uses "Exit this page" (core's ``visit_ending``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from victory.core.session_keys import REPORT_DRAFT_KEY
from victory.reports import services


def draft_discard_on_exit(sender: Any, *, request: HttpRequest, **kwargs: Any) -> None:
    """An unsent report goes with the visit, its uploaded files too (they live outside
    the session, keyed by the draft). The session itself is flushed by the exit."""
    draft = request.session.get(REPORT_DRAFT_KEY)
    if not isinstance(draft, dict) or not draft.get("key"):
        return
    services.draft_discard(draft_key=draft["key"])
    request.session.pop(REPORT_DRAFT_KEY, None)
