"""No lost updates: every write to a case (or a referral, a conference) names the version
it was read at. The row is updated only if its version is still that one, in one UPDATE,
so two people editing at once cannot both win: the second gets ``StaleEdit`` and their
input is kept on the page (views catch it like a ValidationError)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _(
    "Someone else changed this case while you were working on it. Your text is still here: "
    "check the page as it is now, then send again."
)


class StaleEdit(ValidationError):
    """The record changed since the editor read it. A ValidationError, so a form shows it
    as a non-field error; the API answers 409."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE, code="stale")


def version_claim(instance: Any, *, expected: int | None) -> None:
    """Claim the next version of ``instance`` (a model with a ``version`` field), or raise
    StaleEdit if it is no longer at ``expected``. ``expected`` None skips the check (a
    system write, or a write with no form behind it, such as a reporter's message) but
    still bumps the version so that open forms learn of it. Call inside the transaction."""
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if rows.update(version=F("version") + 1) != 1:
        raise StaleEdit
    instance.version = rows.model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).get()
