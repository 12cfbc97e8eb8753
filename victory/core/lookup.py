"""Keyed digests that let the database find an encrypted value without holding it.

An encrypted column cannot be searched (each value has its own random nonce), so a
value that must be looked up (a login e-mail address) is stored twice: encrypted, and
as an HMAC under the pepper (``VICTORY_PEPPER``), a secret kept outside the database.
A stolen database alone cannot be searched for a known address.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def lookup_digest(value: str, *, purpose: str) -> str:
    key = hmac.new(settings.VICTORY_PEPPER.encode(), f"lookup:{purpose}".encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
