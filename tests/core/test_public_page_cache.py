"""Cached public pages, answered before the rest of the middleware, exactly as safe as
the page the first visitor got (victory.core.cache.PublicPageCacheMiddleware)."""

from __future__ import annotations

import re
import time
from io import StringIO
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.utils.csp import CSP

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

from victory.core.cache import PublicPageCacheMiddleware, page_memory, public_cache
from victory.support.content_services import content_seed

pytestmark = pytest.mark.django_db

PAGE = "/en/rights/protection/"
# Set by the middleware below the cache on every response; a page from the cache must
# carry each of them as the first one did.
SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
]


@pytest.fixture
def content() -> None:
    content_seed(
        content={
            "en": [
                {
                    "slug": "protection",
                    "kind": "right",
                    "right_letter": "c",
                    "need": "emotional",
                    "title": "Being protected",
                    "summary": "You can ask for protection.",
                    "body": "You have the right to be safe.",
                    "what_you_can_do": "- Call 112 if you are in danger.",
                }
            ],
            "es": [
                {
                    "slug": "protection",
                    "title": "Estar protegida o protegido",
                    "summary": "Puedes pedir protección.",
                    "body": "Tienes derecho a estar a salvo.",
                    "what_you_can_do": "- Llama al 112 si estás en peligro.",
                }
            ],
        }
    )


def _from_cache(response: _MonkeyPatchedWSGIResponse) -> bool:
    """The session middleware, below the cache, never saw a request answered from it."""
    return not hasattr(response.wsgi_request, "session")


def test_the_second_anonymous_visitor_is_answered_from_the_cache(content: None) -> None:
    first = Client().get(PAGE)
    second = Client().get(PAGE)
    assert first.status_code == second.status_code == 200
    assert not _from_cache(first)
    assert _from_cache(second)
    assert second.content == first.content
    assert "Being protected" in second.content.decode()
    assert second["Cache-Control"] == first["Cache-Control"] == "max-age=300"



def test_a_cached_page_does_not_tell_when_someone_last_opened_its_address(content: None) -> None:
    """A hate group polling a directory search for one town and one group must not learn
    from the answer that someone ran it a minute ago."""
    Client().get("/en/support/?country=HU&region=P%C3%A9cs&group=anti_roma")
    again = Client().get("/en/support/?country=HU&region=P%C3%A9cs&group=anti_roma")
    assert _from_cache(again)
    assert not again.has_header("Age")
    assert not again.has_header("Expires")
    assert again["Cache-Control"] == "max-age=300"


@override_settings(SECURE_HSTS_SECONDS=3600)
def test_a_page_from_the_cache_carries_every_security_header_of_the_first(content: None) -> None:
    first = Client().get(PAGE, secure=True)
    second = Client().get(PAGE, secure=True)
    assert _from_cache(second)
    for header in SECURITY_HEADERS:
        assert second[header] == first[header], header
    assert second["Content-Language"] == first["Content-Language"] == "en"


@override_settings(SECURE_HSTS_SECONDS=3600)
def test_a_page_asked_for_over_http_never_gets_the_https_answer(content: None) -> None:
    """HSTS is sent over HTTPS only: the scheme is part of the address that is cached."""
    Client().get(PAGE, secure=True)
    plain = Client().get(PAGE)
    assert not _from_cache(plain)
    assert "Strict-Transport-Security" not in plain


def test_no_nonce_is_handed_out_twice_by_a_cached_page(content: None) -> None:
    first = Client().get(PAGE)
    second = Client().get(PAGE)
    assert _from_cache(second)
    for response in (first, second):
        assert "nonce" not in response["Content-Security-Policy"]
        assert "nonce" not in response.content.decode()


@override_settings(SECURE_CSP={**settings.SECURE_CSP, "script-src": [CSP.SELF, CSP.NONCE]})
def test_a_page_whose_policy_names_a_nonce_is_never_cached(rf: RequestFactory) -> None:
    """Were a nonce ever brought back, each reader must get their own, not the first's."""
    from django.middleware.csp import ContentSecurityPolicyMiddleware, get_nonce

    rendered: list[str] = []

    @public_cache
    def page(request: HttpRequest) -> HttpResponse:
        nonce = str(get_nonce(request))
        rendered.append(nonce)
        return HttpResponse(f'<script src="/static/js/x.js" nonce="{nonce}"></script>')

    stack = PublicPageCacheMiddleware(ContentSecurityPolicyMiddleware(page))  # type: ignore[arg-type]
    policies = [stack(rf.get("/en/nonce/"))["Content-Security-Policy"] for _ in range(2)]
    assert len(rendered) == 2
    nonces = [re.search(r"'nonce-([^']+)'", policy).group(1) for policy in policies]  # type: ignore[union-attr]
    assert nonces == rendered
    assert nonces[0] != nonces[1]


def test_a_visitor_with_a_session_is_never_answered_from_the_cache(content: None) -> None:
    Client().get(PAGE)
    person = Client()
    person.cookies[settings.SESSION_COOKIE_NAME] = "some-session"
    response = person.get(PAGE)
    assert response.status_code == 200
    assert not _from_cache(response)


def test_each_language_keeps_its_own_page_whatever_the_browser_asks_for(content: None) -> None:
    assert "Being protected" in Client().get(PAGE).content.decode()
    spanish = Client().get("/es/rights/protection/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Estar protegida o protegido" in spanish.content.decode()
    english = Client().get(PAGE, HTTP_ACCEPT_LANGUAGE="es")
    assert _from_cache(english)
    assert "Being protected" in english.content.decode()
    assert '<html lang="en"' in english.content.decode()


def test_a_different_query_is_a_different_page(content: None) -> None:
    Client().get("/en/support/?country=PT")
    other = Client().get("/en/support/?country=ES")
    assert not _from_cache(other)
    assert _from_cache(Client().get("/en/support/?country=ES"))


def test_a_page_that_sets_a_cookie_or_varies_is_not_stored(rf: RequestFactory) -> None:
    calls: list[str] = []

    @public_cache
    def with_cookie(request: HttpRequest) -> HttpResponse:
        calls.append("cookie")
        response = HttpResponse("hello")
        response.set_cookie("csrftoken", "one-visitors-token")
        return response

    @public_cache
    def varying(request: HttpRequest) -> HttpResponse:
        calls.append("vary")
        response = HttpResponse("hello")
        response["Vary"] = "Accept-Language"
        return response

    for view in (with_cookie, varying):
        stack = PublicPageCacheMiddleware(view)
        for _ in range(2):
            stack(rf.get(f"/en/{view.__name__}/"))
    assert calls == ["cookie", "cookie", "vary", "vary"]


def test_pages_without_the_mark_are_never_stored(client: Client) -> None:
    client.get("/en/safety/")
    assert not _from_cache(Client().get("/en/safety/"))


def test_an_edit_made_by_another_worker_shows_within_a_second(content: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """This worker holds the content version for VERSION_HELD_SECONDS; an edit made in
    another process bumps the stored version without telling it."""
    from django.core.cache import caches

    from victory.core import cache
    from victory.core.counters import COUNTERS
    from victory.support.models import ContentTranslation

    assert "Being protected" in Client().get(PAGE).content.decode()
    ContentTranslation.objects.filter(page__slug="protection", language="en").update(title="Being kept safe")
    caches[COUNTERS].incr(cache._VERSION_KEY)  # as the other worker's edit did
    assert _from_cache(Client().get(PAGE))  # within the second: the page held here
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + cache.VERSION_HELD_SECONDS + 0.1)
    later = Client().get(PAGE)
    assert not _from_cache(later)
    assert "Being kept safe" in later.content.decode()


def test_refresh_public_pages_serves_a_change_made_behind_the_platforms_back(content: None) -> None:
    """A fix written straight into the database (a data migration, an urgent correction)
    bypasses the services' own refresh: the command makes every server build the page anew."""
    from django.core.management import call_command

    from victory.support.models import ContentTranslation

    assert "Being protected" in Client().get(PAGE).content.decode()
    ContentTranslation.objects.filter(page__slug="protection", language="en").update(title="Being kept safe")
    page_memory.clear()  # another server: its memory is empty, the shared store holds the page
    assert "Being protected" in Client().get(PAGE).content.decode()
    call_command("refresh_public_pages", stdout=StringIO())
    assert "Being kept safe" in Client().get(PAGE).content.decode()
