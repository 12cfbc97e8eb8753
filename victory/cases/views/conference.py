"""Pages for case conferences and their shared action plan."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern

from victory.accounts.http import ProfessionalRequest

from ..models import Case

urlpatterns: list[URLPattern] = []


def detail_context(*, request: ProfessionalRequest, case: Case) -> dict[str, Any]:
    """What this area adds to the case page's context."""
    return {}
