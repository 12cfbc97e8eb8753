"""Writes of the search index: the entries of one page or one service, rebuilt from what
is published now. The content and directory services call these after every write, so
the index follows the texts; ``manage.py rebuild_search_index`` rebuilds all of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import transaction
from django.utils import translation

from victory.core.audit import audit_record
from victory.core.vocabulary import country_name

from . import search
from .models import (
    ContentPage,
    ContentTranslation,
    PublicationStatus,
    SearchEntry,
    ServiceOffer,
    SupportService,
)


def _page_entries(page: ContentPage) -> list[SearchEntry]:
    texts = ContentTranslation.objects.filter(page=page, status=PublicationStatus.PUBLISHED)
    entries = []
    for text in texts:
        body = "\n".join(part for part in (text.summary, text.body, text.what_you_can_do) if part)
        entries.append(
            SearchEntry(
                page=page,
                language=text.language,
                title=text.title,
                title_terms=search.terms_text(text.title, text.language),
                body_terms=search.terms_text(body, text.language),
                text=body,
            )
        )
    return entries


def _service_entries(service: SupportService) -> list[SearchEntry]:
    if service.status != PublicationStatus.PUBLISHED:
        return []
    from victory.core.vocabulary import BiasMotivation

    offers = dict(ServiceOffer.choices)
    groups = dict(BiasMotivation.choices)
    entries = []
    for text in service.translations.all():
        # What the directory shows beside the description, in the entry's language, so
        # that "legal advice" or "racism" finds the services that offer or focus on it.
        with translation.override(text.language):
            facts = [
                service.region,
                country_name(service.country),
                *(str(offers.get(code, "")) for code in service.offers),
                *(str(groups.get(code, "")) for code in service.groups),
            ]
        body = "\n".join([text.description, *filter(None, facts)])
        entries.append(
            SearchEntry(
                service=service,
                language=text.language,
                title=service.name[:200],
                title_terms=search.terms_text(f"{service.name} {service.organisation_name}", text.language),
                body_terms=search.terms_text(body, text.language),
                text=text.description,
            )
        )
    return entries


@transaction.atomic
def search_index_page(*, page: ContentPage) -> int:
    """Replace the page's entries with its published texts; returns how many there are."""
    SearchEntry.objects.filter(page=page).delete()
    entries = SearchEntry.objects.bulk_create(_page_entries(page)) if page.pk else []
    return len(entries)


@transaction.atomic
def search_index_service(*, service: SupportService) -> int:
    """Replace the service's entries (none while it is not published)."""
    SearchEntry.objects.filter(service=service).delete()
    return len(SearchEntry.objects.bulk_create(_service_entries(service)))


def _batches(items: list[ContentPage | SupportService], size: int) -> Iterator[list[ContentPage | SupportService]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def search_index_rebuild(*, batch_size: int = 50, progress: Callable[[int], object] | None = None) -> int:
    """Rebuild every entry, one transaction per batch: an interruption leaves the batches
    done rebuilt and the others as they were, so the search keeps working throughout."""
    items: list[ContentPage | SupportService] = [
        *ContentPage.objects.order_by("pk"),
        *SupportService.objects.prefetch_related("translations").order_by("pk"),
    ]
    count = 0
    for batch in _batches(items, batch_size):
        with transaction.atomic():
            for item in batch:
                if isinstance(item, ContentPage):
                    count += search_index_page(page=item)
                else:
                    count += search_index_service(service=item)
        if progress is not None:
            progress(len(batch))
    audit_record(action="search.index_rebuilt", reason=f"{count} entries")
    return count


def search_index_total() -> int:
    """How many pages and services a rebuild goes through (for a progress bar)."""
    return ContentPage.objects.count() + SupportService.objects.count()
