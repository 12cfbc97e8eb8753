"""Caching public pages whole, safely.

A public page is the same for every anonymous reader of one address (the language and
the filters are in it), so it can be cached. Two rules keep that safe:
- a request that carries a session cookie is never served from, nor stored in, the
  cache: its page may hold that person's messages;
- any change to published content bumps a version that is part of every cache key,
  so an administrator's edit (or an unpublished service) shows at once.

Pages live in their own store (``settings.CACHES["pages"]``), which culls only pages:
a flood of distinct addresses can push out other pages, nothing else. The version
lives in the counter store, which never evicts: were it evicted, it would start again
at 1 and pages cached before an edit could be served again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.cache import cache_page

from victory.core.counters import COUNTERS, CounterStore

PAGES = "pages"  # the alias in settings.CACHES
PUBLIC_CACHE_SECONDS = 300
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
    if not isinstance(caches[COUNTERS], CounterStore):
        transaction.on_commit(_bump, robust=True)


def public_cache(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        cached = cache_page(PUBLIC_CACHE_SECONDS, cache=PAGES, key_prefix=f"public-v{public_content_version()}")(view)
        return cached(request, *args, **kwargs)

    return wrapper
