"""Public references for cases and referrals: random, so an address reveals neither how
many cases an organisation holds nor its neighbours' references."""

from __future__ import annotations

import secrets

# Crockford's base 32 without I, L, O, U: read aloud on the phone without confusion.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference_new(prefix: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def case_reference_new() -> str:
    return reference_new("CA")


def referral_reference_new() -> str:
    return reference_new("RF")
