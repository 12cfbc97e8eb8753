"""The one way to fetch a case by its reference for a user."""

from __future__ import annotations

from django.http import Http404

from victory.accounts.models import User

from ..models import Case


def case_get(*, user: User, reference: str) -> Case:
    """The case, if ``user`` may work it; else 404, whether it exists or not."""
    case = (
        Case.objects.visible_to(user)
        .select_related("organisation", "assigned_to", "report")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404
    return case
