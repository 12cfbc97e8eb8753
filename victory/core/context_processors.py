"""Values every template needs: languages with their translated URLs, emergency numbers."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, Resolver404, ResolverMatch, resolve, reverse
from django.utils.translation import get_language, get_language_info, override


def _this_page_in_the_active_language(match: ResolverMatch | None, query: str) -> str | None:
    if match is None:
        return None
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    try:
        path = reverse(name, args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return None
    return urlunsplit(("", "", path, query, ""))


def _in_each_language(request: HttpRequest) -> dict[str, str]:
    """This page's address in each language, with the path resolved once rather than
    once per language (each resolve walks the whole URL configuration; eight of them
    cost a staff page about 2 ms).

    Only an address the platform writes itself is ever offered: for a path nothing
    answers (a 404), each language's home page. Echoing that path back, as Django's
    ``translate_url`` does, let ``//evil.example/x`` make every language link on
    VicTory's own "page not found" lead to another site."""
    full_path = request.get_full_path()
    parsed = urlsplit(full_path)
    try:
        match = resolve(unquote(parsed.path))
    except Resolver404:
        match = None
    addresses = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            addresses[code] = _this_page_in_the_active_language(match, parsed.query) or reverse("core:home")
    return addresses


def platform(request: HttpRequest) -> dict[str, Any]:
    current = get_language() or settings.LANGUAGE_CODE
    addresses = _in_each_language(request)
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                # Each language is named in itself, so a reader finds their own.
                "name_local": info["name_local"],
                "url": addresses[code],
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
