"""Lists in running text joined the way each language writes them: "a, b and c",
"a, b y c", "a, b eta c", "أ، ب وج"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from django.utils import translation

ListStyle = Literal["standard", "or"]

# Django's language codes to CLDR locales where the bare language would pick another
# country's habits: English and Portuguese as written in Europe.
_LOCALES = {"en": "en_GB", "pt": "pt_PT"}
_FALLBACK = "en_GB"


def _locale(language: str) -> Locale:
    code = _LOCALES.get(language, translation.to_locale(language))
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(_FALLBACK)


def list_join(items: Sequence[str], *, style: ListStyle = "standard", language: str | None = None) -> str:
    """``items`` as one phrase in ``language`` (default: the active language), e.g.
    "racism, disability and gender". ``style="or"`` gives "a, b or c"."""
    words = [str(item) for item in items]
    language = language or translation.get_language() or _FALLBACK
    if language.split("-")[0] == "ar":
        return _arabic(words, style)
    return format_list(words, style=style, locale=_locale(language))


def _arabic(words: list[str], style: ListStyle) -> str:
    """CLDR joins every Arabic item with "و" ("أ وب وج"); long items read more clearly
    with the Arabic comma between them and "و" before the last only ("أ، ب وج")."""
    if len(words) < 2:
        return "".join(words)
    last = "أو " if style == "or" else "و"
    return "، ".join(words[:-1]) + " " + last + words[-1]
