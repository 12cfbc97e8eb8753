"""Writes of rights pages and explainers (shipped content and its loading)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from victory.core.audit import audit_record

from .models import ContentKind, ContentPage, ContentTranslation, HelplineAvailability, PublicationStatus
from .search_services import search_index_page

CONTENT_DIR = Path(__file__).resolve().parent / "content"
# When the shipped texts were last checked against Directive 2012/29/EU.
SHIPPED_REVIEWED_ON = date(2026, 11, 25)


def shipped_content() -> dict[str, list[dict[str, Any]]]:
    """The texts shipped with the platform: one JSON file per language."""
    languages = {code for code, _name in settings.LANGUAGES}
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(CONTENT_DIR.glob("*.json"))
        if path.stem in languages
    }


@transaction.atomic
def content_seed(*, content: dict[str, list[dict[str, Any]]] | None = None) -> int:
    """Create the shipped pages and every shipped translation that does not exist yet.
    Texts already in the database (perhaps edited by an administrator) are left alone."""
    content = shipped_content() if content is None else content
    created = 0
    for order, item in enumerate(content.get(settings.LANGUAGE_CODE, [])):
        ContentPage.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "kind": ContentKind(item["kind"]),
                "right_letter": item.get("right_letter", ""),
                "need": item.get("need", ""),
                "order": order,
            },
        )
    pages = {page.slug: page for page in ContentPage.objects.all()}
    for language, items in content.items():
        for item in items:
            page = pages.get(item["slug"])
            if page is None or ContentTranslation.objects.filter(page=page, language=language).exists():
                continue
            ContentTranslation.objects.create(
                page=page,
                language=language,
                title=item["title"],
                summary=item.get("summary", ""),
                body=item["body"],
                what_you_can_do=item.get("what_you_can_do", ""),
                status=PublicationStatus.PUBLISHED,
                last_reviewed_on=SHIPPED_REVIEWED_ON,
            )
            created += 1
    if created:
        audit_record(action="content.seeded", reason=f"{created} texts")
        for page in pages.values():
            search_index_page(page=page)
    helpline_availability_seed()
    return created


def _require_admin(actor: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from victory.accounts.permissions import administers_platform

    if actor is not None and not administers_platform(actor):
        raise PermissionDenied


@transaction.atomic
def content_object_save(*, actor: Any, instance: ContentPage | ContentTranslation | Any) -> None:
    """Save a page, a page text or a country note edited by an administrator (audited)."""
    _require_admin(actor)
    is_new = instance.pk is None
    instance.full_clean()
    instance.save()
    audit_record(
        action=f"content.{type(instance).__name__.lower()}.{'created' if is_new else 'updated'}",
        actor=actor,
        obj=instance,
    )
    search_index_page(page=instance if isinstance(instance, ContentPage) else instance.page)


@transaction.atomic
def content_object_delete(*, actor: Any, instance: Any) -> None:
    _require_admin(actor)
    audit_record(action=f"content.{type(instance).__name__.lower()}.deleted", actor=actor, obj=instance)
    page = None if isinstance(instance, ContentPage) else getattr(instance, "page", None)
    instance.delete()  # a page's entries go with it
    if page is not None:
        search_index_page(page=page)


HELPLINE_FILE = Path(__file__).resolve().parent / "fixtures" / "helpline_116006.json"


@transaction.atomic
def helpline_availability_set(
    *, actor: Any, country: str, status: str, source: str, last_reviewed_on: date
) -> HelplineAvailability:
    """Record whether 116 006 answers in ``country``, where that comes from and when it was checked."""
    _require_admin(actor)
    country = country.strip().upper()
    entry = HelplineAvailability.objects.filter(country=country).first() or HelplineAvailability(country=country)
    entry.status, entry.source, entry.last_reviewed_on = status, source.strip(), last_reviewed_on
    entry.full_clean(validate_unique=False)
    entry.save()
    audit_record(action="content.helpline_availability.set", actor=actor, obj=entry, reason=f"{country}: {status}")
    return entry


def helpline_availability_seed(*, path: Path = HELPLINE_FILE) -> int:
    """Load the shipped availability of 116 006 for the countries not in the database yet
    (an administrator's later correction stays)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    known = set(HelplineAvailability.objects.values_list("country", flat=True))
    created = 0
    for row in data["countries"]:
        if row["country"] in known:
            continue
        helpline_availability_set(
            actor=None,
            country=row["country"],
            status=row["status"],
            source=row.get("source", data["source"]),
            last_reviewed_on=date.fromisoformat(row.get("last_reviewed_on", data["last_reviewed_on"])),
        )
        created += 1
    return created
