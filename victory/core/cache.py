"""Caching public pages whole, safely, and serving them before the rest of the stack.

A public page is the same for every anonymous reader of one address (the language and
the filters are in it), so it can be cached. Two rules keep that safe:
- a request that carries a session cookie is never served from, nor stored in, the
  cache: its page may hold that person's messages;
- any change to published content bumps a version that is part of every cache key,
  so an administrator's edit (or an unpublished service) shows at once in the worker
  that made it and within ``VERSION_HELD_SECONDS`` (one second) in every other.

A view opts in with ``public_cache``; ``PublicPageCacheMiddleware``, second in
``settings.MIDDLEWARE`` (after the client address is hashed away), stores what such a
view answered, as the visitor received it, and answers the next request for that
address itself, without running the session, language, CSRF, authentication or view
code again: that is what brings a cached page near the rate of a bare Django view
(docs/performance.md). Every security header of the stored response was set by the
middleware below this one (CSP, HSTS, X-Content-Type-Options, Referrer-Policy, COOP,
Permissions-Policy, CORP, X-Frame-Options), and none of them depends on anything but
the address and its scheme, both in the key: so a page from the cache carries exactly
the headers the first one did. The one header that could carry a per-response secret,
a CSP nonce, is refused: a response whose policy names a nonce is never stored, or
every later reader would get the first one's (no page uses a nonce: every script and
stylesheet is a static file from 'self').

Each worker also keeps the pages it served most recently in its own memory
(``_PageMemory``), under the same key and for no longer than the shared store would,
and the content version it read last for one second: reading the version was a third
of a cached page's time (one query each), and the pages themselves are sent with
``max-age=300``, so a browser may keep an edited page five minutes anyway.

Pages live in their own store (``settings.CACHES["pages"]``), which culls only pages:
a flood of distinct addresses can push out other pages, nothing else. The version
lives in the counter store, which never evicts: were it evicted, it would start again
at 1 and pages cached before an edit could be served again.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_response_headers
from django.utils.csp import CSP

from victory.core.counters import COUNTERS, CounterStore

PAGES = "pages"  # the alias in settings.CACHES
PUBLIC_CACHE_SECONDS = 300
# How long a worker trusts the content version it read last (see the docstring).
VERSION_HELD_SECONDS = 1.0
_VERSION_KEY = "public-content-version"


def public_content_version() -> int:
    store = caches[COUNTERS]
    version = store.get(_VERSION_KEY)
    if version is None:
        store.add(_VERSION_KEY, 1, timeout=None)
        version = store.get(_VERSION_KEY) or 1
    return int(version)


def _bump() -> None:
    store = caches[COUNTERS]
    try:
        store.incr(_VERSION_KEY)
    except ValueError:  # never read yet
        if not store.add(_VERSION_KEY, 2, timeout=None):
            store.incr(_VERSION_KEY)


def public_content_changed() -> None:
    """Call when anything shown on cached public pages changes.

    In the database store the bump joins the edit's transaction and commits with it.
    Redis sees it at once, before the edit is committed, and a page rendered in between
    would be cached, unedited, under the new version: so with Redis it is bumped again
    after the commit."""
    _bump()
    page_memory.forget_version()
    if not isinstance(caches[COUNTERS], CounterStore):
        transaction.on_commit(_bump, robust=True)
    transaction.on_commit(page_memory.forget_version, robust=True)


def public_cache(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Mark ``view``'s answers as the same for every anonymous reader of the address:
    ``PublicPageCacheMiddleware`` stores them for ``PUBLIC_CACHE_SECONDS``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response.victory_public_cache = True  # type: ignore[attr-defined]
        return response

    wrapper.victory_public_cache = True  # type: ignore[attr-defined]  # read by _is_public_page
    return wrapper


def _is_public_page(request: HttpRequest) -> bool:
    """Whether the address leads to a ``public_cache`` view, so that only those are looked
    up in the shared store: any other anonymous request (the report form, the API, an
    unknown address) costs no read of it. The language of the address is activated for
    the lookup, as LocaleMiddleware would, since the language prefix is part of it."""
    language = translation.get_language_from_path(request.path_info)
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return bool(getattr(match.func, "victory_public_cache", False))


# What one stored page is: when it was stored, its status, its headers, its body.
StoredPage = tuple[float, int, dict[str, tuple[str, str]], bytes]


class _PageMemory:
    """The pages one worker served last, at most ``size``, each until it expires."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[str, tuple[float, StoredPage]] = OrderedDict()
        self._lock = threading.Lock()  # runserver and threaded workers share it
        self._version: tuple[float, int] | None = None  # (held until, version)

    def content_version(self) -> int:
        held = self._version
        now = time.monotonic()
        if held is not None and now < held[0]:
            return held[1]
        version = public_content_version()
        self._version = (now + VERSION_HELD_SECONDS, version)
        return version

    def forget_version(self) -> None:
        self._version = None

    def get(self, key: str) -> StoredPage | None:
        with self._lock:
            held = self._pages.get(key)
            if held is None:
                return None
            expires_at, page = held
            if expires_at <= time.time():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return page

    def set(self, key: str, page: StoredPage, expires_at: float) -> None:
        with self._lock:
            self._pages[key] = (expires_at, page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
        self._version = None


# About 30 kB a page: a few megabytes per worker at most.
page_memory = _PageMemory(size=200)


def _eligible(request: HttpRequest) -> bool:
    return request.method == "GET" and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _page_key(request: HttpRequest) -> str | None:
    """The address as the visitor asked for it: scheme (HSTS is sent over HTTPS only),
    host, path with its language prefix, and query; under the current content version.
    None for a host this site does not serve (the rest of the stack answers 400)."""
    try:
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    except DisallowedHost:
        return None
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:v{page_memory.content_version()}:{digest}"


def _storable(response: HttpResponseBase) -> bool:
    if not getattr(response, "victory_public_cache", False):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False  # a cookie set for one visitor must never reach the next
    if response.has_header("Vary"):
        return False  # it depends on a request header the key does not hold
    if "'nonce-" in response.get(str(CSP.HEADER_ENFORCE), "") + response.get(str(CSP.HEADER_REPORT_ONLY), ""):
        return False  # a nonce served twice is no nonce (see the module's docstring)
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


class PublicPageCacheMiddleware:
    """Answers an anonymous GET for a cached public page from the pages store, before
    the rest of the middleware runs; stores what a ``public_cache`` view answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _eligible(request):
            return self.get_response(request)
        key = _page_key(request)
        if key is None:
            return self.get_response(request)
        stored = page_memory.get(key)
        if stored is None and _is_public_page(request):
            stored = caches[PAGES].get(key)
            if stored is not None:
                page_memory.set(key, stored, expires_at=stored[0] + PUBLIC_CACHE_SECONDS)
        if stored is not None:
            return _from_stored(stored)
        response = self.get_response(request)
        if _storable(response):
            patch_response_headers(response, PUBLIC_CACHE_SECONDS)
            # Neither an Expires date nor an Age: either would tell the next visitor when
            # someone last opened this address (a directory search for one town and one
            # group, say). max-age alone says as much about freshness.
            del response.headers["Expires"]
            content = response.content  # type: ignore[attr-defined]
            headers = dict(response.headers._store)  # see _from_stored
            page: StoredPage = (time.time(), response.status_code, headers, content)
            caches[PAGES].set(key, page, PUBLIC_CACHE_SECONDS)
            page_memory.set(key, page, expires_at=page[0] + PUBLIC_CACHE_SECONDS)
        return response


def _from_stored(stored: StoredPage) -> HttpResponse:
    _stored_at, status, headers, content = stored
    response = HttpResponse(content, status=status)
    # Django's own store of the headers, as they were when the page was stored: each
    # name and value was checked then, and checking them again on every hit cost a
    # cached page a sixth of its time.
    response.headers._store.update(headers)
    return response
