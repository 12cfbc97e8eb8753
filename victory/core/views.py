"""Public pages of the shell. They set no cookie and make no request to another host."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "core/home.html"


class SafetyAdviceView(TemplateView):
    template_name = "core/safety.html"


class RightNowView(TemplateView):
    """The page "I was attacked – what can I do right now?": safety, care, evidence, who to call."""

    template_name = "core/right_now.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            report_url=reverse("reports:start"),
            rights_url=reverse("rights:index"),
            directory_url=reverse("support:directory"),
        )
        return context


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A helpful "not found": an address in a language we do not have (e.g. /de/support/)
    is sent to the same page in the reader's language; anything else gets a page that
    offers the way home in every language, never a bare error."""
    segments = request.path.lstrip("/").split("/", 1)
    known = {code for code, _name in settings.LANGUAGES}
    prefix = segments[0]
    if len(segments) == 2 and prefix not in known and 2 <= len(prefix) <= 7 and prefix.replace("-", "").isalpha():
        try:  # a variant we serve in its base language (pt-br → pt), else the reader's language
            language = translation.get_supported_language_variant(prefix)
        except LookupError:
            language = translation.get_language_from_request(request) or settings.LANGUAGE_CODE
        target = f"/{language}/{segments[1]}"
        with translation.override(language):
            try:
                resolve(target)
            except Resolver404:
                target = ""
        if target:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(target + (f"?{query}" if query else ""))
    return render(request, "404.html", status=404)
