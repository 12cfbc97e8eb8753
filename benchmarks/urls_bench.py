"""The platform's addresses plus one bare view: the floor every public page is compared
with in ``benchmarks/bench_public_pages.py`` (same middleware, no template, no query)."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from victory.urls import urlpatterns as victory_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [path("bench/bare/", bare), *victory_urlpatterns]
