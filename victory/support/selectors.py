"""Reads of the directory: only published services reach the public."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from . import content_selectors, search
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


def service_search(*, query: str, language: str, limit: int = 20) -> list[content_selectors.SearchHit]:
    """Published services whose name, organisation, place, offers, focus or description
    hold the query's words, best first."""
    terms = search.query_terms(query, language)
    if not terms:
        return []
    hits: list[content_selectors.SearchHit | None] = []
    for entry in content_selectors.search_entries(
        terms, language, service__isnull=False, service__status=PublicationStatus.PUBLISHED
    ):
        service = entry.service
        assert service is not None
        order = (3, 0, f"{service.country} {service.name}")
        hits.append(
            content_selectors.search_hit(entry, terms, language, reverse("support:service", args=[service.slug]), order)
        )
    return content_selectors.search_hits_sorted(hits, limit)
