"""Errors the cases services raise that views and the API answer in their own way."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class MissingConsent:
    """One thing a referral would share without a consent in force covering it."""

    purpose: str  # a ConsentPurpose code
    recipient_id: int
    section: str  # a CaseSection code


class MissingConsents(ValidationError):
    """A referral refused at the consent gate: ``missing`` names every uncovered
    (purpose, recipient, section). A ValidationError with a translated message for the
    page; the API answers 409 with ``{"missing_consents": [...]}``."""

    def __init__(self, message: str, missing: list[MissingConsent]) -> None:
        super().__init__(message, code="missing_consent")
        self.missing = missing
