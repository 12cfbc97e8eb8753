"""Text typed into a form when the session had already ended, kept to be offered back.

A POST that arrives after an idle timeout cannot be acted on, but what the person typed
must not be lost (WCAG 2.2.1). The view or middleware that ends the session keeps the
form's text fields here; after logging in again, the page the form was on takes them
back and shows them in the form with a notice, unsent.

Kept input lives in the session only (encrypted at rest by ``victory.core.sessions``),
for ``KEPT_INPUT_SECONDS``, bound to an ``owner`` (``"user:12"``, ``"report:34"``): it
is offered back only to the same owner and discarded when someone else logs in on
the browser. Never kept: passwords, codes, tokens, receipts, the CSRF token, files.
One entry at a time: the last form sent after the timeout.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from victory.core.session_keys import KEPT_INPUT_KEY as KEPT_INPUT_KEY

# Long enough to find the receipt or the phone with the authenticator app.
KEPT_INPUT_SECONDS = 60 * 60
MAX_FIELD_CHARS = 20_000
# Enough for a long form (a detailed needs assessment has some sixty answers); the whole
# is capped too, so one stale form cannot fill the session.
MAX_FIELDS = 80
MAX_TOTAL_CHARS = 100_000
# A field whose name contains one of these is never kept, whatever the form.
_SENSITIVE_PARTS = ("password", "csrf", "token", "code", "secret", "otp", "receipt", "next", "key")
# The hidden field staff forms carry (includes/form_page.html): the page the form is on.
FORM_PAGE_FIELD = "victory_form_page"


@dataclass(frozen=True)
class KeptInput:
    path: str  # where the form was posted
    page: str  # the page the form was on, to return to
    # A field's text, or the list of values of a group of ticked boxes.
    fields: dict[str, str | list[str]]
    files_dropped: bool


def _values(data: Mapping[str, Any], name: str) -> str | list[str] | None:
    """One field's text, or every value of a multi-valued field (ticked boxes)."""
    getlist = getattr(data, "getlist", None)
    values = [v for v in getlist(name) if isinstance(v, str) and v.strip()] if getlist else []
    if len(values) > 1:
        return [value[:MAX_FIELD_CHARS] for value in values]
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    return value[:MAX_FIELD_CHARS]


def kept_input_fields(
    data: Mapping[str, Any], *, allowed: Iterable[str] | None = None
) -> dict[str, str | list[str]]:
    """The text fields of ``data`` (a QueryDict) worth keeping: ``allowed`` ones, or
    every non-sensitive one, each cut at ``MAX_FIELD_CHARS``, empty ones left out; a
    group of ticked boxes keeps every tick, as a list. At most ``MAX_FIELDS`` fields and
    ``MAX_TOTAL_CHARS`` characters in all."""
    names = list(allowed) if allowed is not None else list(data.keys())
    kept: dict[str, str | list[str]] = {}
    total = 0
    for name in names:
        lowered = name.lower()
        if name == FORM_PAGE_FIELD or any(part in lowered for part in _SENSITIVE_PARTS):
            continue
        value = _values(data, name)
        if value is None:
            continue
        size = len(value) if isinstance(value, str) else sum(map(len, value))
        if total + size > MAX_TOTAL_CHARS:
            break
        kept[name] = value
        total += size
        if len(kept) >= MAX_FIELDS:
            break
    return kept


def kept_input_keep(
    *,
    request: HttpRequest,
    owner: str,
    path: str,
    page: str,
    fields: Mapping[str, str | list[str]],
    files_dropped: bool = False,
) -> bool:
    """Keep ``fields`` in the (new) session of ``request`` for ``owner``. Returns
    whether anything was kept (nothing when no field has text)."""
    if not fields and not files_dropped:
        return False
    request.session[KEPT_INPUT_KEY] = {
        "owner": owner,
        "path": path,
        "page": page,
        "fields": dict(fields),
        "files_dropped": files_dropped,
        "at": time.time(),
    }
    return True


def _entry(request: HttpRequest) -> dict[str, Any] | None:
    entry = request.session.get(KEPT_INPUT_KEY)
    if not isinstance(entry, dict):
        return None
    if time.time() - float(entry.get("at", 0)) > KEPT_INPUT_SECONDS:
        request.session.pop(KEPT_INPUT_KEY, None)
        return None
    return entry


def kept_input_peek(*, request: HttpRequest, owner: str | None = None) -> KeptInput | None:
    """The kept input, left in place (``owner``: only if it is theirs)."""
    entry = _entry(request)
    if entry is None or (owner is not None and entry.get("owner") != owner):
        return None
    return KeptInput(
        path=str(entry["path"]),
        page=str(entry["page"]),
        fields={str(k): str(v) for k, v in dict(entry["fields"]).items()},
        files_dropped=bool(entry.get("files_dropped")),
    )


def kept_input_take(*, request: HttpRequest, owner: str, path: str) -> KeptInput | None:
    """The input ``owner`` sent to ``path`` after the timeout, removed from the session
    (it is offered back once; sending the form again keeps it in the form)."""
    kept = kept_input_peek(request=request, owner=owner)
    if kept is None or kept.path != path:
        return None
    request.session.pop(KEPT_INPUT_KEY, None)
    return kept


def kept_input_discard_unless(*, request: HttpRequest, owner: str) -> None:
    """Drop kept input that is not ``owner``'s: another person logged in on this browser."""
    entry = request.session.get(KEPT_INPUT_KEY)
    if entry is not None and (not isinstance(entry, dict) or entry.get("owner") != owner):
        request.session.pop(KEPT_INPUT_KEY, None)


def kept_input_carry(*, previous: Mapping[str, Any], request: HttpRequest, owner: str) -> None:
    """After ``request.session.flush()``: put back the kept input of ``previous`` (the
    session's data before the flush) when it is ``owner``'s, and only then."""
    entry = previous.get(KEPT_INPUT_KEY)
    if isinstance(entry, dict) and entry.get("owner") == owner:
        request.session[KEPT_INPUT_KEY] = entry
        _entry(request)  # drops it at once if too old


def form_page(request: HttpRequest, *, allowed_prefix: str = "/") -> str | None:
    """The page the form was on, from the hidden field, if it is a local address."""
    page = request.POST.get(FORM_PAGE_FIELD, "")
    if (
        page
        and page.startswith(allowed_prefix)
        and not page.startswith("//")
        and url_has_allowed_host_and_scheme(page, allowed_hosts={request.get_host()})
    ):
        return page
    return None
