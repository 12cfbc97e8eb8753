"""HTML written in Python where a page writes hundreds of values (a list's rows, a filter
form's options), escaped as Django's templates escape them.

Django's ``format_html`` and ``conditional_escape`` accept lazy strings, so each call
goes through ``keep_lazy``'s argument check: on the case list, with about 1,300 values
a page, that check alone cost more than the escaping (docs/performance.md). Here a value
is escaped by the standard library's ``html.escape``, exactly what Django's ``escape``
does, and markup that is already safe (``__html__``) passes unchanged, as in
``conditional_escape``. The caller marks the finished string safe once."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape as _escape
from typing import Any


def text(value: Any) -> str:
    """``value`` ready to stand in HTML text or a quoted attribute: escaped, unless it
    is already safe markup."""
    html = getattr(value, "__html__", None)
    if html is not None:
        return str(html())
    return _escape(str(value))


def attributes(attrs: Mapping[str, Any]) -> str:
    """The attributes as Django's widget template ``attrs.html`` writes them, in their
    order: ``True`` as a bare name, ``False`` left out, every other value escaped and
    quoted."""
    written = []
    for name, value in attrs.items():
        if value is True:
            written.append(f" {text(name)}")
        elif value is not False:
            written.append(f' {text(name)}="{text(value)}"')
    return "".join(written)
