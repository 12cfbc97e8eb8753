"""The request as the platform's middleware leaves it, for type checking.

Django's ``HttpRequest`` does not know what our middleware adds; views annotate their
request with these classes instead of ignoring the type checker at every use. They are
never instantiated: Django builds the request, the middleware sets the attributes.
"""

from __future__ import annotations

from django.http import HttpRequest


class ClientRequest(HttpRequest):
    """Every request after ``ClientAddressMiddleware`` (the first middleware): the client
    is known only by ``client_fingerprint``, a keyed hash of its address that changes
    every day, which is what rate limits count."""

    client_fingerprint: str
