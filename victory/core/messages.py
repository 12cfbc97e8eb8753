"""Words and form errors every app shows the same way: "wait N minutes" after a limit
was reached, and a service's ``ValidationError`` put back on the form it came from.

The sentences themselves stay with the page that says them (each names what was
limited); only the arithmetic and the plural choice live here, so a limit given in
seconds is always rounded up to whole minutes, and never said as "0 minutes".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django import forms
    from django_stubs_ext import StrOrPromise


def wait_minutes(retry_after: int) -> int:
    """Seconds until the next attempt, as whole minutes: at least one."""
    return max(1, (retry_after + 59) // 60)


def throttled_message(message: StrOrPromise, retry_after: int) -> str:
    """``message``, an ``ngettext_lazy(..., "minutes")`` with a ``%(minutes)s``
    placeholder, for a wait of ``retry_after`` seconds: the plural form follows the
    number of minutes in every language."""
    return str(message % {"minutes": wait_minutes(retry_after)})


def form_errors_add(form: forms.BaseForm, error: ValidationError | Mapping[str, Sequence[Any]]) -> None:
    """A service's refusal on ``form``, each message at its field when the form has that
    field, else at the top of the form (the error summary shows both)."""
    if isinstance(error, ValidationError):
        problems: Mapping[str, Sequence[Any]] = (
            error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        )
    else:
        problems = error
    for name, messages in problems.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
