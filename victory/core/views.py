"""Public pages of the shell. They set no cookie and make no request to another host."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "core/home.html"


class SafetyAdviceView(TemplateView):
    template_name = "core/safety.html"


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A helpful "not found": an address in a language we do not have (e.g. /de/support/)
    is sent to the same page in the reader's language; anything else gets a page that
    offers the way home in every language, never a bare error."""
    segments = request.path.lstrip("/").split("/", 1)
    known = {code for code, _name in settings.LANGUAGES}
    if (
        len(segments) == 2
        and segments[0] not in known
        and 2 <= len(segments[0]) <= 7
        and segments[0].replace("-", "").isalpha()
    ):
        language = translation.get_language_from_request(request) or settings.LANGUAGE_CODE
        target = f"/{language}/{segments[1]}"
        try:
            resolve(target)
        except Resolver404:
            pass
        else:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(target + (f"?{query}" if query else ""))
    return render(request, "404.html", status=404)
