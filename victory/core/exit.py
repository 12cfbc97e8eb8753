"""The platform's own exit address: "Exit this page" ends the visit on this device,
then sends the browser to the neutral site (``VICTORY_EXIT_URL``).

What ends, before the neutral site loads: the session (a reporter's inbox login, an
unsent report and, through ``visit_ending``, its uploaded files, the "your report was
sent" page and its PDF), the session and CSRF cookies, and what the browser keeps for
this site (``Clear-Site-Data``: its cookies and storage, applied by browsers on
secure origins, which include http://127.0.0.1 and http://localhost). Not its cache:
Chromium can take seconds to clear one, and holds the redirect to the neutral site
until it is done, which is the one thing an exit must not do; every page with
personal content is ``no-store`` anyway, so the cache holds none of it.

It answers a GET because without JavaScript the control is an ordinary link. A hostile
site could then link to it and, with the session cookie a top-level navigation carries,
destroy an unsent report and its files or log a caseworker out. So a request the
browser marks as coming from another site (``Sec-Fetch-Site: cross-site``) is only
redirected, and ends nothing. The control itself sends ``same-origin``, a bookmark or
a typed address ``none``; browsers too old to send the header are treated as ours, so
the way out never fails for a person.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.views import View

from victory.core.signals import visit_ending

logger = logging.getLogger(__name__)

CLEAR_SITE_DATA = '"cookies", "storage"'


class ExitRedirect(HttpResponseRedirect):
    # 303 See Other: the neutral site is fetched with a GET, whatever led here.
    status_code = 303


class ExitView(View):
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            response = ExitRedirect(settings.VICTORY_EXIT_URL)
            add_never_cache_headers(response)
            return response
        for receiver, result in visit_ending.send_robust(sender=self.__class__, request=request):
            if isinstance(result, Exception):
                logger.error("A visit_ending receiver failed: %s", receiver, exc_info=result)
        # Deletes the session on the server, so a copied or replayed cookie opens nothing;
        # the session middleware then deletes the cookie in the browser.
        request.session.flush()
        response = ExitRedirect(settings.VICTORY_EXIT_URL)
        add_never_cache_headers(response)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        response.delete_cookie(
            settings.CSRF_COOKIE_NAME,
            path=settings.CSRF_COOKIE_PATH,
            domain=settings.CSRF_COOKIE_DOMAIN,
        )
        response.delete_cookie(
            settings.SESSION_COOKIE_NAME,
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
        )
        return response
