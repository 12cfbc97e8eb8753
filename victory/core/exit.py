"""The platform's own exit address: "Exit this page" ends the visit on this device,
then sends the browser to the neutral site (``VICTORY_EXIT_URL``)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache


@method_decorator(never_cache, name="dispatch")
class ExitView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        request.session.flush()
        return HttpResponseRedirect(settings.VICTORY_EXIT_URL)
