"""Values every template needs: languages with their translated URLs, emergency numbers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info


def platform(request: HttpRequest) -> dict[str, Any]:
    current = get_language() or settings.LANGUAGE_CODE
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                # Each language is named in itself, so a reader finds their own.
                "name_local": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
                "is_current": code == current,
            }
        )
    return {
        # Messages live in the session: look only when there is one (keeps public pages cacheable).
        "victory_has_session": settings.SESSION_COOKIE_NAME in request.COOKIES,
        "victory_languages": languages,
        # The platform's own exit address, which ends the visit, then leaves for the neutral site.
        "victory_exit_url": reverse("core:exit"),
        "victory_emergency_number": "112",
        "victory_helpline_number": "116 006",
        "victory_safety_url": reverse("core:safety"),
        "victory_inbox_url": reverse("reports:inbox_login"),
    }
