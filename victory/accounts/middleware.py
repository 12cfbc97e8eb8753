"""Idle timeout for professionals: a session unused for VICTORY_IDLE_TIMEOUT seconds ends."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

SESSION_LAST_SEEN = "victory_last_seen"
# Saving the session on every request would write to the database each time;
# a precision of 30 seconds is enough for a timeout counted in minutes.
_TOUCH_EVERY = 30


class ProfessionalSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody is logged in: do not even load the session, so
        # public pages stay free of "Vary: Cookie" and can be cached whole.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
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
