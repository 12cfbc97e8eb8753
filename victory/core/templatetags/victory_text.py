"""Text in running prose, per language: ``{% load victory_text %}{{ items|list_join }}``
("a, b and c" in English, "a، b وc" in Arabic) and ``{{ text|isolate_numbers }}``
(phone numbers and references kept left to right inside right-to-left text)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from victory.core.lists import list_join as _list_join

register = template.Library()

# A number ("112"), a number in groups ("116 006") or a code with digits ("2012/29/EU",
# "VT-86T4-RAQP"): in a right-to-left line the groups would otherwise be shown in
# reverse order ("006 116") and a code split around its separators.
_NUMBER_OR_CODE = re.compile(r"(?<![\w/-])(?:\d+(?: \d+)*|[A-Za-z0-9]+(?:[/-][A-Za-z0-9]+)+)(?![\w/-])")


@register.filter(is_safe=True)
def list_join(items: Iterable[object], style: str = "standard") -> SafeString:
    """The items joined as the active language writes a list; each item escaped."""
    escaped = [str(conditional_escape(str(item))) for item in items]
    if style == "or":
        return mark_safe(_list_join(escaped, style="or"))  # noqa: S308  (every item escaped above)
    if style != "standard":
        raise template.TemplateSyntaxError(f"list_join: unknown style {style!r}")
    return mark_safe(_list_join(escaped))  # noqa: S308  (every item escaped above)


@register.filter(is_safe=True)
def isolate_numbers(text: object) -> SafeString:
    """``text`` escaped, with every number and code in a left-to-right isolate
    (``<bdi dir="ltr" class="ltr">``), for sentences whose numbers are plain text."""
    raw = str(text)
    parts: list[str] = []
    start = 0
    for found in _NUMBER_OR_CODE.finditer(raw):
        parts.append(str(conditional_escape(raw[start : found.start()])))
        parts.append(f'<bdi dir="ltr" class="ltr">{conditional_escape(found.group(0))}</bdi>')
        start = found.end()
    parts.append(str(conditional_escape(raw[start:])))
    return mark_safe("".join(parts))  # noqa: S308  (every part escaped above)


@register.filter
def text_direction(text: object, default: str = "ltr") -> str:
    """Either "rtl" or "ltr" for ``text`` by its first letter with a direction (what
    ``dir="auto"`` does in a browser, for renderers that lack it, such as WeasyPrint);
    ``default`` when it has none (only digits or signs)."""
    return bidi_direction(str(text), default=default)


def bidi_direction(text: str, *, default: str = "ltr") -> str:
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default
