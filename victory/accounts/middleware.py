"""Professionals' pages: a session unused for VICTORY_IDLE_TIMEOUT seconds ends, and no
staff page, nor any page shown to a logged-in professional, is kept by the browser."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

SESSION_LAST_SEEN = "victory_last_seen"
# Saving the session on every request would write to the database each time;
# a precision of 30 seconds is enough for a timeout counted in minutes.
_TOUCH_EVERY = 30
# The first part of a staff page's address, after the language prefix.
STAFF_PATH_PREFIXES = ("staff", "admin")


def is_staff_path(path: str) -> bool:
    """Whether ``path`` is a staff page: /staff/… or /admin/…, with or without a language."""
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    prefixes = "|".join(re.escape(prefix) for prefix in STAFF_PATH_PREFIXES)
    # re caches the compiled pattern; building it here follows settings overrides.
    return re.match(rf"^/(?:(?:{languages})/)?(?:{prefixes})(?:/|$)", path) is not None


class ProfessionalSessionMiddleware:
    """Ends idle professional sessions, and marks staff pages ``Cache-Control: no-store``.

    No-store is set here, for every page under /staff/ or /admin/ and every page shown
    to a logged-in professional, rather than view by view: a view that forgets it would
    leave a case list or a member list in the browser's history and disk cache of a
    shared computer, for the next person to see with the Back button.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody is logged in: do not even load the session, so
        # public pages stay free of "Vary: Cookie" and can be cached whole.
        professional = settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
        response = self._respond(request, professional=professional)
        if professional or is_staff_path(request.path_info):
            add_never_cache_headers(response)
        return response

    def _respond(self, request: HttpRequest, *, professional: bool) -> HttpResponse:
        if professional:
            now = time.time()
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.VICTORY_IDLE_TIMEOUT:
                logout(request)
                minutes = settings.VICTORY_IDLE_TIMEOUT // 60
                messages.info(
                    request,
                    _("You were logged out after %(minutes)s minutes without activity. Log in again to go on.")
                    % {"minutes": minutes},
                )
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen > _TOUCH_EVERY:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
