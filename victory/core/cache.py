"""Caching public pages whole, safely.

A public page is the same for every anonymous reader of one address (the language and
the filters are in it), so it can be cached. Two rules keep that safe:
- a request that carries a session cookie is never served from, nor stored in, the
  cache: its page may hold that person's messages;
- any change to published content bumps a version that is part of every cache key,
  so an administrator's edit (or an unpublished service) shows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.cache import cache_page

PUBLIC_CACHE_SECONDS = 300
_VERSION_KEY = "public-content-version"


def public_content_version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, timeout=None)
        version = cache.get(_VERSION_KEY) or 1
    return int(version)


def public_content_changed() -> None:
    """Call when anything shown on cached public pages changes."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, timeout=None)


def public_cache(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        cached = cache_page(PUBLIC_CACHE_SECONDS, key_prefix=f"public-v{public_content_version()}")(view)
        return cached(request, *args, **kwargs)

    return wrapper
