"""What a person sees on every public page, and what the platform never does to them."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.openapi_check import OpenAPIClient

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/{lang}/", "/{lang}/safety/", "/{lang}/staff/login/", "/{lang}/staff/password-reset/"]
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_every_public_page_in_every_language(client: Client, page: str, lang: str) -> None:
    response = client.get(page.format(lang=lang))
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if lang in settings.LANGUAGES_BIDI else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html
    if "/staff/" in page:
        # Staff pages carry neither the victim's exit control nor its listener.
        assert "data-exit-this-page" not in html
        assert "exit-this-page.js" not in html
    else:
        assert "data-exit-this-page" in html
        # The platform's own exit address, which ends the visit before the neutral site.
        assert f'href="/{lang}/exit/"' in html
        assert f'href="{settings.VICTORY_EXIT_URL}"' not in html
    assert 'href="tel:112"' in html
    assert 'href="tel:116006"' in html
    # Every language offers every other, each named in itself.
    for code in LANGUAGE_CODES:
        assert f'lang="{code}"' in html


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_pages_load_nothing_from_another_host(client: Client, page: str) -> None:
    html = client.get(page.format(lang="en")).content.decode()
    loaded = re.findall(r'<(?:script|link|img|iframe|source|video|audio)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert loaded, "the page should at least load its own stylesheet and script"
    assert all(url.startswith("/") and not url.startswith("//") for url in loaded), loaded
    assert "<style" not in html
    assert " style=" not in html
    assert "<script>" not in html  # every script is a static file


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_pages_set_no_cookie(client: Client, page: str) -> None:
    response = client.get(page.format(lang="en"))
    assert not response.cookies or set(response.cookies) <= {"csrftoken"}
    if "csrftoken" in response.cookies:
        assert "<form" in response.content.decode()  # only pages with a form need one


def test_root_sends_the_person_to_their_language(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="eu,es;q=0.8")
    assert response.status_code == 302
    assert response["Location"] == "/eu/"


def test_language_switcher_keeps_the_page(client: Client) -> None:
    html = client.get("/en/safety/").content.decode()
    assert 'href="/fi/safety/"' in html
    assert 'href="/hu/safety/"' in html


@pytest.mark.parametrize("path", ["/en/", "/api/v1/health", "/en/staff/login/", "/static/css/victory.css"])
def test_security_headers_on_every_response(client: Client, path: str) -> None:
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_content_security_policy_is_strict_and_hands_out_no_nonce(client: Client) -> None:
    """Every script and stylesheet is a static file from 'self': no nonce is needed, so
    none is sent, and none sits in the markup of a page that may be cached."""
    policy = client.get("/en/")["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "nonce" not in policy
    html = client.get("/en/").content.decode()
    assert '<script src="/static/js/exit-this-page.js" defer></script>' in html
    assert "nonce" not in html


def test_no_client_address_reaches_the_logs_or_the_request(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    address = "203.0.113.77"
    with caplog.at_level(logging.DEBUG):
        client.get("/en/this-page-does-not-exist/", REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=address)
        client.post("/api/v1/auth/token", data="{not json", content_type="application/json", REMOTE_ADDR=address)
    assert address not in caplog.text
    assert caplog.records, "the 404 and the bad request should have been logged"


def test_the_request_keeps_only_a_rotating_fingerprint() -> None:
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory

    from victory.core.middleware import ClientAddressMiddleware, client_fingerprint

    seen: list[HttpRequest] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return HttpResponse()

    request = RequestFactory().get("/en/", REMOTE_ADDR="203.0.113.77", HTTP_X_FORWARDED_FOR="198.51.100.9")
    ClientAddressMiddleware(view)(request)
    meta = " ".join(f"{key}={value}" for key, value in seen[0].META.items())
    assert "203.0.113.77" not in meta
    assert "198.51.100.9" not in meta
    today = client_fingerprint("203.0.113.77", day="2026-11-25")
    assert today == client_fingerprint("203.0.113.77", day="2026-11-25")
    assert today != client_fingerprint("203.0.113.77", day="2026-11-26")
    assert today != client_fingerprint("203.0.113.78", day="2026-11-25")


@pytest.mark.parametrize(("fetch_site", "expected"), [("same-origin", 200), ("cross-site", 403), (None, 403)])
def test_form_posts_under_no_referrer_are_checked_by_fetch_metadata(fetch_site: str | None, expected: int) -> None:
    """With no-referrer, browsers post with ``Origin: null``: only the browser's own
    same-origin marker (plus the token) lets such a post through."""
    client = OpenAPIClient(enforce_csrf_checks=True)
    client.get("/en/staff/login/")
    token = client.cookies["csrftoken"].value
    headers: dict[str, Any] = {"HTTP_ORIGIN": "null"}
    if fetch_site:
        headers["HTTP_SEC_FETCH_SITE"] = fetch_site
    response = client.post(
        "/en/staff/login/",
        {"email": "a@test.victory.example", "password": "x", "csrfmiddlewaretoken": token},
        secure=True,
        **headers,
    )
    assert response.status_code == expected


def test_ipv6_clients_are_counted_by_their_network() -> None:
    from victory.core.middleware import client_fingerprint

    one = client_fingerprint("2001:db8:1:2::10", day="2026-11-25")
    assert one == client_fingerprint("2001:db8:1:2:ffff::99", day="2026-11-25")
    assert one != client_fingerprint("2001:db8:1:3::10", day="2026-11-25")
    assert client_fingerprint("::ffff:203.0.113.7", day="2026-11-25") == client_fingerprint(
        "203.0.113.7", day="2026-11-25"
    )


def test_no_cookie_outlives_the_browser_on_public_forms(client: Client) -> None:
    """On a shared device, no lasting cookie may show that someone visited."""
    response = client.get("/en/staff/login/")
    for cookie in response.cookies.values():
        assert not cookie["max-age"]
        assert not cookie["expires"]


@pytest.mark.parametrize("page", ["/en/", "/en/safety/", "/en/rights/", "/en/support/"])
def test_public_pages_can_be_cached_whole_per_language(client: Client, page: str) -> None:
    """No session is read for an anonymous visitor, so the page does not vary by cookie."""
    response = client.get(page)
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")


def test_an_unknown_language_in_the_address_leads_to_the_page_in_a_known_one(client: Client) -> None:
    response = client.get("/de/support/?country=PT", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    assert response["Location"] == "/es/support/?country=PT"


def test_a_missing_page_is_helpful(client: Client) -> None:
    response = client.get("/pt/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="pt"' in html
    assert 'href="/pt/"' in html
    assert 'href="tel:112"' in html


def test_a_language_variant_in_the_address_leads_to_its_language(client: Client) -> None:
    response = client.get("/pt-br/support/")
    assert response.status_code == 302
    assert response["Location"] == "/pt/support/"
