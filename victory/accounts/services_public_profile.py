"""What a person reporting sees of an organisation before sending: the languages it
works in and one sentence on what it does (its countries are set by
``services.organisation_create``/``organisation_update``).

Kept in its own module while issue 8 is built in parallel; it belongs with the other
organisation writes in ``services.py`` and can move there unchanged.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from victory.core.audit import audit_record
from victory.core.permissions import can_manage_organisations

from .models import Organisation, User

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
    if actor is not None and not can_manage_organisations(actor):
        raise PermissionDenied
    values = {"languages": validate_languages(languages), "description": " ".join(description.split())}
    changed = [name for name, value in values.items() if getattr(organisation, name) != value]
    if not changed:
        return organisation
    for name in changed:
        setattr(organisation, name, values[name])
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
