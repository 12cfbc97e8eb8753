"""Reads of the directory: only published services reach the public."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import PublicationStatus, SupportService, SupportServiceTranslation


def service_list_published(
    *,
    country: str = "",
    region: str = "",
    offer: str = "",
    group: str = "",
    language: str = "",
) -> list[SupportService]:
    """Published services matching every filter given. Lists (offers, groups, languages)
    are JSON, which SQLite cannot search, so those filters run in Python on the rows
    already narrowed by country and region in SQL."""
    services: QuerySet[SupportService] = SupportService.objects.filter(status=PublicationStatus.PUBLISHED)
    if country:
        services = services.filter(country=country.upper())
    if region:
        services = services.filter(region__icontains=region.strip())
    services = services.order_by("country", "region", "name")
    return [
        service
        for service in services
        if (not offer or offer in service.offers)
        # A service naming no group serves everyone, so it stays in every group's list.
        and (not group or not service.groups or group in service.groups)
        and (not language or language in service.languages)
    ]


def service_get_published(*, slug: str) -> SupportService:
    service = SupportService.objects.filter(slug=slug, status=PublicationStatus.PUBLISHED).first()
    if service is None:
        raise Http404
    return service


@dataclass(frozen=True)
class ServiceText:
    """The texts of a service in the reader's language, or in English when they are not
    translated yet (``is_fallback`` tells the page to say so)."""

    description: str
    opening_hours: str
    accessibility: str
    language: str
    is_fallback: bool


def service_text(*, service: SupportService, language: str) -> ServiceText | None:
    translations = {t.language: t for t in service.translations.all()}
    chosen: SupportServiceTranslation | None = translations.get(language)
    fallback = False
    if chosen is None:
        chosen = translations.get(settings.LANGUAGE_CODE) or next(iter(translations.values()), None)
        fallback = chosen is not None
    if chosen is None:
        return None
    return ServiceText(
        description=chosen.description,
        opening_hours=chosen.opening_hours,
        accessibility=chosen.accessibility,
        language=chosen.language,
        is_fallback=fallback,
    )


def service_regions(*, country: str) -> list[str]:
    """The regions with at least one published service in ``country``, for the filter."""
    return sorted(
        set(
            SupportService.objects.filter(status=PublicationStatus.PUBLISHED, country=country.upper())
            .exclude(region="")
            .values_list("region", flat=True)
        )
    )


def service_search(*, query: str, language: str) -> list[SupportService]:
    """Published services whose name, organisation, region or description in the reader's
    language (or English) contains every word of the query; narrowed in SQL first."""
    words = [word for word in query.split() if len(word) > 1][:8]
    if not words:
        return []
    texts = SupportServiceTranslation.objects.filter(
        language__in={language, settings.LANGUAGE_CODE}, service__status=PublicationStatus.PUBLISHED
    )
    services = SupportService.objects.filter(status=PublicationStatus.PUBLISHED)
    for word in words:
        matching_texts = texts.filter(description__icontains=word).values("service_id")
        services = services.filter(
            Q(name__icontains=word)
            | Q(organisation_name__icontains=word)
            | Q(region__icontains=word)
            | Q(pk__in=matching_texts)
        )
    return list(services.order_by("country", "name")[:20])
