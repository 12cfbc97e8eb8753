"""Receipts: the only key a reporter needs to come back, and never stored.

A receipt is ``RECEIPT_DIGITS`` random digits (24 ≈ 80 bits), shown once. The database
keeps only Argon2id(receipt) under one site-wide salt derived from the pepper
(``VICTORY_PEPPER``, kept outside the database), so a login is one hash and one
indexed lookup. The multi-target sizing (DESIGN.md): with the pepper leaked and 10^6
reports stored, an attacker needs about 10^24 / 10^6 = 10^18 guesses for one hit; at
the hash cost below (≈0.16 s per guess on one core here) that is ≈5·10^9 core-years,
far above the 10^6 asked for, while a login stays well under a quarter of a second.
See docs/security.md and docs/performance.md for the measured figures.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings

RECEIPT_DIGITS = 24
GROUP = 4


def receipt_generate() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def receipt_format(receipt: str) -> str:
    """Groups of four digits, easier to copy down: 1234 5678 …"""
    return " ".join(receipt[i : i + GROUP] for i in range(0, len(receipt), GROUP))


def receipt_normalise(text: str) -> str | None:
    """The digits of what the person typed (spaces, dashes and dots allowed), or None
    when it cannot be a receipt."""
    digits = "".join(ch for ch in text if ch.isdigit() and ch.isascii())
    leftovers = "".join(ch for ch in text if not ch.isdigit() and ch not in " -.\u00a0\t")
    if leftovers or len(digits) != RECEIPT_DIGITS:
        return None
    return digits


def _site_salt() -> bytes:
    return hmac.new(settings.VICTORY_PEPPER.encode(), b"victory:receipt-salt", hashlib.sha256).digest()[:16]


def receipt_digest(receipt: str) -> str:
    """Argon2id of the receipt, peppered through the site-wide salt (hex, 64 characters)."""
    params = settings.VICTORY_RECEIPT_HASH
    raw = hash_secret_raw(
        secret=receipt.encode(),
        salt=_site_salt(),
        time_cost=params["time_cost"],
        memory_cost=params["memory_cost"],
        parallelism=params["parallelism"],
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()
