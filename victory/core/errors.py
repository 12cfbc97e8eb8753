"""Exceptions the services of several apps raise and the views and API answer alike."""

from __future__ import annotations


class AuthenticationFailed(Exception):
    """A wrong credential: e-mail, password, code, receipt or token. Deliberately says no
    more than that, so a caller cannot tell which part was wrong."""
