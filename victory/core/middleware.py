"""Request-wide safety: no client address survives the first middleware, and every
response carries the security headers Django does not set by itself."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# Headers a proxy may use to pass the client's address along.
_ADDRESS_KEYS = ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def _client_network(address: str) -> str:
    """IPv6 clients are counted by their /64 network: one home or phone gets a whole
    /64 and could otherwise change address between attempts."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_fingerprint(address: str, *, day: str) -> str:
    """A keyed hash of the client address (its /64 for IPv6) that changes every day.

    Good enough to rate-limit one client, useless to identify them: the salt is the
    secret key plus the date, so yesterday's fingerprints cannot be linked to today's.
    (Counts therefore restart at midnight: the price of not keeping a stable trace.)
    """
    salt = f"{settings.SECRET_KEY}:client:{day}".encode()
    return hmac.new(salt, _client_network(address).encode(), hashlib.sha256).hexdigest()[:32]


class ClientAddressMiddleware:
    """Replace the client's address with a rotating keyed hash before anything can log it.

    Runs first. After it, ``request.client_fingerprint`` is the only trace of the
    address: ``REMOTE_ADDR`` and the forwarding headers are removed from the request,
    so error reports, logs and later code cannot record where a person came from.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = request.META.get("REMOTE_ADDR", "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if settings.VICTORY_BEHIND_PROXY and forwarded:
            # The proxy appends the address it saw last; earlier entries are client-supplied.
            address = forwarded.split(",")[-1].strip()
        request.client_fingerprint = client_fingerprint(  # type: ignore[attr-defined]
            address or "unknown", day=timezone.now().date().isoformat()
        )
        for key in _ADDRESS_KEYS:
            request.META.pop(key, None)
        request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104  (a placeholder, never a bind address)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware and CSP middleware leave out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.VICTORY_PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class NullOriginMiddleware:
    """Lets Django's CSRF protection work with ``Referrer-Policy: no-referrer``.

    Under that policy browsers send ``Origin: null`` and no ``Referer`` with a form
    post, which Django's CSRF middleware would reject. The browser's own
    ``Sec-Fetch-Site: same-origin`` header, which a page on another site cannot set,
    proves what the Origin header would have: such a request gets this site's origin
    before the CSRF middleware runs. The CSRF token is still required as always.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("HTTP_ORIGIN") == "null" and request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)
