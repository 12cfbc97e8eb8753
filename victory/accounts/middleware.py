"""Professionals' pages: a session unused for VICTORY_IDLE_TIMEOUT seconds ends; no staff
page, nor any page shown to a logged-in professional, is kept by the browser; and on
those pages no text can reorder itself with bidirectional controls."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from victory.core.kept_input import form_page, kept_input_fields, kept_input_keep
from victory.core.session_keys import STAFF_LAST_SEEN_KEY as SESSION_LAST_SEEN
from victory.core.session_timeout import TOUCH_EVERY

# The first part of a staff page's address, after the language prefix.
STAFF_PATH_PREFIXES = ("staff", "admin")
# Bidirectional embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069):
# they make a browser show text in another order than it was written, so a reporter's
# "invoice<U+202E>fdp.exe" reads "invoiceexe.pdf". Marks (U+200E, U+200F) reorder
# nothing and are how right-to-left text is typed: they are left alone.
_BIDI_CONTROLS_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")


def bidi_controls_neutralise(text: str) -> str:
    """``text`` with each bidirectional control shown as a visible ``[U+202E]``."""
    return _BIDI_CONTROLS_RE.sub(lambda match: f"[U+{ord(match.group()):04X}]", text)


def is_staff_path(path: str) -> bool:
    """Whether ``path`` is a staff page: /staff/… or /admin/…, with or without a language."""
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    prefixes = "|".join(re.escape(prefix) for prefix in STAFF_PATH_PREFIXES)
    # re caches the compiled pattern; building it here follows settings overrides.
    return re.match(rf"^/(?:(?:{languages})/)?(?:{prefixes})(?:/|$)", path) is not None


def _neutralise_bidi_controls(response: HttpResponse) -> None:
    """Neutralise the bidirectional controls of an HTML page, wherever its text came from.

    Done on the whole page, once, rather than by a filter at each place a template shows
    a reporter's narrative, message or file name, which a new page could forget. The
    characters cannot be part of HTML syntax, so replacing them anywhere is safe.
    """
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return  # files (evidence downloads) and JSON are passed on byte for byte
    charset = response.charset or "utf-8"
    html = response.content.decode(charset, errors="replace")
    if not _BIDI_CONTROLS_RE.search(html):
        return
    response.content = bidi_controls_neutralise(html).encode(charset)
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))


class ProfessionalSessionMiddleware:
    """Ends idle professional sessions; on every page under /staff/ or /admin/ and every
    page shown to a logged-in professional, sets ``Cache-Control: no-store`` and
    neutralises bidirectional controls.

    Both are done here rather than view by view: a view that forgot no-store would leave
    a case list or a member list in the browser's history and disk cache of a shared
    computer, for the next person to see with the Back button; one that forgot the
    controls would let a reporter's text show itself in another order to a caseworker.
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
            _neutralise_bidi_controls(response)
        return response

    def _respond(self, request: HttpRequest, *, professional: bool) -> HttpResponse:
        if professional:
            now = time.time()
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.VICTORY_IDLE_TIMEOUT:
                return self._end_idle_session(request)
            if last_seen is None or now - last_seen > TOUCH_EVERY:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)

    def _end_idle_session(self, request: HttpRequest) -> HttpResponse:
        """Log out; keep the text of a form sent too late; send to the login page, which
        leads back to a page that can be shown (never to a POST-only address)."""
        if _is_keep_alive(request):
            logout(request)
            return HttpResponse(status=401)
        user_id = request.user.pk
        posted = request.method == "POST"
        # The CSRF check happens after this middleware, in the view stage: a form from
        # another site must not put text into a caseworker's form.
        csrf_ok = posted and CsrfViewMiddleware(self.get_response).process_view(request, _no_view, (), {}) is None
        fields = kept_input_fields(request.POST) if csrf_ok else {}
        page = (form_page(request) if csrf_ok else None) or reverse(settings.LOGIN_REDIRECT_URL)
        logout(request)
        minutes = settings.VICTORY_IDLE_TIMEOUT // 60
        messages.info(
            request,
            _("You were logged out after %(minutes)s minutes without activity. Log in again to go on.")
            % {"minutes": minutes},
        )
        if not posted:
            return redirect_to_login(request.get_full_path())
        kept = kept_input_keep(
            request=request,
            owner=f"user:{user_id}",
            path=request.path,
            page=page,
            fields=fields,
            files_dropped=bool(request.FILES),
        )
        if kept:
            messages.info(
                request,
                _("What you typed was not sent yet, and it is not lost. Log in again to see it and send it."),
            )
        return redirect_to_login(page)


def _no_view(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    return HttpResponse(status=204)


def _is_keep_alive(request: HttpRequest) -> bool:
    try:
        return resolve(request.path_info).url_name == "keep_alive"
    except Resolver404:
        return False


def session_touch(request: HttpRequest) -> None:
    """Restart the idle clock now (the keep-alive: "Stay logged in")."""
    request.session[SESSION_LAST_SEEN] = time.time()
