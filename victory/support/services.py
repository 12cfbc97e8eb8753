"""Every write of the support-service directory: creating and editing services, their
translations, publishing, reviews, and importing a whole file.

The admin, the management commands and tests all call these. ``actor`` None is the
platform itself (a management command); a person must be a platform administrator.
Each write records an audit event; values are checked by ``importing`` so that every
path refuses the same things.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.models import Organisation, User
from victory.accounts.permissions import administers_platform
from victory.core.audit import audit_record

from . import importing
from .importing import ServiceRow, TranslationText
from .models import PublicationStatus, SupportService, SupportServiceTranslation
from .search_services import search_index_service

# What service_update may change; "organisation" links a service to an organisation on
# the platform, which files do not carry.
EDITABLE_FIELDS = frozenset({*importing.SERVICE_COLUMNS, "organisation"})
# JSON lists: blank on the model means "required" to full_clean; importing checks them.
_LIST_FIELDS = list(importing.LIST_COLUMNS)


def _require_admin(actor: User | None) -> None:
    if actor is not None and not administers_platform(actor):
        raise PermissionDenied


def _checked(values: Mapping[str, Any]) -> dict[str, Any]:
    """Normalised values, or ValidationError naming every wrong field."""
    normal = importing.service_values_normalise({k: v for k, v in values.items() if k != "organisation"})
    problems = importing.service_problems(normal)
    if problems:
        raise ValidationError(problems)
    if "organisation" in values:
        normal["organisation"] = values["organisation"]
    return normal


def _save_new(values: Mapping[str, Any]) -> SupportService:
    service = SupportService(**values)
    service.full_clean(exclude=_LIST_FIELDS)
    service.save()
    return service


@transaction.atomic
def service_create(
    *,
    actor: User | None,
    slug: str,
    name: str,
    organisation_name: str,
    country: str,
    region: str = "",
    offers: Sequence[str] = (),
    groups: Sequence[str] = (),
    languages: Sequence[str] = (),
    channels: Sequence[str] = (),
    phone: str = "",
    email: str = "",
    website: str = "",
    address: str = "",
    is_free: bool = True,
    accepts_reports_via_victory: bool = False,
    status: str = PublicationStatus.DRAFT,
    last_reviewed_on: date | None = None,
    is_fictional: bool = False,
    organisation: Organisation | None = None,
) -> SupportService:
    _require_admin(actor)
    values = _checked(
        {
            "slug": slug,
            "name": name,
            "organisation_name": organisation_name,
            "country": country,
            "region": region,
            "offers": list(offers),
            "groups": list(groups),
            "languages": list(languages),
            "channels": list(channels),
            "phone": phone,
            "email": email,
            "website": website,
            "address": address,
            "is_free": is_free,
            "accepts_reports_via_victory": accepts_reports_via_victory,
            "status": status,
            "last_reviewed_on": last_reviewed_on,
            "is_fictional": is_fictional,
            "organisation": organisation,
        }
    )
    service = _save_new(values)
    audit_record(action="support_service.created", actor=actor, obj=service)
    search_index_service(service=service)
    return service


def _apply(service: SupportService, data: Mapping[str, Any]) -> list[str]:
    """Set the changed values on ``service`` and save them; returns the changed names."""
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"service_update cannot change {', '.join(sorted(unknown))}")
    values = _checked(data)
    changed = [name for name, value in values.items() if getattr(service, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(service, name, values[name])
    service.full_clean(exclude=_LIST_FIELDS)
    service.save(update_fields=[*changed, "updated_at"])
    return changed


@transaction.atomic
def service_update(*, actor: User | None, service: SupportService, data: Mapping[str, Any]) -> SupportService:
    """Change any of ``EDITABLE_FIELDS``; nothing is written (or audited) when nothing changes."""
    _require_admin(actor)
    changed = _apply(service, data)
    if changed:
        audit_record(action="support_service.updated", actor=actor, obj=service, reason=", ".join(sorted(changed)))
        search_index_service(service=service)
    return service


@transaction.atomic
def service_publish(*, actor: User | None, service: SupportService) -> SupportService:
    """Show the service to the public. It needs a description in at least one language,
    or its page would have nothing to say."""
    _require_admin(actor)
    if service.status == PublicationStatus.PUBLISHED:
        return service
    if not service.translations.exists():
        raise ValidationError(_("Add a description in at least one language before publishing this service."))
    service.status = PublicationStatus.PUBLISHED
    service.save(update_fields=["status", "updated_at"])
    audit_record(action="support_service.published", actor=actor, obj=service)
    search_index_service(service=service)
    return service


@transaction.atomic
def service_unpublish(*, actor: User | None, service: SupportService) -> SupportService:
    _require_admin(actor)
    if service.status == PublicationStatus.DRAFT:
        return service
    service.status = PublicationStatus.DRAFT
    service.save(update_fields=["status", "updated_at"])
    audit_record(action="support_service.unpublished", actor=actor, obj=service)
    search_index_service(service=service)
    return service


@transaction.atomic
def service_mark_reviewed(*, actor: User | None, service: SupportService, on: date | None = None) -> SupportService:
    """Record that someone checked the service's details on ``on`` (today by default)."""
    _require_admin(actor)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"last_reviewed_on": _("The review date cannot be in the future.")})
    service.last_reviewed_on = on
    service.save(update_fields=["last_reviewed_on", "updated_at"])
    audit_record(action="support_service.reviewed", actor=actor, obj=service, reason=on.isoformat())
    return service


def _translation_texts(*, language: str, description: str, opening_hours: str, accessibility: str) -> dict[str, str]:
    texts = {
        "description": importing.normalise_text(description),
        "opening_hours": importing.normalise_text(opening_hours),
        "accessibility": importing.normalise_text(accessibility),
    }
    problems = importing.translation_problems(language=language, **texts)
    if problems:
        raise ValidationError(problems)
    return texts


def _translation_write(
    service: SupportService,
    language: str,
    texts: Mapping[str, str],
    translation: SupportServiceTranslation | None,
) -> bool:
    """Create or change one translation; False when it already says exactly this."""
    if translation is None:
        translation = SupportServiceTranslation(service=service, language=language, **texts)
    elif all(getattr(translation, name) == value for name, value in texts.items()):
        return False
    else:
        for name, value in texts.items():
            setattr(translation, name, value)
    translation.full_clean(exclude=["service"], validate_constraints=False)
    translation.save()
    return True


@transaction.atomic
def service_translation_set(
    *,
    actor: User | None,
    service: SupportService,
    language: str,
    description: str,
    opening_hours: str = "",
    accessibility: str = "",
) -> SupportServiceTranslation:
    """What readers of ``language`` read about the service (created or replaced)."""
    _require_admin(actor)
    texts = _translation_texts(
        language=language, description=description, opening_hours=opening_hours, accessibility=accessibility
    )
    current = SupportServiceTranslation.objects.filter(service=service, language=language).first()
    if _translation_write(service, language, texts, current):
        audit_record(action="support_service.translation_set", actor=actor, obj=service, reason=language)
        search_index_service(service=service)
    return SupportServiceTranslation.objects.get(service=service, language=language)


@transaction.atomic
def service_translation_delete(*, actor: User | None, translation: SupportServiceTranslation) -> None:
    _require_admin(actor)
    service, language = translation.service, translation.language
    translation.delete()
    audit_record(action="support_service.translation_deleted", actor=actor, obj=service, reason=language)
    search_index_service(service=service)


# --- Importing a file -------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _translations_write(service: SupportService, translations: Mapping[str, TranslationText]) -> list[str]:
    """Languages given in the file are set; languages it leaves empty are kept as they are."""
    changed = []
    current = {translation.language: translation for translation in service.translations.all()}
    for language, text in translations.items():
        texts = _translation_texts(
            language=language,
            description=text.description,
            opening_hours=text.opening_hours,
            accessibility=text.accessibility,
        )
        if _translation_write(service, language, texts, current.get(language)):
            changed.append(language)
    return changed


def services_import(
    *,
    actor: User | None,
    rows: list[ServiceRow],
    dry_run: bool = False,
    progress: Callable[[int], object] | None = None,
) -> ImportResult:
    """Create or update (by slug) every row, all in one transaction: any error, or an
    interruption, leaves the directory exactly as it was. ``dry_run`` does the whole
    import and then rolls it back, so its counts are exact."""
    _require_admin(actor)
    slugs = [row.slug for row in rows]
    if len(set(slugs)) != len(slugs):
        raise ValidationError(_("Each service in a file needs its own slug."))
    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {
            service.slug: service
            for service in SupportService.objects.filter(slug__in=slugs).prefetch_related("translations")
        }
        for row in rows:
            service = existing.get(row.slug)
            if service is None:
                service = _save_new(_checked(row.fields()))
                _translations_write(service, row.translations)
                audit_record(action="support_service.created", actor=actor, obj=service, reason="import")
                created += 1
            else:
                changed = _apply(service, row.fields())
                changed += [f"translation {language}" for language in _translations_write(service, row.translations)]
                if changed:
                    audit_record(
                        action="support_service.updated",
                        actor=actor,
                        obj=service,
                        reason="import: " + ", ".join(sorted(changed)),
                    )
                    updated += 1
                else:
                    unchanged += 1
            search_index_service(service=service)
            if progress is not None:
                progress(1)
        audit_record(
            action="support_service.imported",
            actor=actor,
            object_type=SupportService._meta.label_lower,
            object_id="*",
            reason=f"created {created}, updated {updated}, unchanged {unchanged}",
        )
        if dry_run:
            transaction.set_rollback(True)
    return ImportResult(created=created, updated=updated, unchanged=unchanged)
