"""Organisations (written by platform administrators), and what a person reporting
sees of one (its public profile)."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from victory.accounts.permissions import (
    administers_platform,
)
from victory.core.audit import audit_record

from ..models import (
    Organisation,
    OrganisationKind,
    User,
)

# --- Organisations (platform administrators) ----------------------------------


def _validate_countries(countries: list[str]) -> list[str]:
    cleaned = sorted({code.strip().upper() for code in countries if code.strip()})
    for code in cleaned:
        if len(code) != 2 or not code.isalpha():
            raise ValidationError({"countries": _("“%(code)s” is not a two-letter country code.") % {"code": code}})
    return cleaned


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    countries: list[str],
    accepts_public_reports: bool = False,
    is_fictional: bool = False,
) -> Organisation:
    """``actor`` None means the platform itself (demo seeding, management commands)."""
    if actor is not None and not administers_platform(actor):
        raise PermissionDenied
    organisation = Organisation(
        name=name.strip(),
        kind=OrganisationKind(kind),
        countries=_validate_countries(countries),
        accepts_public_reports=accepts_public_reports,
        is_fictional=is_fictional,
    )
    organisation.full_clean()
    organisation.save()
    audit_record(action="organisation.created", actor=actor, organisation=organisation, obj=organisation)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str | None = None,
    kind: str | None = None,
    countries: list[str] | None = None,
    accepts_public_reports: bool | None = None,
    is_active: bool | None = None,
) -> Organisation:
    if actor is not None and not administers_platform(actor):
        raise PermissionDenied
    changed = []
    for field, value in (
        ("name", name.strip() if name is not None else None),
        ("kind", kind),
        ("countries", _validate_countries(countries) if countries is not None else None),
        ("accepts_public_reports", accepts_public_reports),
        ("is_active", is_active),
    ):
        if value is not None and getattr(organisation, field) != value:
            setattr(organisation, field, value)
            changed.append(field)
    return _organisation_changes_save(actor=actor, organisation=organisation, changed=changed)


def _organisation_changes_save(*, actor: User | None, organisation: Organisation, changed: list[str]) -> Organisation:
    """Validate and save the ``changed`` fields, with one audit event naming them."""
    if changed:
        organisation.full_clean()
        organisation.save(update_fields=changed)
        audit_record(
            action="organisation.updated",
            actor=actor,
            organisation=organisation,
            obj=organisation,
            reason=", ".join(changed),
        )
    return organisation


# --- What a person reporting sees of an organisation -----------------------------

# ISO 639-1 or 639-2/3 codes, optionally with a region: "pt", "rom", "pt-br".
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


def validate_languages(languages: list[str]) -> list[str]:
    cleaned: list[str] = []
    for code in (value.strip().lower().replace("_", "-") for value in languages):
        if not code:
            continue
        if not _LANGUAGE_CODE.match(code):
            raise ValidationError(
                {"languages": _("“%(code)s” is not a language code such as pt, en or rom.") % {"code": code}}
            )
        if code not in cleaned:
            cleaned.append(code)  # in the order given: the organisation's main language first
    return cleaned


@transaction.atomic
def organisation_public_profile_set(
    *, actor: User | None, organisation: Organisation, languages: list[str], description: str
) -> Organisation:
    """Set the languages and the one-sentence description shown on the report form.
    ``actor`` None means the platform itself (demo seeding, management commands)."""
    if actor is not None and not administers_platform(actor):
        raise PermissionDenied
    values = {"languages": validate_languages(languages), "description": " ".join(description.split())}
    changed = [name for name, value in values.items() if getattr(organisation, name) != value]
    for name in changed:
        setattr(organisation, name, values[name])
    return _organisation_changes_save(actor=actor, organisation=organisation, changed=changed)
