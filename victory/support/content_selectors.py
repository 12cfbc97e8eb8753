"""Reads of rights pages and explainers: published texts in the reader's language, or
the English text with a note when a page is not translated yet."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http import Http404

from .models import ContentKind, ContentPage, ContentTranslation, CountryNote, PublicationStatus


@dataclass(frozen=True)
class PageText:
    page: ContentPage
    text: ContentTranslation
    is_fallback: bool  # the reader's language has no published text: this is English


def _published(page: ContentPage, language: str) -> PageText | None:
    texts = {t.language: t for t in page.translations.all() if t.status == PublicationStatus.PUBLISHED}
    if language in texts:
        return PageText(page=page, text=texts[language], is_fallback=False)
    if settings.LANGUAGE_CODE in texts:
        return PageText(page=page, text=texts[settings.LANGUAGE_CODE], is_fallback=True)
    return None


def content_list(*, language: str, kind: str | None = None) -> list[PageText]:
    pages = ContentPage.objects.prefetch_related("translations")
    if kind in ContentKind.values:
        pages = pages.filter(kind=kind)
    return [text for page in pages if (text := _published(page, language)) is not None]


def content_get(*, slug: str, language: str) -> PageText:
    page = ContentPage.objects.prefetch_related("translations").filter(slug=slug).first()
    text = _published(page, language) if page else None
    if text is None:
        raise Http404
    return text


def country_notes(*, page: ContentPage, country: str, language: str) -> list[CountryNote]:
    """Published notes for the country, in the reader's language first, then any other."""
    notes = list(page.country_notes.filter(country=country.upper(), status=PublicationStatus.PUBLISHED))
    return sorted(notes, key=lambda note: (note.language != language, note.language))


def content_search(*, query: str, language: str) -> list[PageText]:
    """Published pages whose title, summary or text in the reader's language contain every
    word of the query (case-insensitive); English pages where no translation exists."""
    words = [word for word in query.split() if len(word) > 1][:8]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
            | Q(what_you_can_do__icontains=word)
        )
    matches = list(
        ContentTranslation.objects.filter(
            condition, status=PublicationStatus.PUBLISHED, language__in={language, settings.LANGUAGE_CODE}
        ).select_related("page")
    )
    # Pages published in the reader's language (matching or not), in one query: for
    # those, an English match is not shown instead.
    own_language = set(
        ContentTranslation.objects.filter(
            page_id__in={text.page_id for text in matches}, language=language, status=PublicationStatus.PUBLISHED
        ).values_list("page_id", flat=True)
    )
    found: dict[int, PageText] = {}
    for text in matches:
        if text.language == language:
            found[text.page_id] = PageText(page=text.page, text=text, is_fallback=False)
        elif text.page_id not in own_language:
            found.setdefault(text.page_id, PageText(page=text.page, text=text, is_fallback=True))
    return sorted(found.values(), key=lambda item: (item.page.kind, item.page.order))
